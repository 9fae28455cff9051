/// An expression as written: the parser's output, before names are resolved.
///
/// Nodes are immutable and shared; `range` is the byte range in the expression
/// text that the node was parsed from, so any later error can point at it.
public final class Expr: Sendable {
    public enum Kind: Sendable {
        case number(Double, isInteger: Bool)
        case string(String)
        case boolean(Bool)
        /// A field, derived value, flag, `domain.score`, `domain.tier`,
        /// `total_score`, `tier` or, where an enum is expected, an enum value.
        case name(String)
        case negate(Expr)
        case not(Expr)
        case arithmetic(ArithmeticOperator, Expr, Expr)
        /// `a and b and c` is one node with three operands.
        case logical(LogicalOperator, [Expr])
        /// `a < b <= c` is one chain: `a < b and b <= c`.
        case comparison(Expr, [ComparisonLink])
        case membership(Expr, [Expr], negated: Bool)
        case call(String, [Expr])
    }

    public let kind: Kind
    public let range: Range<Int>
    /// Nesting depth of the tree below and including this node.
    public let depth: Int

    public init(_ kind: Kind, _ range: Range<Int>) {
        self.kind = kind
        self.range = range
        self.depth = 1 + (kind.children.map(\.depth).max() ?? 0)
    }
}

public struct ComparisonLink: Sendable {
    public let op: ComparisonOperator
    public let right: Expr
    /// Where the operator is written, for messages about it.
    public let operatorRange: Range<Int>
}

public enum ArithmeticOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

public enum LogicalOperator: String, Sendable {
    case and
    case or
}

public enum ComparisonOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="

    /// How the operator is shown in explanations.
    public var display: String {
        switch self {
        case .equal: "="
        case .notEqual: "≠"
        case .less: "<"
        case .lessEqual: "≤"
        case .greater: ">"
        case .greaterEqual: "≥"
        }
    }

    /// True for `<`, `<=`, `>`, `>=`.
    public var isOrdering: Bool {
        switch self {
        case .equal, .notEqual: false
        default: true
        }
    }
}

extension Expr.Kind {
    var children: [Expr] {
        switch self {
        case .number, .string, .boolean, .name: []
        case .negate(let operand), .not(let operand): [operand]
        case .arithmetic(_, let left, let right): [left, right]
        case .logical(_, let operands): operands
        case .comparison(let first, let links): [first] + links.map(\.right)
        case .membership(let value, let list, _): [value] + list
        case .call(_, let arguments): arguments
        }
    }
}
