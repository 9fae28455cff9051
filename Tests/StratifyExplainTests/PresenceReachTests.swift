import StratifyCore
import StratifyEngine
import StratifyExplain
import StratifyRules
import StratifyYAML
import Testing

/// The highest reachable tier stays a sound bound when conditions test
/// whether a value is there: `known(x)` false now can turn true when x is
/// filled in, `missing(x)` true now can turn false, which Kleene logic alone
/// never does. Checked by filling in every missing value with each value
/// the conditions care about, and evaluating again.
@Suite struct PresenceReachTests {
    /// Presence tests in rules with positive and negative points, through a
    /// derived value, a flag, a floor and an escalation.
    static let ruleFile = """
        version: 1
        identifier: id
        inputs:
          id: {type: string, required: true}
          phq: {type: integer, min: 0, max: 27}
          gad: {type: integer, min: 0, max: 21}
          housed: {type: boolean}
        derived:
          screened: "known(phq) or known(gad)"
        tiers: [low, moderate, high, very_high]
        domains:
          mind:
            tiers: {low: -3..2, moderate: 3..5, high: 6..8, very_high: 9..}
            rules:
              - {id: phq_high, when: "phq >= 20", points: 4, because: Test.}
              - {id: gad_known_high, when: "known(gad) and gad >= 15", points: 3, because: Test.}
              - {id: screened, when: "screened", points: -2, because: Test.}
              - {id: gad_unscreened, when: "missing(gad)", points: -1, flag: unscreened, because: Test.}
              - {id: unhoused, when: "known(housed) and not housed", points: 5, because: Test.}
            floors:
              - {id: floor_unscreened, when: "not unscreened and gad >= 10", at_least: high, because: Test.}
        overall:
          tiers: {low: -3..2, moderate: 3..5, high: 6..8, very_high: 9..}
          escalations:
            - {id: esc_unscreened, when: "missing(phq) and known(housed)", at_least: moderate, because: Test.}
            - {id: esc_known, when: "known(phq) and mind.score >= 7", at_least: very_high, because: Test.}
        models:
          - {id: only, contact: never, review_days: 1, because: Test.}

        """

    static let program = try! RuleCompiler.program(SourceFile(path: "presence.yaml", text: ruleFile))

    /// Values per input (register 1, 2, 3); NaN is missing.
    static let values: [[Double]] = [
        [.nan, 0, 19, 20, 27],
        [.nan, 0, 9, 10, 14, 15, 21],
        [.nan, 0, 1],
    ]

    @Test func theBoundHoldsForEveryWayOfFillingInTheMissingValues() {
        let plan = TracePlan(program: Self.program)
        let evaluator = Evaluator(program: Self.program)
        let filled = Evaluator(program: Self.program)
        let tierRegister = Self.program.overall.tierRegister
        let domainTier = Self.program.domains[0].tierRegister
        var checked = 0
        for phq in Self.values[0] {
            for gad in Self.values[1] {
                for housed in Self.values[2] {
                    let record = [0, phq, gad, housed]
                    Self.load(record, into: evaluator)
                    let reach = ReachableTiers(plan: plan, registers: evaluator.registerValues)
                    let tier = Int(evaluator.value(tierRegister))
                    #expect(reach.overall >= tier)
                    if !record.contains(where: \.isNaN) {
                        #expect(reach.exact && reach.overall == tier, "nothing missing: \(record)")
                    }
                    // Every completion of the record: missing values take each value.
                    for completion in Self.completions(of: record) {
                        Self.load(completion, into: filled)
                        let reached = Int(filled.value(tierRegister))
                        #expect(reached <= reach.overall, "\(record) filled in as \(completion): tier \(reached) above the bound \(reach.overall)")
                        #expect(Int(filled.value(domainTier)) <= reach.domains[0], "\(record) → \(completion): domain")
                        if reach.exact { #expect(reached == tier, "\(record): exact, but \(completion) gives \(reached)") }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 300)
    }

    @Test func aFalseKnownTestIsNotTakenAsFinal() throws {
        // gad missing: `known(gad) and gad >= 15` is false, not unknown, yet
        // gad 15 would add 3 points; `missing(gad)` holds now (-1) and would
        // not then.
        let plan = TracePlan(program: Self.program)
        let evaluator = Evaluator(program: Self.program)
        Self.load([0, 5, .nan, 1], into: evaluator)
        #expect(evaluator.value(Self.program.domains[0].scoreRegister) == -3)
        let reach = ReachableTiers(plan: plan, registers: evaluator.registerValues)
        #expect(!reach.exact)
        // gad 15: -2 (screened) + 3 (gad_known_high), no -1 (gad_unscreened):
        // score 1, and the floor on `not unscreened and gad >= 10` makes it high.
        #expect(reach.domains == [2])
        // Sound, not tight: `screened` (known(phq) or known(gad)) counts as
        // undecided while gad is missing, though phq alone keeps it true, so
        // its -2 may go too: total at most 3, moderate.
        #expect(reach.overall == 1)
        // And the trace says so in its check.
        var builder = TraceBuilder(plan: plan, whatIf: false)
        let trace = builder.trace(evaluator, identifier: "A")
        let rule = try #require(trace.rule("gad_known_high"))
        #expect(rule.outcome == .notFired)
        #expect(rule.condition.failed.map(\.sentence) == ["known(gad) ✗"])
        #expect(rule.condition.checks.map(\.sentence) == ["known(gad) ✗", "gad missing ≥ 15 ?"])
        #expect(rule.condition.missing == [], "a decided condition names no missing input")
        #expect(trace.inputsKnown == 2 && trace.inputsTotal == 3)
    }

    /// Inputs in registers 1..., then evaluated.
    static func load(_ record: [Double], into evaluator: Evaluator) {
        evaluator.clearInputs()
        for (index, value) in record.enumerated() where index > 0 {
            evaluator.inputRegisters[index] = value
        }
        evaluator.evaluate()
    }

    static func completions(of record: [Double]) -> [[Double]] {
        var results: [[Double]] = [record]
        for index in 1..<record.count where record[index].isNaN {
            results = results.flatMap { partial in
                values[index - 1].filter { !$0.isNaN }.map { value in
                    var copy = partial
                    copy[index] = value
                    return copy
                }
            }
        }
        return results
    }
}
