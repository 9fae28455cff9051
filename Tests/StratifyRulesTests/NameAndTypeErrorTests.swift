import Testing
@testable import StratifyRules

/// Checker errors inside one condition: unknown names and values (with
/// did-you-mean), type mismatches, non-boolean conditions, functions,
/// division by a literal zero, names not known yet where they are written.
@Suite struct NameAndTypeErrorTests {
    /// (text after `when:` on line 19, the one diagnostic, its notes)
    static let cases: [(String, String, [String])] = [
        ("agee > 1", "19:15: unknown name 'agee'", ["did you mean 'age'?"]),
        ("subtance_use == none", "19:15: unknown name 'subtance_use'", ["did you mean 'substance_use'?"]),
        ("zzzz > 1", "19:15: unknown name 'zzzz'", []),
        (
            "substance_use == sometimes", "19:32: 'sometimes' is not a value of substance_use, nor a known name",
            ["substance_use takes: none, misuse, disorder"]
        ),
        (
            "substance_use == misuses", "19:32: 'misuses' is not a value of substance_use, nor a known name",
            ["did you mean 'misuse'?", "substance_use takes: none, misuse, disorder"]
        ),
        (
            #""substance_use == 'sometimes'""#, "19:33: 'sometimes' is not a value of substance_use",
            ["substance_use takes: none, misuse, disorder"]
        ),
        (
            "substance_use in [none, sometime]", "19:39: 'sometime' is not a value of substance_use, nor a known name",
            ["substance_use takes: none, misuse, disorder"]
        ),
        ("substance_use == 2", "19:29: cannot compare substance_use (enum) with 2 (integer)", []),
        ("substance_use in [none, 1]", "19:39: 1 is a number, but substance_use takes one of: none, misuse, disorder", []),
        ("smoker > true", "19:22: '>' does not apply to true/false values; use '==' or '!='", []),
        ("smoker <= lonely", "19:22: '<=' does not apply to true/false values; use '==' or '!='", []),
        (#""age == 'abc'""#, "19:23: cannot compare an integer with the text 'abc'", []),
        (#""income != 'x'""#, "19:26: cannot compare a number with the text 'x'", []),
        (#""'abc' == 'def'""#, "19:16: the text 'abc' must be compared with an enum or a date", []),
        (#""seen_on == '2026-13-01'""#, "19:27: '2026-13-01' is not a date: write dates as 'YYYY-MM-DD'", []),
        ("age < seen_on", "19:19: cannot compare age (integer) with seen_on (date)", []),
        ("age in [1, smoker]", "19:26: cannot compare age (integer) with smoker (boolean)", []),
        (#""id == 'x'""#, "19:16: 'id' is text: conditions can use numbers, booleans, enums and dates, not text", []),
        ("age", "19:15: a condition must be true or false, but this is an integer", ["compare it with something, e.g. 'age >= 1'"]),
        ("income * 2", "19:15: a condition must be true or false, but this is a number", ["compare it with something, e.g. 'income * 2 >= 1'"]),
        (
            "substance_use", "19:15: a condition must be true or false, but this is a value of substance_use",
            ["compare it with something, e.g. 'substance_use >= 1'"]
        ),
        ("not age", "19:19: 'not' needs true or false, but age is an integer", []),
        (
            "age and smoker", "19:15: 'and' needs true or false on both sides, but age is an integer",
            ["compare it with something, e.g. 'age >= 1'"]
        ),
        (
            "smoker or seen_on", "19:25: 'or' needs true or false on both sides, but seen_on is a date",
            ["compare it with something, e.g. 'seen_on >= 1'"]
        ),
        ("-smoker < 1", "19:15: '-' needs a number, but smoker is true/false", []),
        ("age + smoker > 1", "19:15: cannot use '+' on an integer and true/false", []),
        ("(age + 1) * smoker > 1", "19:15: cannot use '*' on an integer and true/false", []),
        ("seen_on * 2 > 1", "19:15: cannot use '*' on a date and an integer", []),
        ("seen_on + seen_on > 1", "19:15: cannot use '+' on a date and a date", []),
        ("n / 0 > 1", "19:19: division by zero", []),
        ("n / 0.0 > 1", "19:19: division by zero", []),
        ("n / -0 > 1", "19:19: division by zero", []),
        ("foo(1) > 1", "19:15: unknown function 'foo'", ["functions: count(..), min(..), max(..), known(..), missing(..)"]),
        ("mx(age, 1) > 1", "19:15: unknown function 'mx'", ["did you mean 'max'?", "functions: count(..), min(..), max(..), known(..), missing(..)"]),
        ("count() > 1", "19:15: count() needs at least one argument", []),
        ("count(smoker, age) > 1", "19:29: count(..) counts conditions that hold, but age is an integer", []),
        ("min(smoker) > 1", "19:19: min(..) takes numbers, but smoker is true/false", []),
        ("max(1, seen_on) > 1", "19:22: max(..) takes numbers, but seen_on is a date", []),
        (
            "tier == high", "19:15: 'tier' is not known yet in a rule condition: scores and tiers exist only after the rules run",
            ["escalations and models can use scores and tiers"]
        ),
        (
            "total_score > 1", "19:15: 'total_score' is not known yet in a rule condition: scores and tiers exist only after the rules run",
            ["escalations and models can use scores and tiers"]
        ),
        (
            "main.tier == high", "19:15: 'main.tier' is not known yet in a rule condition: scores and tiers exist only after the rules run",
            ["escalations and models can use scores and tiers"]
        ),
        (
            "main.score > 1", "19:15: 'main.score' is not known yet in a rule condition: scores and tiers exist only after the rules run",
            ["escalations and models can use scores and tiers"]
        ),
    ]

    @Test(arguments: cases) func errorInCondition(_ condition: String, _ expected: String, _ notes: [String]) {
        let output = RuleFiles.compile(RuleFiles.withRule(when: condition))
        #expect(output.program == nil)
        #expect(output.onlyErrors.map(RuleFiles.show) == [expected])
        #expect(output.onlyErrors.first?.notes == notes)
    }

    @Test func aFlagCannotBeUsedInARuleNorADerivedValue() {
        let text = RuleFiles.file(
            derived: "  uses_flag: old and smoker",
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: a, when: age >= 65, points: 1, flag: old, because: Test.}
                      - {id: b, when: old or smoker, points: 1, because: Test.}
                """)
        let output = RuleFiles.compile(text)
        #expect(
            output.onlyErrors.map(RuleFiles.show) == [
                "14:14: 'old' is a flag, which rules set, so a derived value cannot use it",
                "21:23: 'old' is a flag, which rules set, so a rule condition cannot use it",
            ])
        #expect(output.onlyErrors.map(\.notes) == Array(repeating: ["flags can be used in floors, escalations and models"], count: 2))
    }

    @Test func aFloorSeesFlagsButNotTiers() {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: a, when: age >= 65, points: 1, flag: old, because: Test.}
                    floors:
                      - {id: f1, when: old, at_least: high, because: Test.}
                      - {id: f2, when: other.tier == high, at_least: high, because: Test.}
                      - {id: f3, when: tier == high, at_least: high, because: Test.}
                  other:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: b, when: age >= 65, points: 1, because: Test.}
                """, overall: "  tiers: {low: 0..0, moderate: 1..1, high: 2..}")
        #expect(
            RuleFiles.report(text) == [
                "21:24: 'other.tier' is not known yet in a floor: scores and tiers exist only after the rules run",
                "22:24: 'tier' is not known yet in a floor: scores and tiers exist only after the rules run",
            ])
    }

    @Test func escalationsAndModelsSeeScoresTiersAndFlags() throws {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: a, when: age >= 65, points: 1, flag: old, because: Test.}
                """,
            overall: """
                  tiers: {low: 0..0, moderate: 1..1, high: 2..}
                  escalations:
                    - {id: e, when: old and main.score >= 1 and main.tier >= moderate and total_score > 0 and tier == moderate, at_least: high, because: Test.}
                """,
            models: """
                  - id: first
                    when: tier == high and old and main.tier == moderate and total_score == 1
                    contact: weekly
                    review_days: 30
                    because: Test.
                  - id: last
                    contact: never
                    review_days: 7
                    because: Test.
                """)
        _ = try RuleFiles.program(text)
    }
}
