import StratifyCore
@testable import StratifyRules
import StratifyYAML
import Testing

/// Small rule files written inline, and compact views of what compiling them reports.
enum RuleFiles {
    /// A minimal valid rule file whose only rule has `when: <condition>`:
    /// the `when:` is on line 19 and the condition starts at column 15.
    static func withCondition(_ condition: String) -> String {
        withRule(when: condition)
    }

    /// The inputs every inline file declares, one per type.
    static let inputs = """
        inputs:
          id: {type: string, required: true}
          age: {type: integer, min: 0, max: 120}
          income: {type: number, min: 0, max: 10000}
          smoker: {type: boolean}
          lonely: {type: boolean}
          substance_use: {type: enum, values: [none, misuse, disorder]}
          seen_on: {type: date}
          n: {type: integer}
          m: {type: integer}
        """

    /// The minimal file with `whenText` written verbatim after `when:` (it may
    /// be a quoted scalar, or the header of a block scalar and its lines).
    static func withRule(when whenText: String) -> String {
        """
        version: 1
        identifier: id
        \(inputs)
        tiers: [low, high]
        domains:
          main:
            tiers: {low: 0..0, high: 1..}
            rules:
              - id: rule.one
                when: \(whenText)
                points: 1
                because: Test.
        overall:
          tiers: {low: 0..0, high: 1..}
        models:
          - id: only
            contact: never
            review_days: 1
            because: Test.

        """
    }

    /// A file of the given parts, each indented as in a rule file: the
    /// entries of `derived:`, `domains:`, `overall:`, `models:`, `review_by:`.
    static func file(
        derived: String = "",
        tiers: String = "[low, moderate, high]",
        domains: String,
        overall: String = "  tiers: {low: 0..0, moderate: 1..1, high: 2..}",
        models: String = """
          - id: only
            contact: never
            review_days: 7
            because: Test.
        """,
        reviewBy: String = ""
    ) -> String {
        var text = "version: 1\nidentifier: id\n\(inputs)\n"
        if !derived.isEmpty { text += "derived:\n\(derived)\n" }
        text += "tiers: \(tiers)\ndomains:\n\(domains)\noverall:\n\(overall)\nmodels:\n\(models)\n"
        if !reviewBy.isEmpty { text += "review_by:\n\(reviewBy)\n" }
        return text
    }

    /// A domain `main` with one rule of 1 point, and bands for 0, 1 and 2 points.
    static let trivialDomain = """
          main:
            tiers: {low: 0..0, moderate: 1..1, high: 2..}
            rules:
              - id: rule.one
                when: n >= 1
                points: 1
                because: Test.
        """

    static func compile(_ text: String, path: String = "rules.yaml") -> RuleCompiler.Output {
        RuleCompiler.compile(SourceFile(path: path, text: text))
    }

    static func compile(bytes: [UInt8]) -> RuleCompiler.Output {
        RuleCompiler.compile(SourceFile(path: "rules.yaml", bytes: bytes))
    }

    /// Every error as `line:column: message` (warnings, which lints may add, are left out).
    static func report(_ text: String) -> [String] {
        compile(text).onlyErrors.map(show)
    }

    static func show(_ diagnostic: Diagnostic) -> String {
        let place = diagnostic.location.map { "\($0.line):\($0.column)" } ?? "-"
        return "\(place): \(diagnostic.message)"
    }

    /// The program of a file that must compile; records the diagnostics otherwise.
    static func program(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Program {
        let output = compile(text)
        #expect(output.onlyErrors.map(show) == [], sourceLocation: sourceLocation)
        return try #require(output.program, sourceLocation: sourceLocation)
    }
}

extension RuleCompiler.Output {
    /// The diagnostics of severity error.
    var onlyErrors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}
