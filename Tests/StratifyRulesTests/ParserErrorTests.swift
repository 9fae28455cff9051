import Testing
@testable import StratifyRules

/// Every syntax error the parser reports, with its message, byte range and notes.
@Suite struct ParserErrorTests {
    struct ParseError: Sendable, CustomTestStringConvertible {
        let text: String
        let message: String
        let range: Range<Int>
        var notes: [String] = []
        var testDescription: String { text }
    }

    static let errors: [ParseError] = [
        .init(text: "", message: "the expression is empty", range: 0..<0),
        .init(text: "   ", message: "the expression is empty", range: 0..<0),
        .init(text: "a >", message: "expected a value, a name or '(', found the end of the expression", range: 3..<3),
        .init(text: "a > 1 or", message: "expected a value, a name or '(', found the end of the expression", range: 8..<8),
        .init(text: "not", message: "expected a value, a name or '(', found the end of the expression", range: 3..<3),
        .init(text: "(a > 1", message: "expected ')' to close the '(', found the end of the expression", range: 6..<6),
        .init(text: "(a > 1 b", message: "expected ')' to close the '(', found 'b'", range: 7..<8),
        .init(text: "a > 1)", message: "expected an operator or the end of the expression, found ')'", range: 5..<6),
        .init(text: "a b", message: "expected an operator or the end of the expression, found 'b'", range: 2..<3),
        .init(text: "a > 1 2", message: "expected an operator or the end of the expression, found 2", range: 6..<7),
        .init(
            text: "a AND b", message: "expected an operator or the end of the expression, found 'AND'", range: 2..<5,
            notes: ["operators are lower case: 'and'"]),
        .init(
            text: "a Or b", message: "expected an operator or the end of the expression, found 'Or'", range: 2..<4,
            notes: ["operators are lower case: 'or'"]),
        .init(
            text: "x is disorder", message: "expected an operator or the end of the expression, found 'is'", range: 2..<4,
            notes: ["to compare, write '==' (e.g. status == active)"]),
        .init(text: "a > )", message: "expected a value, a name or '(', found ')'", range: 4..<5),
        .init(text: "a and or b", message: "expected a value, a name or '(', found 'or'", range: 6..<8),
        .init(text: "a > ,", message: "expected a value, a name or '(', found ','", range: 4..<5),
        .init(text: "x in 1", message: "expected '[' to start the list of values, found 1", range: 5..<6),
        .init(text: "x not y", message: "expected an operator or the end of the expression, found 'not'", range: 2..<5),
        .init(text: "x in []", message: "the list is empty", range: 6..<7),
        .init(text: "x in [1, 2", message: "expected ',' or ']', found the end of the expression", range: 10..<10),
        .init(text: "x in [1 2]", message: "expected ',' or ']', found 2", range: 8..<9),
        .init(text: "x in [1,]", message: "expected a value, a name or '(', found ']'", range: 8..<9),
        .init(text: "count(", message: "expected a value, a name or '(', found the end of the expression", range: 6..<6),
        .init(text: "count(a,", message: "expected a value, a name or '(', found the end of the expression", range: 8..<8),
        .init(text: "count(a b)", message: "expected ',' or ')', found 'b'", range: 8..<9),
        .init(text: "count(a]", message: "expected ',' or ')', found ']'", range: 7..<8),
        .init(text: "[1]", message: "expected a value, a name or '(', found '['", range: 0..<1),
        .init(text: "a > 'x' 'y'", message: "expected an operator or the end of the expression, found 'y'", range: 8..<11),
        .init(text: "a == true false", message: "expected an operator or the end of the expression, found 'false'", range: 10..<15),
        .init(text: "* a", message: "expected a value, a name or '(', found '*'", range: 0..<1),
    ]

    @Test(arguments: errors) func syntaxError(_ expected: ParseError) {
        #expect(throws: ExpressionError(expected.message, at: expected.range, notes: expected.notes)) {
            try Parser.parse(expected.text)
        }
    }
}
