import StratifyCore
import StratifyRules

/// Reads why a condition came out as it did, from the registers of one
/// evaluation: which parts failed or held, and which missing inputs left it
/// unknown.
///
/// The walks run on the plan's `TraceTape` and name nodes and inputs by
/// index, so that the JSON writer can use them for every record without
/// making strings or touching reference counts; the `TraceBuilder` (text
/// form) uses the same walks through the `ExprPlan` wrappers below.
public struct ConditionExplainer {
    /// The parts a walk reports.
    public enum Reason: Sendable {
        /// Why a false condition is false: for `and`, the conjuncts that
        /// are false (each explained in turn); for `or`, every part;
        /// otherwise the node itself (a comparison, a membership test, a
        /// flag, `not ...`).
        case failed
        /// Why a condition holds: for `or`, the parts that hold; for `and`,
        /// every part.
        case held
        /// Why an unknown condition is unknown: its unknown parts.
        case undecided
    }

    public let plan: TracePlan
    private let marks: Marks

    public init(plan: TracePlan) {
        self.plan = plan
        marks = Marks(count: plan.program.inputs.count)
    }

    /// One flag per input, all false between walks.
    public var markBuffer: UnsafeMutablePointer<Bool> { marks.flags }

    // MARK: - Which parts decided

    /// Calls `body` with the tape index of each part of the condition at
    /// tape node `start` that `reason` names, in source order.
    ///
    /// Nodes are in pre-order, so the walk is a scan of the subtree that
    /// steps into `and`/`or` nodes whose outcome decides, and jumps over
    /// every other subtree once it has reported or skipped it.
    @inlinable @inline(__always)
    public static func forEachPart(
        _ reason: Reason, of start: Int, nodes: UnsafePointer<TraceTape.Node>, registers r: UnsafePointer<Double>,
        _ body: (Int) -> Void
    ) {
        let first = nodes[start]
        guard first.isLogic else {
            body(start)
            return
        }
        var i = start &+ 1
        let end = Int(first.end)
        while i < end {
            let node = nodes[i]
            let value = r[Int(node.register)]
            let enter =
                switch reason {
                case .failed: !node.has(TraceTape.Node.parentIsAnd) || value == 0
                case .held: !node.has(TraceTape.Node.parentIsOr) || value == 1
                case .undecided: value.isNaN
                }
            if !enter {
                i = Int(node.end)
            } else if node.isLogic {
                i &+= 1
            } else {
                body(i)
                i = Int(node.end)
            }
        }
    }

    /// The parts of a condition that is false which make it false, as node
    /// indexes of `expr` (see `Reason.failed`).
    public static func failed(_ expr: ExprPlan, node index: Int = 0, tape: TraceTape, registers r: UnsafeBufferPointer<Double>, into parts: inout [Int]) {
        collect(.failed, expr, index, tape, r, &parts)
    }

    /// The parts of a condition that holds which make it hold.
    public static func held(_ expr: ExprPlan, node index: Int = 0, tape: TraceTape, registers r: UnsafeBufferPointer<Double>, into parts: inout [Int]) {
        collect(.held, expr, index, tape, r, &parts)
    }

    /// The parts of an unknown condition that are unknown.
    public static func undecided(
        _ expr: ExprPlan, node index: Int = 0, tape: TraceTape, registers r: UnsafeBufferPointer<Double>, into parts: inout [Int]
    ) {
        collect(.undecided, expr, index, tape, r, &parts)
    }

    private static func collect(
        _ reason: Reason, _ expr: ExprPlan, _ index: Int, _ tape: TraceTape, _ r: UnsafeBufferPointer<Double>, _ parts: inout [Int]
    ) {
        let base = expr.tapeBase
        forEachPart(reason, of: base + index, nodes: tape.nodes, registers: r.baseAddress!) { parts.append($0 - base) }
    }

    // MARK: - Which inputs are missing

    /// Calls `body` with each input whose absence leaves the condition at
    /// tape node `root` unknown, in the order of the `missing` output (by
    /// name); nothing when the value is known (or unknown only through an
    /// overflow or a division by zero). Follows derived values and flags to
    /// the inputs behind them. `marks` must be all false, and is left so.
    @inlinable @inline(__always)
    public static func forEachMissing(
        of root: Int, tape: TraceTape, marks: UnsafeMutablePointer<Bool>, order: UnsafePointer<Int32>, inputCount: Int,
        registers r: UnsafePointer<Double>, _ body: (Int) -> Void
    ) {
        guard r[Int(tape.nodes[root].register)].isNaN else { return }
        mark(root, tape: tape, marks: marks, registers: r)
        for k in 0..<inputCount {
            let input = Int(order[k])
            if marks[input] {
                body(input)
                marks[input] = false
            }
        }
    }

    /// Marks the missing inputs behind an unknown node.
    @usableFromInline
    static func mark(_ index: Int, tape: TraceTape, marks: UnsafeMutablePointer<Bool>, registers r: UnsafePointer<Double>) {
        let node = tape.nodes[index]
        guard r[Int(node.register)].isNaN else { return }
        switch node.kind {
        case .input:
            marks[Int(node.aux)] = true
        case .derived:
            mark(Int(node.aux), tape: tape, marks: marks, registers: r)
        case .flag:
            let flag = Int(node.aux)
            for k in Int(tape.flagRuleStart[flag])..<Int(tape.flagRuleStart[flag + 1]) {
                mark(Int(tape.flagRules[k]), tape: tape, marks: marks, registers: r)
            }
        case .constant, .scoreOrTier:
            break
        case .cases:
            // The first case that is not false decides.
            let arms = Int(node.aux)
            for arm in 0..<arms {
                let condition = tape.child(index, 2 * arm)
                let value = r[Int(tape.nodes[condition].register)]
                if value.isNaN {
                    mark(condition, tape: tape, marks: marks, registers: r)
                    return
                }
                if value == 1 {
                    mark(tape.child(index, 2 * arm + 1), tape: tape, marks: marks, registers: r)
                    return
                }
            }
            if node.has(TraceTape.Node.hasOtherwise) {
                mark(tape.child(index, 2 * arms), tape: tape, marks: marks, registers: r)
            }
        default:
            // A known child cannot be why the node is unknown; `and` has no
            // false child here, `or` no true one.
            for k in 0..<Int(node.childCount) {
                mark(tape.child(index, k), tape: tape, marks: marks, registers: r)
            }
        }
    }

    /// The inputs whose absence leaves `expr` unknown, in the order of the
    /// `missing` output (see `forEachMissing`).
    public func missing(_ expr: ExprPlan, registers r: UnsafeBufferPointer<Double>, into inputs: inout [Int]) {
        let tape = plan.tape
        Self.forEachMissing(
            of: expr.tapeBase, tape: tape, marks: marks.flags, order: tape.missingOrder, inputCount: tape.missingCount,
            registers: r.baseAddress!
        ) { inputs.append($0) }
    }

    /// Per-thread scratch flags.
    private final class Marks {
        private let storage: FixedBuffer<Bool>
        var flags: UnsafeMutablePointer<Bool> { storage.baseAddress }

        init(count: Int) {
            storage = FixedBuffer(repeating: false, count: count)
        }
    }
}
