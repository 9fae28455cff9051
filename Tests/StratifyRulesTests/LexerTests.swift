import Testing
@testable import StratifyRules

/// The lexer: token kinds, byte ranges, Unicode operators, and its errors.
@Suite struct LexerTests {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(text).map(\.kind)
    }

    @Test func tokensOfATypicalCondition() throws {
        let tokens = try Lexer.tokenize("clinical.tier >= high and x != 'a b'")
        #expect(
            tokens.map(\.kind) == [
                .identifier("clinical.tier"), .symbol(.greaterEqual), .identifier("high"), .keyword(.and),
                .identifier("x"), .symbol(.notEqual), .string("a b"), .end,
            ])
        #expect(tokens.map(\.range) == [0..<13, 14..<16, 17..<21, 22..<25, 26..<27, 28..<30, 31..<36, 36..<36])
    }

    @Test func numbers() throws {
        #expect(
            try kinds("7 2.5 .5 0") == [
                .number(7, isInteger: true), .number(2.5, isInteger: false), .number(0.5, isInteger: false),
                .number(0, isInteger: true), .end,
            ])
        // 2^53 itself is the largest integer accepted (2^53 + 1 is refused below).
        #expect(try kinds("9007199254740992") == [.number(9_007_199_254_740_992, isInteger: true), .end])
    }

    @Test func everySymbol() throws {
        #expect(
            try kinds("( ) [ ] , + - * / == != < <= > >=") == [
                .symbol(.leftParen), .symbol(.rightParen), .symbol(.leftBracket), .symbol(.rightBracket), .symbol(.comma),
                .symbol(.plus), .symbol(.minus), .symbol(.star), .symbol(.slash), .symbol(.equal), .symbol(.notEqual),
                .symbol(.less), .symbol(.lessEqual), .symbol(.greater), .symbol(.greaterEqual), .end,
            ])
    }

    @Test func unicodeOperatorsAreThreeBytesWide() throws {
        let tokens = try Lexer.tokenize("a≤b≥c≠d")
        #expect(
            tokens.map(\.kind) == [
                .identifier("a"), .symbol(.lessEqual), .identifier("b"), .symbol(.greaterEqual),
                .identifier("c"), .symbol(.notEqual), .identifier("d"), .end,
            ])
        #expect(tokens.map(\.range) == [0..<1, 1..<4, 4..<5, 5..<8, 8..<9, 9..<12, 12..<13, 13..<13])
    }

    @Test func keywordsAreLowerCaseOnly() throws {
        #expect(
            try kinds("and or not in true false AND True") == [
                .keyword(.and), .keyword(.or), .keyword(.not), .keyword(.in), .keyword(.true), .keyword(.false),
                .identifier("AND"), .identifier("True"), .end,
            ])
    }

    @Test func dotsJoinNamesOnlyBeforeALetter() throws {
        #expect(try kinds("a.b.c _x9") == [.identifier("a.b.c"), .identifier("_x9"), .end])
        // "a.5" is the name a, then the number .5.
        #expect(try kinds("a.5") == [.identifier("a"), .number(0.5, isInteger: false), .end])
    }

    @Test func stringsInEitherQuoteWithEscapes() throws {
        let tokens = try Lexer.tokenize(#"'it\'s' "say \"hi\"""#)
        #expect(tokens.map(\.kind) == [.string("it's"), .string(#"say "hi""#), .end])
        #expect(tokens.map(\.range) == [0..<7, 8..<20, 20..<20])
    }

    @Test func whitespaceIncludesTabsAndLineBreaks() throws {
        let tokens = try Lexer.tokenize("\ta\n\r\n  b ")
        #expect(tokens.map(\.range) == [1..<2, 7..<8, 9..<9])
    }

    struct LexError: Sendable, CustomTestStringConvertible {
        let text: String
        let message: String
        let range: Range<Int>
        let notes: [String]
        var testDescription: String { text }
    }

    static let errors: [LexError] = [
        .init(text: "x = 1", message: "'=' is not an operator here", range: 2..<3, notes: ["to compare, write '=='"]),
        .init(text: "!x", message: "'!' is not an operator here", range: 0..<1, notes: ["to negate, write 'not'"]),
        .init(text: "a && b", message: "'&' is not an operator here", range: 2..<4, notes: ["write 'and'"]),
        .init(text: "a & b", message: "'&' is not an operator here", range: 2..<3, notes: ["write 'and'"]),
        .init(text: "a || b", message: "'|' is not an operator here", range: 2..<4, notes: ["write 'or'"]),
        .init(text: "x > 1.", message: "a number needs digits after its decimal point", range: 4..<6, notes: []),
        .init(
            text: "x > 1abc", message: "'1abc' is not a number or a name", range: 4..<8,
            notes: ["names start with a letter or '_'; dates are written as strings, e.g. '2026-01-31'"]),
        .init(
            text: "x > 9007199254740993", message: "9007199254740993 is too large: integers must be within ±2^53",
            range: 4..<20, notes: []),
        .init(
            text: "x > 99999999999999999999", message: "99999999999999999999 is too large: integers must be within ±2^53",
            range: 4..<24, notes: []),
        .init(text: "x == 'abc", message: "this string has no closing '", range: 5..<6, notes: []),
        .init(text: "x == \"abc", message: "this string has no closing \"", range: 5..<6, notes: []),
        .init(text: "x @ 1", message: "unexpected character '@'", range: 2..<3, notes: []),
        .init(text: "x € 1", message: "unexpected character '€'", range: 2..<5, notes: []),
        .init(text: "x ≈ 1", message: "unexpected character '≈'", range: 2..<5, notes: []),
        .init(text: "x.", message: "unexpected character '.'", range: 1..<2, notes: []),
    ]

    @Test(arguments: errors) func lexicalError(_ expected: LexError) {
        #expect(throws: ExpressionError(expected.message, at: expected.range, notes: expected.notes)) {
            try Lexer.tokenize(expected.text)
        }
    }
}
