import StratifyCore
import StratifyRules

/// Every `ExprPlan` of a `TracePlan` (derived values, rules, floors,
/// escalations, models) laid end to end in one flat allocation of plain
/// nodes, with the links a walk needs already resolved: a derived value's
/// node points at that value's root, a flag's node at the rules that set it.
///
/// The per-record walks of explanations (`ConditionExplainer`,
/// `ReachableTiers`) run on the tape through raw pointers, so that they
/// cost no reference counting, no bounds checks and no allocation, and
/// the text form and the JSON writer share them. Node `i` of a plan is
/// tape node `plan.tapeBase + i`; nodes are in pre-order, so a subtree is
/// the range `i ..< nodes[i].end`.
public final class TraceTape: Sendable {
    // Immutable after init.

    public enum Kind: UInt8, Sendable {
        case constant, input, derived, flag, scoreOrTier
        case not, and, or, compare, member, call, arithmetic, negate, table, cases, sum, other
    }

    /// What a comparison, call or arithmetic node does (`Node.op`).
    public enum Op: UInt8, Sendable {
        case none
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case count, min, max
        /// `known(x)` or `missing(x)`.
        case presence
        case add, subtract, otherArithmetic
    }

    public struct Node: Sendable {
        public var register: Int32
        /// One past the last node of the subtree.
        public var end: Int32
        /// Into `children`.
        public var firstChild: Int32
        public var childCount: Int32
        /// `.input`: the input; `.derived`: the tape index of the value's
        /// root; `.flag`: the flag; `.cases`: the number of arms.
        public var aux: Int32
        public var kind: Kind
        public var op: Op
        /// Bits: `isBoolean`, `usesScores`, `hasOtherwise`, `negated`,
        /// `parentIsAnd`, `parentIsOr`.
        public var bits: UInt8

        public static let isBoolean: UInt8 = 1
        public static let usesScores: UInt8 = 2
        public static let hasOtherwise: UInt8 = 4
        public static let negated: UInt8 = 8
        public static let parentIsAnd: UInt8 = 16
        public static let parentIsOr: UInt8 = 32

        @inline(__always) public func has(_ bit: UInt8) -> Bool { bits & bit != 0 }
        @inline(__always) public var isLogic: Bool { kind == .and || kind == .or }
    }

    public let count: Int
    @usableFromInline let nodeStorage: FixedBuffer<Node>
    @inlinable public var nodes: UnsafePointer<Node> { UnsafePointer(nodeStorage.baseAddress) }
    /// Child node indexes (absolute), by `Node.firstChild`.
    @usableFromInline let childStorage: FixedBuffer<Int32>
    @inlinable public var children: UnsafePointer<Int32> { UnsafePointer(childStorage.baseAddress) }
    /// The tape roots of the rules that set flag `f`:
    /// `flagRules[flagRuleStart[f] ..< flagRuleStart[f + 1]]`.
    @usableFromInline let flagRuleStartStorage: FixedBuffer<Int32>
    @usableFromInline let flagRuleStorage: FixedBuffer<Int32>
    @inlinable public var flagRuleStart: UnsafePointer<Int32> { UnsafePointer(flagRuleStartStorage.baseAddress) }
    @inlinable public var flagRules: UnsafePointer<Int32> { UnsafePointer(flagRuleStorage.baseAddress) }
    /// The largest plan, in nodes (for scratch space sized per walk).
    public let largestPlan: Int
    /// `program.missingOrder`: the inputs in the order of `missing` lists.
    @usableFromInline let missingOrderStorage: FixedBuffer<Int32>
    @inlinable public var missingOrder: UnsafePointer<Int32> { UnsafePointer(missingOrderStorage.baseAddress) }
    public let missingCount: Int

