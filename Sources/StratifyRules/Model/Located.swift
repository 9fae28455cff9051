import StratifyCore
import StratifyYAML

/// A value read from the rule file, with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// An expression as written in the rule file: its text, its parsed form, and
/// the YAML scalar it came from, so that errors inside it can be located.
public struct SourceExpression: Sendable {
    public let text: String
    public let expr: Expr
    public let node: YAMLNode

    public init(text: String, expr: Expr, node: YAMLNode) {
        self.text = text
        self.expr = expr
        self.node = node
    }

    /// The source text of a sub-expression.
    public func text(of range: Range<Int>) -> String {
        let utf8 = Array(text.utf8)
        let clamped = min(range.lowerBound, utf8.count)..<min(range.upperBound, utf8.count)
        return String(decoding: utf8[clamped], as: UTF8.self)
    }
}
