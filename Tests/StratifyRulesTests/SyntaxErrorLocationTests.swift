import StratifyCore
@testable import StratifyRules
import StratifyYAML
import Testing

/// Syntax errors in a rule file: the message and the exact line:column, in
/// plain, quoted, folded and literal scalars, and how they are rendered.
@Suite struct SyntaxErrorLocationTests {
    static let suffix = " in the condition of rule 'rule.one'"

    /// (text after `when: `, expected `line:column: message` without the suffix)
    @Test(arguments: [
        // Plain scalars: the condition starts at column 15 of line 19.
        ("age >=", "19:21: expected a value, a name or '(', found the end of the expression"),
        ("(age > 1", "19:23: expected ')' to close the '(', found the end of the expression"),
        ("age > 1)", "19:22: expected an operator or the end of the expression, found ')'"),
        ("age = 1", "19:19: '=' is not an operator here"),
        ("age && smoker", "19:19: '&' is not an operator here"),
        ("smoker AND lonely", "19:22: expected an operator or the end of the expression, found 'AND'"),
        ("substance_use is disorder", "19:29: expected an operator or the end of the expression, found 'is'"),
        ("age in []", "19:23: the list is empty"),
        ("age in [1 2]", "19:25: expected ',' or ']', found 2"),
        ("count(smoker smoker)", "19:28: expected ',' or ')', found 'smoker'"),
        ("age > 1.", "19:21: a number needs digits after its decimal point"),
        ("age > 12abc", "19:21: '12abc' is not a number or a name"),
        ("age € 1", "19:19: unexpected character '€'"),
        ("age ≥ 1 @", "19:23: unexpected character '@'"),
        ("smoker or", "19:24: expected a value, a name or '(', found the end of the expression"),
        // Double-quoted: the value starts after the quote, at column 16.
        (#""!smoker""#, "19:16: '!' is not an operator here"),
        (#""'abc""#, "19:16: this string has no closing '"),
        (#""age >= 1 and smoker ==""#, "19:38: expected a value, a name or '(', found the end of the expression"),
        // `\n` is one character of the value but two of the source.
        (#""age >= 1 and\n smoker @""#, "19:38: unexpected character '@'"),
        (#""\u00e9 > 1""#, "19:16: unexpected character 'é'"),
        (#""""#, "19:16: the expression is empty"),
        // Single-quoted: `''` is one quote in the value.
        ("'''x'' @ 1'", "19:22: unexpected character '@'"),
        // A plain scalar over two lines.
        ("age >= 1 and\n          smoker @", "20:18: unexpected character '@'"),
        // A folded block scalar: the error is on the third line of the block.
        (">-\n          age >= 1\n          and smoker\n          and lonely @ 2", "22:22: unexpected character '@'"),
        // At the end of a folded block: just after its last character.
        (">-\n          age >= 1\n          and", "21:14: expected a value, a name or '(', found the end of the expression"),
        // A literal block scalar.
        ("|\n          age >= 1\n          and $", "21:15: unexpected character '$'"),
    ])
    func errorInCondition(_ when: String, _ expected: String) {
        #expect(RuleFiles.report(RuleFiles.withRule(when: when)) == [expected + Self.suffix])
    }

    @Test func notesComeWithTheError() throws {
        let output = RuleFiles.compile(RuleFiles.withCondition("smoker AND lonely"))
        let diagnostic = try #require(output.onlyErrors.first)
        #expect(diagnostic.notes == ["operators are lower case: 'and'"])
        #expect(diagnostic.length == 3)
        #expect(diagnostic.severity == .error)
        #expect(output.program == nil)
    }

    @Test func renderedWithTheLineAndACaret() throws {
        let text = RuleFiles.withCondition("age && smoker")
        let diagnostic = try #require(RuleFiles.compile(text).onlyErrors.first)
        let rendered = DiagnosticRenderer().render(diagnostic, source: SourceFile(path: "rules.yaml", text: text))
        #expect(
            rendered == """
                rules.yaml:19:19: error: '&' is not an operator here in the condition of rule 'rule.one'
                 19 |         when: age && smoker
                    |                   ^~
                    = write 'and'
                """)
    }

    @Test func errorsInEveryKindOfExpressionAreLocated() {
        let text = RuleFiles.file(
            derived: """
                  a: "age +"
                  b:
                    cases:
                      - when: age >
                        then: 1
                      - otherwise: 2
                  c:
                    table:
                      of: age
                      rows: {0..: (1}
                """,
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: r, when: age >= 0, points: 1, because: Test.}
                    floors:
                      - {id: f, when: age ==, at_least: high, because: Test.}
                """,
            overall: """
                  tiers: {low: 0..0, moderate: 1..1, high: 2..}
                  escalations:
                    - {id: e, when: not, at_least: high, because: Test.}
                """,
            models: """
                  - id: first
                    when: tier =
                    contact: weekly
                    review_days: 30
                    because: Test.
                  - id: last
                    contact: never
                    review_days: 7
                    because: Test.
                """)
        #expect(
            RuleFiles.report(text) == [
                "14:12: expected a value, a name or '(', found the end of the expression in derived value 'a'",
                "17:20: expected a value, a name or '(', found the end of the expression in a case of derived value 'b'",
                "23:21: expected ')' to close the '(', found the end of the expression in a table value of derived value 'c'",
                "31:29: expected a value, a name or '(', found the end of the expression in the condition of floor 'f'",
                "35:24: expected a value, a name or '(', found the end of the expression in the condition of escalation 'e'",
                "38:16: '=' is not an operator here in the condition of model 'first'",
            ])
    }

    @Test func everySyntaxErrorOfAFileIsReported() {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: a, when: age >, points: 1, because: Test.}
                      - {id: b, when: age >= 1, points: 1, because: Test.}
                      - {id: c, when: (smoker, points: 1, because: Test.}
                      - {id: d, when: "x = 1", points: 1, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "18:28: expected a value, a name or '(', found the end of the expression in the condition of rule 'a'",
                "20:30: expected ')' to close the '(', found the end of the expression in the condition of rule 'c'",
                "21:26: '=' is not an operator here in the condition of rule 'd'",
            ])
    }
}
