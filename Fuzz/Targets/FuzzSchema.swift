import StratifyCore
import StratifyRules
import StratifyYAML

/// The rule file the intake targets score against: one input of each type,
/// a derived value that divides, rules, a model and a review date.
enum FuzzSchema {
    static let text = """
        version: 1
        identifier: id
        inputs:
          id: {type: string, required: true}
          n: {type: integer, min: -5, max: 1000}
          x: {type: number, min: -1000000, max: 1000000}
          ok: {type: boolean}
          kind: {type: enum, values: [a, b, c]}
          day: {type: date, min: 1900-01-01, max: 2100-12-31}
          note: {type: string}
        derived:
          ratio: x / n
        tiers: [low, high]
        domains:
          main:
            tiers: {low: 0..0, high: 1..}
            rules:
              - id: r.one
                when: n > 10 or ok
                points: 1
                because: Fuzz.
              - id: r.two
                when: kind in [b, c] and ratio > 1
                points: 1
                because: Fuzz.
        overall:
          tiers: {low: 0..0, high: 1..}
        models:
          - id: m.one
            when: tier == high
            contact: weekly
            review_days: 7
            because: Fuzz.
          - id: m.last
            contact: never
            review_days: 30
            because: Fuzz.
        review_by:
          from: day

        """

    static let program: Program = {
        do throws(DiagnosticError) {
            return try RuleCompiler.program(SourceFile(path: "fuzz.yaml", text: text))
        } catch {
            fatalError("the fuzz schema does not compile: \(error.diagnostics.map(\.message))")
        }
    }()
}
