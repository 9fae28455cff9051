import StratifyRules

/// A typed expression flattened for explanations: its nodes in pre-order,
/// children by index, each with the register that holds its value after
/// evaluation. Made once per program; reading a record's explanation is
/// then a walk over small arrays and the registers, never a re-evaluation.
///
/// Nodes are plain values (no references), so that the walks done for
/// every record of a batch cost no reference counting; texts, value kinds,
/// tables and labels sit in side arrays by node index. A class, so that
/// handing a plan around costs one reference, not one per array.
public final class ExprPlan: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A literal, with its value as the registers hold it.
        case constant(Double)
        case input(Int)
        /// A derived value, by index of `program.derived`.
        case derived(Int)
        case flag(Int)
        /// A domain score or tier, the total or the overall tier.
        case scoreOrTier
        case not
        case and
        case or
        case compare(ComparisonOperator)
        case member(negated: Bool)
        case call(TypedExpr.Function)
        case arithmetic(ArithmeticOperator)
        case negate
        /// Children: the key, the rows' values, then the default if any.
        /// The table is `tables[index]`.
        case table(Int)
        /// Children: condition, value, … then the otherwise value if any.
        case cases(arms: Int, hasOtherwise: Bool)
        /// Children: the parts, labelled `labels[index]`.
        case sum(Int)
    }

    public struct Node: Sendable {
        public var kind: Kind
        public var register: Int
        public var firstChild: Int
        public var childCount: Int
        /// True when the value depends on domain scores or tiers, the total
        /// or the overall tier (escalation and model conditions).
        public var usesScores: Bool
        public var isBoolean: Bool

        public var isConstant: Bool { if case .constant = kind { true } else { false } }
        public var isLogic: Bool { kind == .and || kind == .or }
    }

    public let nodes: [Node]
    /// Children of node `i`: `childIndexes[nodes[i].firstChild ..< + childCount]`.
    public let childIndexes: [Int]
    /// Each node's source text, on one line.
    public let texts: [String]
    /// How each node's value reads.
    public let values: [ValueKind]
    public let tables: [LookupTable]
    public let labels: [[String]]
    /// The comparisons, membership tests and presence tests (`known(x)`),
    /// and flags or boolean inputs used as conditions on their own, in
    /// source order: what a trace shows with operand values.
    public let checks: [Int]
    /// The values a trace shows beside the condition, one per distinct
    /// text, in source order: every name it reads (input, derived value,
    /// flag, score, tier) and every computed operand of a comparison or
    /// membership test (`count(…)`, `a + b`). Constants are in the text.
    public let shownValues: [Int]

    /// The register of the root, which holds the expression's value.
    public let rootRegister: Int
    /// Where node 0 sits in the plan's `TraceTape`: node `i` is tape node
    /// `tapeBase + i`.
    public let tapeBase: Int

    public init(_ expr: TypedExpr, tapeBase: Int = 0) {
        var builder = Builder()
        builder.build(expr)
        nodes = builder.nodes
        childIndexes = builder.childIndexes
        texts = builder.texts
        values = builder.values
        tables = builder.tables
        labels = builder.labels
        checks = builder.checks
        shownValues = builder.shownValues()
        rootRegister = expr.register
        self.tapeBase = tapeBase
    }

    /// The `k`th child of node `index`.
    @inline(__always)
    public func child(_ index: Int, _ k: Int) -> Int {
        childIndexes[nodes[index].firstChild + k]
    }

    /// The children of node `index`.
    public func children(_ index: Int) -> [Int] {
        (0..<nodes[index].childCount).map { child(index, $0) }
    }

    /// Source text on one line: a condition folded over several YAML lines
    /// reads as one, with single spaces.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
}

/// Flattens a typed tree into the arrays of an `ExprPlan`.
private struct Builder {
    var nodes: [ExprPlan.Node] = []
    var childIndexes: [Int] = []
    var texts: [String] = []
    var values: [ValueKind] = []
    var tables: [LookupTable] = []
    var labels: [[String]] = []
    var checks: [Int] = []

