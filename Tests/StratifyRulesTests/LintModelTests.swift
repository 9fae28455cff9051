import Testing
@testable import StratifyRules

/// Models that are never chosen because an earlier one always holds, or
/// holds whenever they do.
@Suite struct LintModelTests {
    static func file(models: String) -> String {
        LintFile.make(
            inputs: """
                  score: {type: integer, min: 0, max: 27}
                  smoker: {type: boolean}
                """,
            rules: """
                      - id: r.score
                        when: score >= 10
                        points: 2
                        because: Test.
                      - id: r.smoker
                        when: smoker
                        points: 1
                        because: Test.
                """,
            models: models)
    }

    @Test func modelsAfterOneThatAlwaysHolds() {
        assertLint(
            Self.file(
                models: """
                      - id: m.first
                        when: 1️⃣tier >= low
                        contact: weekly
                        review_days: 7
                        because: Test.
                      - id: 2️⃣m.second
                        when: smoker
                        contact: monthly
                        review_days: 30
                        because: Test.
                      - id: 3️⃣m.last
                        contact: never
                        review_days: 90
                        because: Test.
                    """),
            [
                "1️⃣": "warning: the condition of model 'm.first' is always true (tier is one of low, moderate, high)",
                "2️⃣": "warning: model 'm.second' is never chosen: model 'm.first' before it (line 23) always holds",
                "3️⃣": "warning: model 'm.last' is never chosen: model 'm.first' before it (line 23) always holds",
            ])
    }

    @Test func modelWhoseConditionImpliesAnEarlierOne() {
        assertLint(
            Self.file(
                models: """
                      - id: m.moderate
                        when: score >= 10 or tier >= high
                        contact: weekly
                        review_days: 7
                        because: Test.
                      - id: 1️⃣m.severe
                        when: score >= 20 and smoker
                        contact: monthly
                        review_days: 30
                        because: Test.
                      - id: m.last
                        contact: never
                        review_days: 90
                        because: Test.
                    """),
            [
                "1️⃣": "warning: model 'm.severe' is never chosen: whenever its condition holds, that of model 'm.moderate' before it (line 23) holds too"
            ])
    }

    @Test func anEarlierModelThatCanBeUnknownDoesNotShadow() {
        // m.scored is unknown without a score, and then m.rest is chosen.
        assertLint(
            Self.file(
                models: """
                      - id: m.scored
                        when: 1️⃣score >= 0 or smoker
                        contact: weekly
                        review_days: 7
                        because: Test.
                      - id: m.rest
                        contact: never
                        review_days: 90
                        because: Test.
                    """),
            ["1️⃣": "warning: the condition of model 'm.scored' is always true whenever score is present: 'score >= 0' always holds (score is 0..27)"])
    }
}
