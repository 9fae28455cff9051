/// A checked expression: names resolved, types known, and a register
/// assigned to every node.
///
/// After evaluation, the register of each node holds that node's value for
/// the record (`NaN` when unknown). The evaluator never looks at this tree;
/// it runs the flat `Code`. Explanations walk this tree and read the
/// registers, so that a trace always describes the evaluation that happened.
public final class TypedExpr: Sendable {
    public enum Kind: Sendable {
        /// A literal; enum values and dates are stored as their numbers.
        case constant(Double)
        case input(Int)
        case derived(Int)
        case flag(Int)
        case domainScore(Int)
        case domainTier(Int)
        case totalScore
        /// The overall tier: before escalations inside escalations, final in models.
        case tier
        case negate(TypedExpr)
        case not(TypedExpr)
        case arithmetic(ArithmeticOperator, TypedExpr, TypedExpr)
        case logical(LogicalOperator, [TypedExpr])
        case compare(ComparisonOperator, TypedExpr, TypedExpr)
        case member(TypedExpr, [TypedExpr], negated: Bool)
        case call(Function, [TypedExpr])
        case table(key: TypedExpr, table: LookupTable)
        case cases([CaseArm], otherwise: TypedExpr?)
        case sum([SumPart])
    }

    public enum Function: String, Sendable, CaseIterable {
        /// How many of its boolean arguments are true.
        case count
        case min
        case max
        /// Whether a value is there (1) or missing (0): never unknown, so
        /// that a rule can act on incomplete data. One argument, the name
        /// of an input or a derived value.
        case known
        /// The opposite of `known`.
        case missing

        /// `known` and `missing`, which test whether a value is there
        /// rather than compute with it.
        public var testsPresence: Bool { self == .known || self == .missing }
    }

    public let kind: Kind
    public let type: ValueType
    /// Where the evaluator leaves this node's value.
    public let register: Int
    /// The source text of this node, for explanations.
    public let text: String
    /// Where the node was written, for diagnostics that point inside an
    /// expression; nil for a node that stands for a whole table, case list or sum.
    public let span: SourceSpan?

    init(_ kind: Kind, type: ValueType, register: Int, text: String, span: SourceSpan? = nil) {
        self.kind = kind
        self.type = type
        self.register = register
        self.text = text
        self.span = span
    }

    /// The direct sub-expressions.
    public var children: [TypedExpr] {
        switch kind {
        case .constant, .input, .derived, .flag, .domainScore, .domainTier, .totalScore, .tier: []
        case .negate(let operand), .not(let operand): [operand]
        case .arithmetic(_, let left, let right), .compare(_, let left, let right): [left, right]
        case .logical(_, let operands), .call(_, let operands): operands
        case .member(let value, let list, _): [value] + list
        case .table(let key, let table): [key] + table.rows.map(\.value) + (table.defaultValue.map { [$0] } ?? [])
        case .cases(let arms, let otherwise): arms.flatMap { [$0.condition, $0.value] } + (otherwise.map { [$0] } ?? [])
        case .sum(let parts): parts.map(\.value)
        }
    }

    /// True when the node only names a value kept elsewhere (no instruction computes it).
    public var isReference: Bool {
        switch kind {
        case .constant, .input, .derived, .flag, .domainScore, .domainTier, .totalScore, .tier: true
        default: false
        }
    }
}

public struct CaseArm: Sendable {
    public let condition: TypedExpr
    public let value: TypedExpr
}

public struct SumPart: Sendable {
    public let label: String
    public let value: TypedExpr
}

/// A band or lookup table: the first row whose key range holds the key.
public struct LookupTable: Sendable {
    public struct Row: Sendable {
        /// Inclusive bounds; infinite for an open end.
        public let lower: Double
        public let upper: Double
        /// The key as written (`4..6`, `true`, `often`).
        public let keyText: String
        public let value: TypedExpr
    }

    public let rows: [Row]
    public let defaultValue: TypedExpr?
    /// Where the evaluator leaves the index of the row it used (-1: the
    /// default; NaN: unknown), so explanations can quote the row.
    public let rowRegister: Int
}