    mutating func build(_ expr: TypedExpr) {
        var pending: [(TypedExpr, asCondition: Bool, parent: Int, slot: Int)] = [(expr, true, -1, 0)]
        // Pre-order, children in order: a stack of pending nodes, last child pushed first.
        while let (expr, asCondition, parent, slot) = pending.popLast() {
            let index = add(expr, asCondition: asCondition)
            if parent >= 0 { childIndexes[nodes[parent].firstChild + slot] = index }
            let childrenAreConditions: Bool
            switch nodes[index].kind {
            case .not, .and, .or: childrenAreConditions = true
            case .call(let function): childrenAreConditions = function == .count
            default: childrenAreConditions = false
            }
            let children = expr.children
            nodes[index].firstChild = childIndexes.count
            nodes[index].childCount = children.count
            childIndexes.append(contentsOf: repeatElement(-1, count: children.count))
            for (slot, child) in children.enumerated().reversed() {
                pending.append((child, childrenAreConditions && child.type == .boolean, index, slot))
            }
        }
        // A node uses scores when any node below it does; children come after parents.
        for index in nodes.indices.reversed() where !nodes[index].usesScores {
            nodes[index].usesScores = (0..<nodes[index].childCount).contains {
                nodes[childIndexes[nodes[index].firstChild + $0]].usesScores
            }
        }
    }

    mutating func add(_ expr: TypedExpr, asCondition: Bool) -> Int {
        let index = nodes.count
        let kind: ExprPlan.Kind
        var isCheck = false
        switch expr.kind {
        case .constant(let value): kind = .constant(value)
        case .input(let input):
            kind = .input(input)
            isCheck = asCondition
        case .derived(let index):
            kind = .derived(index)
            isCheck = asCondition
        case .flag(let flag):
            kind = .flag(flag)
            isCheck = asCondition
        case .domainScore, .domainTier, .totalScore, .tier: kind = .scoreOrTier
        case .not: kind = .not
        case .logical(let op, _): kind = op == .and ? .and : .or
        case .compare(let op, _, _):
            kind = .compare(op)
            isCheck = true
        case .member(_, _, let negated):
            kind = .member(negated: negated)
            isCheck = true
        case .call(let function, _):
            kind = .call(function)
            // `known(x)` reads as a test of its own, with x's value beside it.
            isCheck = function.testsPresence
        case .arithmetic(let op, _, _): kind = .arithmetic(op)
        case .negate: kind = .negate
        case .table(_, let table):
            kind = .table(tables.count)
            tables.append(table)
        case .cases(let arms, let otherwise): kind = .cases(arms: arms.count, hasOtherwise: otherwise != nil)
        case .sum(let parts):
            kind = .sum(labels.count)
            labels.append(parts.map(\.label))
        }
        let text = ExprPlan.oneLine(expr.text)
        nodes.append(
            ExprPlan.Node(
                kind: kind, register: expr.register, firstChild: 0, childCount: 0, usesScores: kind == .scoreOrTier,
                isBoolean: expr.type == .boolean))
        texts.append(text)
        values.append(ValueKind(expr.type))
        if isCheck { checks.append(index) }
        return index
    }

    /// See `ExprPlan.shownValues`.
    func shownValues() -> [Int] {
        var operands = Set<Int>()
        for node in nodes {
            switch node.kind {
            case .compare, .member:
                for k in 0..<node.childCount { operands.insert(childIndexes[node.firstChild + k]) }
            default:
                break
            }
        }
        var seen = Set<String>()
        var shown: [Int] = []
        for (index, node) in nodes.enumerated() {
            let show: Bool
            switch node.kind {
            case .input, .derived, .flag, .scoreOrTier: show = true
            case .constant, .not, .and, .or, .compare, .member: show = false
            case .call, .arithmetic, .negate, .table, .cases, .sum: show = operands.contains(index)
            }
            if show, seen.insert(texts[index]).inserted { shown.append(index) }
        }
        return shown
    }
}
