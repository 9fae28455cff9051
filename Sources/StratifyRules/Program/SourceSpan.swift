import StratifyCore
import StratifyYAML

/// Where a node of a checked expression was written: its byte range in the
/// expression's text, and the YAML scalar that holds the expression.
///
/// Storing the range is free (the parser computed it); the file location is
/// worked out only when something asks for it, such as a lint's warning.
public struct SourceSpan: Sendable {
    /// The UTF-8 byte range of the node in the text of its expression.
    public let range: Range<Int>
    /// The expression, shared by all of its nodes.
    public let origin: ExpressionOrigin

    public init(range: Range<Int>, origin: ExpressionOrigin) {
        self.range = range
        self.origin = origin
    }

    /// Where the node starts in `file` (the file the expression came from),
    /// and how many columns a caret under it should span: up to its end, or
    /// to the end of its first line when it continues on the next.
    public func location(in file: SourceFile) -> (location: SourceLocation, length: Int) {
        let start = file.location(in: origin.node, utf8Offset: range.lowerBound)
        let end = file.location(in: origin.node, utf8Offset: range.upperBound)
        if end.line == start.line {
            return (start, max(1, end.column - start.column))
        }
        let rest = (file.lineText(start.line)?.unicodeScalars.count ?? start.column) - (start.column - 1)
        return (start, max(1, rest))
    }
}

/// The YAML scalar an expression was read from; one per expression, so that
/// its nodes share it rather than each keep a copy.
public final class ExpressionOrigin: Sendable {
    public let node: YAMLNode

    public init(node: YAMLNode) {
        self.node = node
    }
}
