import Testing
import StratifyEngine
@testable import StratifyRules

/// `known(x)` and `missing(x)`: whether a value is there, true or false and
/// never unknown, so that a rule can act on incomplete data. Checked (one
/// name, of an input or a derived value), evaluated (truth table, and inside
/// Kleene `and`/`or`/`not`), and understood by the linter.
@Suite struct PresenceTestTests {
    // MARK: - Checking

    /// (text after `when:` on line 19, the one diagnostic, its notes)
    static let errors: [(String, String, [String])] = [
        ("known()", "19:16: known() needs the name of an input or a derived value", ["e.g. 'known(phq9_total)'"]),
        (
            "missing(age, smoker)", "19:29: missing(..) takes one name, not 2",
            ["to test several values, combine the tests: 'missing(a) and missing(b)'"]
        ),
        ("known(age + 1)", "19:22: known(..) takes the name of an input or a derived value, but age + 1 is not a name", []),
        ("known(3)", "19:22: known(..) takes the name of an input or a derived value, but 3 is not a name", []),
        ("missing(agee)", "19:24: unknown name 'agee'", ["did you mean 'age'?"]),
        ("known(age) + 1 > 0", "19:16: cannot use '+' on true/false and an integer", []),
        ("known(age) > 0", "19:27: cannot compare known(age) (boolean) with 0 (integer)", []),
        (
            "knwn(age)", "19:16: unknown function 'knwn'",
            ["did you mean 'known'?", "functions: count(..), min(..), max(..), known(..), missing(..)"]
        ),
        (
            "main.score > 1 or known(age)", "19:16: 'main.score' is not known yet in a rule condition: scores and tiers exist only after the rules run",
            ["escalations and models can use scores and tiers"]
        ),
    ]

    @Test(arguments: errors) func checkerError(_ condition: String, _ expected: String, _ notes: [String]) {
        let output = RuleFiles.compile(RuleFiles.withRule(when: "\"\(condition)\""))
        #expect(output.program == nil)
        #expect(output.onlyErrors.map(RuleFiles.show) == [expected])
        #expect(output.onlyErrors.first?.notes == notes)
    }

