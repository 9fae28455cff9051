import Testing
@testable import StratifyRules

/// The parser's precedence and associativity (Parser.swift's table), chains,
/// membership, calls, and the byte ranges of the nodes it builds.
@Suite struct ParserPrecedenceTests {
    @Test(arguments: [
        ("not a == b", "(not (a == b))"),
        ("not a and b", "(and (not a) b)"),
        ("not not a", "(not (not a))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a or b or c", "(or a b c)"),
        ("a and b and c and d", "(and a b c d)"),
        ("(a or b) and c", "(and (or a b) c)"),
        ("-x * y", "(* (- x) y)"),
        ("-(x * y)", "(- (* x y))"),
        ("--x", "(- (- x))"),
        ("-2 * y", "(* -2 y)"),
        ("- 2.5", "-2.5"),
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("a - b + c", "(+ (- a b) c)"),
        ("a + b > c * 2", "((+ a b) > (* c 2))"),
        ("5 <= x <= 9", "(5 <= x <= 9)"),
        ("100 <= income < 200", "(100 <= income < 200)"),
        ("a == b != c", "(a == b != c)"),
        ("a < b and b < c", "(and (a < b) (b < c))"),
        ("x in [a, b]", "(in x [a b])"),
        ("x not in [a]", "(not-in x [a])"),
        ("not x in [a]", "(not (in x [a]))"),
        ("x + 1 in [2, 3 * 4]", "(in (+ x 1) [2 (* 3 4)])"),
        ("x in [a] or y", "(or (in x [a]) y)"),
        ("count(a, b or c, not d) >= 2", "(count(a (or b c) (not d)) >= 2)"),
        ("min(a, b) + max(c)", "(+ min(a b) max(c))"),
        ("f()", "f()"),
        ("true and false", "(and true false)"),
        ("seen_on >= '2026-01-01'", "(seen_on >= '2026-01-01')"),
        ("a ≥ 1 and b ≠ 2", "(and (a >= 1) (b != 2))"),
    ])
    func shape(_ text: String, _ expected: String) throws {
        #expect(try ExprPrinter.parse(text) == expected)
    }

    @Test func rangesCoverTheNodeText() throws {
        let expr = try Parser.parse("not (a + 1) * 2 > b")
        #expect(expr.range == 0..<19)
        guard case .not(let comparison) = expr.kind else {
            Issue.record("not a 'not'")
            return
        }
        #expect(comparison.range == 4..<19)
        #expect(ExprPrinter.show(comparison) == "((* (+ a 1) 2) > b)")
        guard case .comparison(let left, let links) = comparison.kind else {
            Issue.record("not a comparison")
            return
        }
        // The range of `(a + 1) * 2` takes in the parenthesis it starts with.
        #expect(left.range == 4..<15)
        guard case .arithmetic(_, let parenthesised, _) = left.kind else {
            Issue.record("not arithmetic")
            return
        }
        #expect(parenthesised.range == 4..<11)
        #expect(links.map(\.operatorRange) == [16..<17])
        #expect(links.map(\.right.range) == [18..<19])
    }

    @Test func negativeLiteralRangeIncludesTheMinus() throws {
        let expr = try Parser.parse("x > - 3")
        guard case .comparison(_, let links) = expr.kind else {
            Issue.record("not a comparison")
            return
        }
        #expect(links[0].right.range == 4..<7)
        #expect(ExprPrinter.show(links[0].right) == "-3")
    }

    @Test func depthCountsNodesOnTheLongestPath() throws {
        #expect(try Parser.parse("a").depth == 1)
        #expect(try Parser.parse("a and b").depth == 2)
        #expect(try Parser.parse("not (a + 1 > 2)").depth == 4)
    }
}
