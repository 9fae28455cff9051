/// Splits an expression into tokens.
///
/// Identifiers may contain dots (`clinical.tier`). `≤`, `≥` and `≠` are read
/// as `<=`, `>=` and `!=`, since the spec and many users write them.
/// Look-alikes from other languages (`=`, `&&`, `||`, `!`) are errors that
/// say what to write instead.
public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// All tokens, ending with `.end`.
    public static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    public mutating func next() throws(ExpressionError) -> Token {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return Token(.end, index..<index) }
        let start = index
        let byte = bytes[index]

        if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < bytes.count && Self.isDigit(bytes[index + 1])) {
            return try number(from: start)
        }
        if Self.isIdentifierStart(byte) {
            return identifier(from: start)
        }
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
            return try string(from: start, quote: byte)
        }
        return try symbol(from: start)
    }

    private mutating func number(from start: Int) throws(ExpressionError) -> Token {
        var isInteger = true
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fractionStart = index
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            if index == fractionStart {
                throw ExpressionError("a number needs digits after its decimal point", at: start..<index)
            }
        }
        if index < bytes.count, Self.isIdentifierStart(bytes[index]) {
            var end = index
            while end < bytes.count, Self.isIdentifierPart(bytes[end]) { end += 1 }
            throw ExpressionError(
                "'\(text(start..<end))' is not a number or a name",
                at: start..<end,
                notes: ["names start with a letter or '_'; dates are written as strings, e.g. '2026-01-31'"])
        }
        let literal = text(start..<index)
        guard let value = Double(literal), value.isFinite else {
            throw ExpressionError("'\(literal)' is not a number", at: start..<index)
        }
        // Compared as an integer: 2^53 + 1 would round to 2^53 as a Double.
        if isInteger, (Int(literal) ?? .max) > 9_007_199_254_740_992 {
            throw ExpressionError("\(literal) is too large: integers must be within ±2^53", at: start..<index)
        }
        return Token(.number(value, isInteger: isInteger), start..<index)
    }

    private mutating func identifier(from start: Int) -> Token {
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isIdentifierPart(byte) {
                index += 1
            } else if byte == UInt8(ascii: "."), index + 1 < bytes.count, Self.isIdentifierStart(bytes[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        let name = text(start..<index)
        if let keyword = Token.Keyword(rawValue: name) {
            return Token(.keyword(keyword), start..<index)
        }
        return Token(.identifier(name), start..<index)
    }

    private mutating func string(from start: Int, quote: UInt8) throws(ExpressionError) -> Token {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return Token(.string(String(decoding: value, as: UTF8.self)), start..<index)
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                value.append(bytes[index + 1])
                index += 2
                continue
            }
            value.append(byte)
            index += 1
        }
        throw ExpressionError("this string has no closing \(quote == UInt8(ascii: "'") ? "'" : "\"")", at: start..<(start + 1))
    }

    private mutating func symbol(from start: Int) throws(ExpressionError) -> Token {
        let byte = bytes[index]
        let nextByte: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
        func single(_ symbol: Token.Symbol) -> Token {
            index += 1
            return Token(.symbol(symbol), start..<index)
        }
        func double(_ symbol: Token.Symbol) -> Token {
            index += 2
            return Token(.symbol(symbol), start..<index)
        }
        switch byte {
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "+"): return single(.plus)
        case UInt8(ascii: "-"): return single(.minus)
        case UInt8(ascii: "*"): return single(.star)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "<"): return nextByte == UInt8(ascii: "=") ? double(.lessEqual) : single(.less)
        case UInt8(ascii: ">"): return nextByte == UInt8(ascii: "=") ? double(.greaterEqual) : single(.greater)
        case UInt8(ascii: "="):
            if nextByte == UInt8(ascii: "=") { return double(.equal) }
            throw ExpressionError("'=' is not an operator here", at: start..<(start + 1), notes: ["to compare, write '=='"])
        case UInt8(ascii: "!"):
            if nextByte == UInt8(ascii: "=") { return double(.notEqual) }
            throw ExpressionError("'!' is not an operator here", at: start..<(start + 1), notes: ["to negate, write 'not'"])
        case UInt8(ascii: "&"):
            throw ExpressionError("'&' is not an operator here", at: start..<(start + (nextByte == byte ? 2 : 1)), notes: ["write 'and'"])
        case UInt8(ascii: "|"):
            throw ExpressionError("'|' is not an operator here", at: start..<(start + (nextByte == byte ? 2 : 1)), notes: ["write 'or'"])
        case 0xE2:
            // ≤ (E2 89 A4), ≥ (E2 89 A5), ≠ (E2 89 A0)
            if index + 2 < bytes.count, bytes[index + 1] == 0x89 {
                let symbol: Token.Symbol? =
                    switch bytes[index + 2] {
                    case 0xA4: .lessEqual
                    case 0xA5: .greaterEqual
                    case 0xA0: .notEqual
                    default: nil
                    }
                if let symbol {
                    index += 3
                    return Token(.symbol(symbol), start..<index)
                }
            }
        default:
            break
        }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        throw ExpressionError("unexpected character '\(text(start..<end))'", at: start..<end)
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }
}
