/// A token of the condition language, with its byte range in the expression text.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case number(Double, isInteger: Bool)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    public enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `true`, `false`
    }

    public enum Symbol: String, Sendable {
        case leftParen = "("
        case rightParen = ")"
        case leftBracket = "["
        case rightBracket = "]"
        case comma = ","
        case plus = "+"
        case minus = "-"
        case star = "*"
        case slash = "/"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessEqual = "<="
        case greater = ">"
        case greaterEqual = ">="
    }

    public var kind: Kind
    /// Byte offsets into the expression text.
    public var range: Range<Int>

    public init(_ kind: Kind, _ range: Range<Int>) {
        self.kind = kind
        self.range = range
    }

    /// How the token reads in an error message.
    public var display: String {
        switch kind {
        case .number(let value, let isInteger):
            isInteger ? String(Int64(value)) : String(value)
        case .string(let text): "'\(text)'"
        case .identifier(let name): "'\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "the end of the expression"
        }
    }
}
