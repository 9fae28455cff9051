import Testing
@testable import StratifyRules

/// Floors and escalations that can never change a tier, and tiers no score
/// reaches.
@Suite struct LintTierTests {
    static let inputs = """
          score: {type: integer, min: 0, max: 27}
          smoker: {type: boolean}
        """

    static let rules = """
              - id: r.score
                when: score >= 10
                points: 2
                flag: high_score
                because: Test.
              - id: r.smoker
                when: smoker
                points: 1
                flag: smokes
                because: Test.
        """

    @Test func floorToTheLowestTier() {
        assertLint(
            LintFile.make(
                inputs: Self.inputs, rules: Self.rules,
                floors: """
                          - id: floor.low
                            when: smokes
                            at_least: 1️⃣low
                            because: Test.
                    """,
                escalations: """
                        - id: escalate.score
                          when: high_score
                          at_least: high
                          because: Test.
                    """), ["1️⃣": "warning: floor 'floor.low' can never change the tier of domain 'main': 'low' is the lowest tier"])
    }

    @Test func floorAtOrBelowTheTierTheScoresGive() {
        // A rule that fires for every record puts the domain at moderate at least.
        let text = LintFile.make(
            inputs: Self.inputs + "\n  age: {type: integer, min: 0, max: 120, required: true}",
            rules: Self.rules + """

                      - id: r.everyone
                        when: 1️⃣age >= 0
                        points: 1
                        because: Test.
                """,
            floors: """
                      - id: floor.moderate
                        when: smokes
                        at_least: 2️⃣moderate
                        because: Test.
                """,
            domainTiers: "{3️⃣low: 0..0, moderate: 1..3, high: 4..}",
            overallTiers: "{4️⃣low: 0..0, moderate: 1..1, high: 2..}",
            escalations: """
                    - id: escalate.score
                      when: high_score
                      at_least: high
                      because: Test.
                """)
        assertLint(
            text,
            [
                "1️⃣": "warning: the condition of rule 'r.everyone' is always true (age is 0..120)",
                "2️⃣":
                    "warning: floor 'floor.moderate' can never change the tier of domain 'main': the scores of domain 'main' already put it at 'moderate' or above",
                "3️⃣": "warning: tier 'low' of domain 'main' is never reached: scores are 1..4, and no floor raises it to 'low'",
                "4️⃣": "warning: tier 'low' of the overall score is never reached: scores are 1..4, and no escalation raises it to 'low'",
            ])
    }

    @Test func escalationsThatNeverRaiseTheTier() {
        assertLint(
            LintFile.make(
                inputs: Self.inputs, rules: Self.rules,
                escalations: """
                        - id: escalate.low
                          when: smokes
                          at_least: 1️⃣low
                          because: Test.
                        - id: escalate.already
                          when: 2️⃣tier >= moderate and smokes
                          at_least: moderate
                          because: Test.
                        - id: escalate.useful
                          when: tier == moderate and high_score
                          at_least: high
                          because: Test.
                    """),
            [
                "1️⃣": "warning: escalation 'escalate.low' can never change the overall tier: 'low' is the lowest tier",
                "2️⃣":
                    "warning: escalation 'escalate.already' can never change the overall tier: whenever its condition holds, the tier is already at least 'moderate'",
            ])
    }

    @Test func tierThatNoScoreReaches() {
        let text = LintFile.make(
            inputs: Self.inputs, rules: Self.rules,
            domainTiers: "{low: 0..1, moderate: 2..3, 1️⃣high: 4..}",
            overallTiers: "{low: 0..1, moderate: 2..3, high: 4..}",
            escalations: """
                    - id: escalate.smoker
                      when: smokes or high_score
                      at_least: high
                      because: Test.
                """)
        // The overall high is reached through the escalation.
        assertLint(text, ["1️⃣": "warning: tier 'high' of domain 'main' is never reached: scores are 0..3, and no floor raises it to 'high'"])
    }

    @Test func flagsOnlyInTheOutputGetANote() {
        assertLint(
            LintFile.make(
                inputs: Self.inputs,
                rules: """
                          - id: r.score
                            when: score >= 10
                            points: 2
                            flag: 1️⃣high_score
                            because: Test.
                          - id: r.smoker
                            when: smoker
                            points: 1
                            flag: smokes
                            because: Test.
                    """,
                models: """
                      - id: m.smoker
                        when: smokes
                        contact: weekly
                        review_days: 7
                        because: Test.
                      - id: m.rest
                        contact: never
                        review_days: 90
                        because: Test.
                    """), ["1️⃣": "note: flag 'high_score' is set, but no floor, escalation or model uses it; it only appears in the output's 'flags'"])
    }
}
