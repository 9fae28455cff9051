/// A syntax error in an expression, at a byte range of the expression text.
public struct ExpressionError: Error, Sendable, Equatable {
    public var message: String
    public var range: Range<Int>
    public var notes: [String]

    public init(_ message: String, at range: Range<Int>, notes: [String] = []) {
        self.message = message
        self.range = range
        self.notes = notes
    }
}