    @Test func flagsScoresAndTiersAreNeverMissing() {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain.replacingOccurrences(of: "points: 1", with: "points: 1\n        flag: some"),
            overall: """
                  tiers: {low: 0..0, moderate: 1..1, high: 2..}
                  escalations:
                    - {id: e1, when: missing(some), at_least: high, because: Test.}
                    - {id: e2, when: known(main.score) or missing(tier), at_least: high, because: Test.}
                """)
        #expect(
            RuleFiles.compile(text).onlyErrors.map(RuleFiles.show) == [
                "26:30: missing(..) takes the name of an input or a derived value, but 'some' is a flag, which is never missing",
                "27:28: known(..) takes the name of an input or a derived value, but 'main.score' is a score or tier, which is never missing",
            ])
    }

    @Test func isABooleanOfAnyInputOrDerivedValue() throws {
        for name in ["id", "age", "income", "smoker", "substance_use", "seen_on"] {
            #expect(try Probe.type("known(\(name))") == .boolean)
            #expect(try Probe.type("missing(\(name))") == .boolean)
        }
        let text = RuleFiles.file(
            derived: "  older: \"age + 1\"\n  flagged: \"known(older)\"", domains: RuleFiles.trivialDomain)
        let program = try RuleFiles.program(text)
        #expect(program.derived.map(\.type) == [.integer, .boolean])
    }

    // MARK: - Evaluating

    /// Present or missing, each input type, both functions.
    @Test(arguments: [
        ("age", "40"), ("income", "12.5"), ("smoker", "false"), ("substance_use", "none"), ("seen_on", "2026-01-31"),
    ])
    func truthTable(_ name: String, _ value: String) throws {
        #expect(try Probe.outcome("known(\(name))", [name: value]) == .fired)
        #expect(try Probe.outcome("known(\(name))", [:]) == .notFired)
        #expect(try Probe.outcome("missing(\(name))", [name: value]) == .notFired)
        #expect(try Probe.outcome("missing(\(name))", [:]) == .fired)
    }

    @Test func decidesWhereComparisonsWithTheMissingValueAreUnknown() throws {
        // `x > 3` is unknown when x is missing; `missing(x)` is true then.
        #expect(try Probe.outcome("missing(age) or age > 3", [:]) == .fired)
        #expect(try Probe.outcome("missing(age) or age > 3", ["age": "2"]) == .notFired)
        #expect(try Probe.outcome("missing(age) or age > 3", ["age": "4"]) == .fired)
        #expect(try Probe.outcome("known(age) and age > 3", [:]) == .notFired)
        #expect(try Probe.outcome("known(age) and age > 3", ["age": "4"]) == .fired)
        #expect(try Probe.outcome("not known(age)", [:]) == .fired)
        #expect(try Probe.outcome("not missing(age)", [:]) == .notFired)
        // Unknown operands of and/or keep their Kleene meaning.
        #expect(try Probe.outcome("missing(age) and smoker", [:]) == .unknown)
        #expect(try Probe.outcome("missing(age) and smoker", ["smoker": "true"]) == .fired)
        #expect(try Probe.outcome("known(age) or smoker", [:]) == .unknown)
        #expect(try Probe.outcome("missing(smoker) and missing(lonely)", [:]) == .fired)
        #expect(try Probe.outcome("missing(smoker) and missing(lonely)", ["lonely": "false"]) == .notFired)
        #expect(try Probe.value("count(missing(age), missing(income), known(smoker))", ["age": "3"]) == 1)
    }

    @Test func ofADerivedValueThatCannotBeComputed() throws {
        let text = RuleFiles.file(
            derived: "  ratio: \"income / n\"\n  unknown_ratio: \"missing(ratio)\"", domains: RuleFiles.trivialDomain)
        let program = try RuleFiles.program(text)
        // A derived value is missing when it is unknown: an input it needs is
        // missing, or it cannot be computed (division by zero).
        #expect(Record(program, ["income": "10", "n": "2"]).derived("unknown_ratio") == 0)
        #expect(Record(program, ["income": "10", "n": "0"]).derived("unknown_ratio") == 1)
        #expect(Record(program, ["n": "2"]).derived("unknown_ratio") == 1)
    }

    // MARK: - Linting

    static let lintInputs = """
          phq9_total: {type: integer, min: 0, max: 27}
          gad7_total: {type: integer, min: 0, max: 21}
          age: {type: integer, min: 0, max: 120, required: true}
        """

    @Test func aRuleOnMissingDataIsNotDead() {
        // `phq9_total >= 20` is unknown when phq9_total is missing, but the
        // presence tests are true or false: nothing here is never true,
        // always true, or unknown when a value is missing.
        assertLint(
            LintFile.make(
                inputs: Self.lintInputs,
                rules: """
                          - id: r.incomplete
                            when: missing(phq9_total) and missing(gad7_total)
                            points: 1
                            flag: incomplete_screening
                            because: Test.
                          - id: r.severe_or_unknown
                            when: missing(phq9_total) or phq9_total >= 20 or gad7_total >= 15 or age > 90
                            points: 1
                            because: Test.
                          - id: r.known_and_high
                            when: known(gad7_total) and gad7_total >= 15
                            points: 1
                            because: Test.
                    """,
                escalations: """
                        - id: esc.incomplete
                          when: incomplete_screening
                          at_least: moderate
                          because: Test.
                    """), [:])
    }

    @Test func aPresenceTestOfARequiredInputIsFixed() {
        assertLint(
            LintFile.make(
                inputs: Self.lintInputs,
                rules: """
                          - id: r.never
                            when: 1️⃣missing(age)
                            points: 1
                            because: Test.
                          - id: r.uses
                            when: 2️⃣known(age) and phq9_total >= 1 and gad7_total >= 1
                            points: 2
                            because: Test.
                    """),
            [
                "1️⃣": "warning: rule 'r.never' can never fire: 'missing(age)' is never true (age is required, so it is never missing)",
                "2️⃣": "warning: 'known(age)' is always true (age is required, so it is never missing): it can be left out",
            ])
    }

    @Test func aKnownValueCannotBeMissing() {
        assertLint(
            LintFile.make(
                inputs: Self.lintInputs,
                rules: """
                          - id: r.contradiction
                            when: 1️⃣phq9_total >= 10 and missing(phq9_total)
                            points: 1
                            because: Test.
                          - id: r.uses
                            when: gad7_total >= 1 and age >= 1
                            points: 2
                            because: Test.
                    """),
            [
                "1️⃣":
                    "warning: rule 'r.contradiction' can never fire: 'phq9_total >= 10 and missing(phq9_total)' is never true (its parts cannot all hold at once)"
            ])
    }
}
