import Testing
@testable import StratifyRules

/// Inputs and derived values that nothing uses.
@Suite struct LintUsageTests {
    @Test func inputsThatNothingUses() {
        let text =
            LintFile.make(
                inputs: """
                      seen_on: {type: date}
                      score: {type: integer, min: 0, max: 27}
                      1️⃣notes_count: {type: integer, min: 0}
                      engaged: {type: boolean}
                      age: {type: integer, min: 0, max: 120}
                    """,
                derived: """
                      2️⃣age_band:
                        table:
                          of: age
                          rows: {0..64: 0, 65..: 1}
                    """,
                rules: """
                          - id: r.score
                            when: score >= 10
                            points: 2
                            because: Test.
                    """,
                models: """
                      - id: m.engaged
                        when: engaged == false
                        contact: weekly
                        review_days: 7
                        because: Test.
                      - id: m.rest
                        contact: never
                        review_days: 90
                        because: Test.
                    """) + "review_by:\n  from: seen_on\n"
        // The identifier and the review_by date are used by the output; an
        // input that only a model uses is used; one that only an unused
        // derived value uses is not reported (the derived value is).
        assertLint(
            text,
            [
                "1️⃣": "warning: input 'notes_count' is not used by any rule, derived value, floor, escalation or model",
                "2️⃣": "warning: derived value 'age_band' is not used by any rule, derived value, floor, escalation or model",
            ])
    }

    @Test func derivedValuesUsedByOtherDerivedValues() {
        assertLint(
            LintFile.make(
                inputs: "  score: {type: integer, min: 0, max: 27}",
                derived: """
                      doubled: score * 2
                      quadrupled: doubled * 2
                    """,
                rules: """
                          - id: r.score
                            when: quadrupled >= 40
                            points: 2
                            because: Test.
                    """), [:])
    }
}
