import Testing
@testable import StratifyRules

/// `Parser.maxDepth`: deep nesting of every kind is refused with a located
/// diagnostic, never a stack overflow; the limit itself is accepted.
@Suite struct DepthLimitTests {
    static let message = "the expression is nested more than 64 levels deep"

    /// An expression with a short name, so that test output stays readable.
    struct Deep: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static func parens(_ depth: Int) -> String {
        String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
    }

    static func nots(_ count: Int) -> String {
        String(repeating: "not ", count: count) + "x"
    }

    static func minuses(_ count: Int) -> String {
        String(repeating: "-", count: count) + "x"
    }

    @Test func theLimitIsSixtyFour() {
        #expect(Parser.maxDepth == 64)
    }

    @Test func nestingUpToTheLimitParses() throws {
        #expect(try Parser.parse(Self.parens(64)).depth == 1)
        #expect(try Parser.parse(Self.nots(63)).depth == 64)
        #expect(try Parser.parse(Self.minuses(63)).depth == 64)
        #expect(try Parser.parse("x" + String(repeating: " + x", count: 63)).depth == 64)
    }

    @Test func oneLevelTooManyIsRefused() {
        // The 65th '(' is refused at the token after it.
        #expect(throws: ExpressionError(Self.message, at: 65..<66)) { try Parser.parse(Self.parens(65)) }
        // A tree 65 nodes deep is refused at its whole range.
        #expect(throws: ExpressionError(Self.message, at: 0..<257)) { try Parser.parse(Self.nots(64)) }
        #expect(throws: ExpressionError(Self.message, at: 0..<65)) { try Parser.parse(Self.minuses(64)) }
        #expect(throws: ExpressionError(Self.message, at: 0..<257)) {
            try Parser.parse("x" + String(repeating: " + x", count: 64))
        }
    }

    static let deep: [Deep] = [
        Deep(name: "parentheses", text: parens(10_000)),
        Deep(name: "not", text: nots(10_000)),
        Deep(name: "minus", text: minuses(10_000)),
        Deep(name: "calls", text: String(repeating: "max(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)),
        Deep(name: "lists", text: String(repeating: "x in [(", count: 10_000) + "1" + String(repeating: ")]", count: 10_000)),
        Deep(name: "a flat chain", text: "x" + String(repeating: " + x", count: 10_000)),
        Deep(name: "an unclosed run", text: String(repeating: "(", count: 10_000)),
    ]

    @Test(arguments: deep) func tenThousandLevelsAreRefused(_ deep: Deep) {
        #expect {
            try Parser.parse(deep.text)
        } throws: { error in
            (error as? ExpressionError)?.message == Self.message
        }
    }

    @Test func aLongFlatAndIsOneNodeNotADeepTree() throws {
        let expr = try Parser.parse("x" + String(repeating: " and x", count: 10_000))
        #expect(expr.depth == 2)
        guard case .logical(.and, let operands) = expr.kind else {
            Issue.record("not an 'and'")
            return
        }
        #expect(operands.count == 10_001)
    }

    /// (expression, the column of the error in a double-quoted `when:`: the
    /// token that would go one level too deep)
    static let deepInFile: [(Deep, Int)] = [
        (Deep(name: "parentheses", text: parens(10_000)), 16 + 65),
        (Deep(name: "not", text: nots(10_000)), 16 + 65 * 4),
        (Deep(name: "minus", text: minuses(10_000)), 16 + 65),
    ]

    @Test(arguments: deepInFile) func inARuleFileTheyAreDiagnosticsAtTheirPlace(_ deep: Deep, _ column: Int) {
        let output = RuleFiles.compile(RuleFiles.withRule(when: "\"\(deep.text) > 1\""))
        #expect(output.program == nil)
        #expect(
            output.onlyErrors.map(RuleFiles.show) == [
                "19:\(column): \(Self.message) in the condition of rule 'rule.one'"
            ])
    }
}