    /// `plans` in tape order (each plan's `tapeBase` is where it starts);
    /// `derivedRoots[d]` and `ruleRoots[r]` are the tape indexes of the
    /// roots of `program.derived[d]` and `program.rules[r]`.
    init(plans: [ExprPlan], derivedRoots: [Int], ruleRoots: [Int], program: Program) {
        let total = plans.reduce(0) { $0 + $1.nodes.count }
        let childTotal = plans.reduce(0) { $0 + $1.childIndexes.count }
        count = total
        nodeStorage = FixedBuffer(
            repeating: Node(register: 0, end: 0, firstChild: 0, childCount: 0, aux: 0, kind: .other, op: .none, bits: 0),
            count: total)
        childStorage = FixedBuffer(repeating: 0, count: childTotal)
        largestPlan = plans.map(\.nodes.count).max() ?? 0
        var childBase = 0
        for plan in plans {
            precondition(plan.tapeBase + plan.nodes.count <= total)
            // Pre-order with children in order: a subtree ends where its last child's does.
            var ends = Array(repeating: 0, count: plan.nodes.count)
            for local in plan.nodes.indices.reversed() {
                let node = plan.nodes[local]
                ends[local] = node.childCount == 0 ? local + 1 : ends[plan.child(local, node.childCount - 1)]
            }
            for (local, node) in plan.nodes.enumerated() {
                let index = plan.tapeBase + local
                var kind = Kind.other
                var op = Op.none
                var aux: Int32 = 0
                var bits: UInt8 = 0
                if node.isBoolean { bits |= Node.isBoolean }
                if node.usesScores { bits |= Node.usesScores }
                switch node.kind {
                case .constant: kind = .constant
                case .input(let input):
                    kind = .input
                    aux = Int32(input)
                case .derived(let derived):
                    kind = .derived
                    aux = Int32(derivedRoots[derived])
                case .flag(let flag):
                    kind = .flag
                    aux = Int32(flag)
                case .scoreOrTier: kind = .scoreOrTier
                case .not: kind = .not
                case .and: kind = .and
                case .or: kind = .or
                case .compare(let comparison):
                    kind = .compare
                    op =
                        switch comparison {
                        case .equal: .equal
                        case .notEqual: .notEqual
                        case .less: .less
                        case .lessEqual: .lessEqual
                        case .greater: .greater
                        case .greaterEqual: .greaterEqual
                        }
                case .member(let negated):
                    kind = .member
                    if negated { bits |= Node.negated }
                case .call(let function):
                    kind = .call
                    op =
                        switch function {
                        case .count: .count
                        case .min: .min
                        case .max: .max
                        case .known, .missing: .presence
                        }
                case .arithmetic(let arithmetic):
                    kind = .arithmetic
                    op = arithmetic == .add ? .add : (arithmetic == .subtract ? .subtract : .otherArithmetic)
                case .negate: kind = .negate
                case .table: kind = .table
                case .cases(let arms, let hasOtherwise):
                    kind = .cases
                    aux = Int32(arms)
                    if hasOtherwise { bits |= Node.hasOtherwise }
                case .sum: kind = .sum
                }
                nodeStorage[index] = Node(
                    register: Int32(node.register), end: Int32(plan.tapeBase + ends[local]),
                    firstChild: Int32(childBase + node.firstChild), childCount: Int32(node.childCount),
                    aux: aux, kind: kind, op: op, bits: bits)
            }
            for (k, child) in plan.childIndexes.enumerated() {
                childStorage[childBase + k] = Int32(plan.tapeBase + child)
            }
            // Which connective each node sits under.
            for (local, node) in plan.nodes.enumerated() where node.isLogic {
                let bit = node.kind == .and ? Node.parentIsAnd : Node.parentIsOr
                for child in plan.children(local) { nodeStorage[plan.tapeBase + child].bits |= bit }
            }
            childBase += plan.childIndexes.count
        }
        flagRuleStartStorage = FixedBuffer(repeating: 0, count: program.flags.count + 1)
        flagRuleStorage = FixedBuffer(repeating: 0, count: program.flags.reduce(0) { $0 + $1.rules.count })
        var position = 0
        for (flag, value) in program.flags.enumerated() {
            flagRuleStartStorage[flag] = Int32(position)
            for rule in value.rules {
                flagRuleStorage[position] = Int32(ruleRoots[rule])
                position += 1
            }
        }
        flagRuleStartStorage[program.flags.count] = Int32(position)
        missingCount = program.missingOrder.count
        missingOrderStorage = FixedBuffer(program.missingOrder.map { Int32($0) })
    }

    /// The `k`th child of node `index`.
    @inline(__always)
    public func child(_ index: Int, _ k: Int) -> Int {
        Int(children[Int(nodes[index].firstChild) &+ k])
    }
}
