import Testing
@testable import StratifyRules

/// Cases, `otherwise` and table rows of derived values that are never used.
@Suite struct LintDerivedValueTests {
    static let inputs = """
          score: {type: integer, min: 0, max: 27}
          age: {type: integer, min: 0, max: 120}
        """

    static func file(derived: String) -> String {
        LintFile.make(
            inputs: Self.inputs, derived: derived,
            rules: """
                      - id: r.level
                        when: level == 1
                        points: 2
                        because: Test.
                      - id: r.age
                        when: age >= 65
                        points: 1
                        because: Test.
                """)
    }

    @Test func caseThatTheCasesBeforeItRuleOut() {
        assertLint(
            Self.file(
                derived: """
                      level:
                        cases:
                          - when: score >= 10 or age >= 65
                            then: 2
                          - when: 1️⃣score >= 20
                            then: 3
                          - when: age >= 18
                            then: 1
                          - otherwise: 0
                    """),
            ["1️⃣": "warning: case 2 of derived value 'level' can never hold: 'score >= 20' is never true when the cases before it do not hold (score is 0..9)"])
    }

    @Test func casesAfterOneThatDecidesEveryRecord() {
        assertLint(
            Self.file(
                derived: """
                      level:
                        cases:
                          - when: score >= 10
                            then: 2
                          - when: score < 10
                            then: 1
                          - when: 1️⃣age >= 65
                            then: 3
                          - otherwise: 0
                    """), ["1️⃣": "warning: case 3 of derived value 'level' is never reached: case 2 is never false when it is reached"])
    }

    @Test func otherwiseThatIsNeverUsed() {
        assertLint(
            Self.file(
                derived: """
                      level:
                        cases:
                          - when: score >= 10 or age < 18
                            then: 2
                          - when: score < 10 and age >= 18
                            then: 1
                          - otherwise: 1️⃣0
                    """), ["1️⃣": "warning: the 'otherwise' of derived value 'level' is never used: the cases before it always decide"])
    }

    @Test func tableRowsTheSchemaRulesOut() {
        assertLint(
            Self.file(
                derived: """
                      level:
                        table:
                          of: score
                          rows: {1️⃣..-1: 9, 0..9: 0, 10..27: 1, 2️⃣28..: 2}
                    """),
            [
                "1️⃣": "warning: row '..-1' of derived value 'level' is never used: score is 0..27",
                "2️⃣": "warning: row '28..' of derived value 'level' is never used: score is 0..27",
            ])
    }
}
