import StratifyTestSupport
import Testing
@testable import StratifyRules

/// Conditions that are never true, always true, or have a part that never
/// matters, given the input schema's ranges.
@Suite struct LintConditionTests {
    static let inputs = """
          age: {type: integer, min: 0, max: 120}
          score: {type: integer, min: 0, max: 27}
          income: {type: number, min: 0, max: 10000}
          smoker: {type: boolean}
          mood: {type: enum, values: [never, rarely, sometimes, often, always]}
        """

    static func file(rules: String) -> String {
        LintFile.make(
            inputs: inputs,
            rules: rules + """

                      - id: r.uses_all
                        when: age >= 18 and score >= 10 and income < 100 and smoker and mood >= often
                        points: 2
                        because: Test.
                """)
    }

    @Test func ruleThatCanNeverFire() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.extreme
                            when: 1️⃣score >= 30
                            points: 1
                            because: Test.
                    """), ["1️⃣": "warning: rule 'r.extreme' can never fire: 'score >= 30' is never true (score is 0..27)"])
    }

    @Test func pointsAtThePartThatCanNeverHold() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.dead_alternative
                            when: smoker and (age < 50 or 1️⃣score >= 30)
                            points: 1
                            because: Test.
                          - id: r.extreme
                            when: smoker and (age < 50 or score >= 30) and 2️⃣score > 27
                            points: 1
                            because: Test.
                    """),
            [
                "1️⃣": "warning: 'score >= 30' is never true (score is 0..27): this alternative never makes the condition hold",
                "2️⃣": "warning: rule 'r.extreme' can never fire: 'score > 27' is never true (score is 0..27)",
            ])
    }

    @Test func partsThatContradictEachOther() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.contradiction
                            when: 1️⃣age > 50 and smoker and age < 40
                            points: 1
                            because: Test.
                          - id: r.chains
                            when: 2️⃣10 <= score <= 12 and score > 20
                            points: 1
                            because: Test.
                          - id: r.enum
                            when: 3️⃣mood in [never, rarely] and mood >= often
                            points: 1
                            because: Test.
                    """),
            [
                "1️⃣": "warning: rule 'r.contradiction' can never fire: 'age > 50 and smoker and age < 40' is never true (its parts cannot all hold at once)",
                "2️⃣": "warning: rule 'r.chains' can never fire: '10 <= score <= 12 and score > 20' is never true (its parts cannot all hold at once)",
                "3️⃣": "warning: rule 'r.enum' can never fire: 'mood in [never, rarely] and mood >= often' is never true (its parts cannot all hold at once)",
            ])
    }

    @Test func conditionAlwaysTrueWhenItsInputsArePresent() throws {
        let text = Self.file(
            rules: """
                      - id: r.adult_or_child
                        when: 1️⃣age >= 0
                        points: 1
                        because: Test.
                      - id: r.any_mood
                        when: 2️⃣mood in [never, rarely, sometimes, often, always]
                        points: 1
                        because: Test.
                      - id: r.either
                        when: smoker or 3️⃣income <= 10000
                        points: 1
                        because: Test.
                """)
        assertLint(
            text,
            [
                "1️⃣": "warning: the condition of rule 'r.adult_or_child' is always true whenever age is present (age is 0..120)",
                "2️⃣": "warning: the condition of rule 'r.any_mood' is always true whenever mood is present (the list names every value mood can take)",
                "3️⃣": "warning: the condition of rule 'r.either' is always true whenever income is present: 'income <= 10000' always holds (income is 0..10000)",
            ])
        let first = try #require(LintFile.check(PositionMarkers.strip(text).text).first)
        #expect(first.notes == ["a comparison with a missing value is unknown, so a condition that needs one does not hold"])
    }

    @Test func conditionAlwaysTrueWhateverTheRecord() {
        let text = LintFile.make(
            inputs: "  age: {type: integer, min: 0, max: 120, required: true}",
            rules: """
                      - id: r.everyone
                        when: 1️⃣age <= 120
                        points: 0
                        because: Test.
                      - id: r.older
                        when: age >= 65
                        points: 2
                        because: Test.
                """)
        assertLint(text, ["1️⃣": "warning: the condition of rule 'r.everyone' is always true (age is 0..120)"])
    }

    @Test func partOfAnAndThatAlwaysHolds() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.smoker
                            when: smoker and 1️⃣age >= 0
                            points: 1
                            because: Test.
                    """), ["1️⃣": "warning: 'age >= 0' is always true whenever age is present (age is 0..120): it only requires age to be present"])
    }

    @Test func countOfConditionsThatNeverChange() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.count
                            when: count(smoker, 1️⃣score > 27, 2️⃣mood >= never, age >= 65) >= 2
                            points: 1
                            because: Test.
                    """),
            [
                "1️⃣": "warning: 'score > 27' is never true (score is 0..27): count(..) never counts it",
                "2️⃣": "warning: 'mood >= never' is always true whenever mood is present (mood is never..always): count(..) always counts it",
            ])
    }

    @Test func conditionsInFoldedScalarsAreLocatedExactly() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.folded
                            when: >-
                              smoker
                              or 1️⃣score > 27
                            points: 1
                            because: Test.
                    """), ["1️⃣": "warning: 'score > 27' is never true (score is 0..27): this alternative never makes the condition hold"])
    }

    @Test func derivedValuesCarryTheirRanges() {
        let text = LintFile.make(
            inputs: Self.inputs,
            derived: """
                  doubled: score * 2
                  band:
                    table:
                      of: age
                      rows: {0..17: 0, 18..64: 1, 65..: 2}
                """,
            rules: """
                      - id: r.doubled
                        when: 1️⃣doubled > 54
                        points: 1
                        because: Test.
                      - id: r.band
                        when: 2️⃣band == 3 or income < 100
                        points: 1
                        because: Test.
                      - id: r.rest
                        when: smoker and mood >= often
                        points: 2
                        because: Test.
                """)
        assertLint(
            text,
            [
                "1️⃣": "warning: rule 'r.doubled' can never fire: 'doubled > 54' is never true (doubled is 0..54)",
                "2️⃣": "warning: 'band == 3' is never true (band is 0..2): this alternative never makes the condition hold",
            ])
    }

    @Test func liveConditionsAreLeftAlone() {
        assertLint(
            Self.file(
                rules: """
                          - id: r.range
                            when: 0 <= score <= 9
                            points: 1
                            because: Test.
                          - id: r.top
                            when: 20 <= score <= 27
                            points: 1
                            because: Test.
                          - id: r.fractions
                            when: income > 0.4 and income < 0.5
                            points: 1
                            because: Test.
                          - id: r.not
                            when: not smoker and mood not in [never]
                            points: 1
                            because: Test.
                          - id: r.arithmetic
                            when: age - score > 100
                            points: 1
                            because: Test.
                    """), [:])
    }

    @Test func floorsEscalationsAndModelsThatCanNeverApply() {
        let text = LintFile.make(
            inputs: Self.inputs,
            rules: """
                      - id: r.smoker
                        when: smoker and age >= 18 and income < 100 and mood >= often
                        points: 2
                        flag: smokes
                        because: Test.
                """,
            floors: """
                      - id: floor.never
                        when: smokes and 1️⃣score > 30
                        at_least: high
                        because: Test.
                """,
            escalations: """
                    - id: escalate.never
                      when: 2️⃣main.score > 2
                      at_least: high
                      because: Test.
                """,
            models: """
                  - id: m.never
                    when: 3️⃣total_score >= 5
                    contact: weekly
                    review_days: 7
                    because: Test.
                  - id: m.rest
                    contact: never
                    review_days: 7
                    because: Test.
                """)
        assertLint(
            text,
            [
                "1️⃣": "warning: floor 'floor.never' can never apply, so it never changes the tier of domain 'main': 'score > 30' is never true (score is 0..27)",
                "2️⃣":
                    "warning: escalation 'escalate.never' can never apply, so it never changes the overall tier: 'main.score > 2' is never true (main.score is 0..2)",
                "3️⃣": "warning: model 'm.never' is never chosen: 'total_score >= 5' is never true (total_score is 0..2)",
            ])
    }
}
