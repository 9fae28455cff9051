import StratifyRules

/// Reads why a condition came out as it did, from the registers of one
/// evaluation: which parts failed or held, and which missing inputs left it
/// unknown.
///
/// Works on indexes (nodes, inputs) so that the JSON writer can use it per
/// record without making strings; the `TraceBuilder` names them.
public struct ConditionExplainer {
    public let plan: TracePlan
    private var marked: [Bool]

    public init(plan: TracePlan) {
        self.plan = plan
        marked = Array(repeating: false, count: plan.program.inputs.count)
    }

    // MARK: - Which parts decided

    /// The parts of a condition that is false which make it false: for
    /// `and`, the conjuncts that are false (each explained in turn); for
    /// `or`, every part; otherwise the node itself (a comparison, a
    /// membership test, a flag, `not ...`). Appends node indexes.
    public static func failed(_ expr: ExprPlan, node index: Int = 0, registers r: UnsafeMutableBufferPointer<Double>, into parts: inout [Int]) {
        decisive(expr, node: index, outcome: 0, registers: r, into: &parts)
    }

    /// The parts of a condition that holds which make it hold: for `or`, the
    /// parts that hold; for `and`, every part.
    public static func held(_ expr: ExprPlan, node index: Int = 0, registers r: UnsafeMutableBufferPointer<Double>, into parts: inout [Int]) {
        decisive(expr, node: index, outcome: 1, registers: r, into: &parts)
    }

    /// The parts of an unknown condition that are unknown.
    public static func undecided(_ expr: ExprPlan, node index: Int = 0, registers r: UnsafeMutableBufferPointer<Double>, into parts: inout [Int]) {
        let node = expr.nodes[index]
        guard node.isLogic else {
            parts.append(index)
            return
        }
        for k in 0..<node.childCount {
            let child = expr.child(index, k)
            if r[expr.nodes[child].register].isNaN { undecided(expr, node: child, registers: r, into: &parts) }
        }
    }

    /// `outcome` 0: why false; 1: why true. For the connective that the
    /// outcome decides by one part (`and` false, `or` true), the parts with
    /// that outcome; for the other, every part.
    private static func decisive(_ expr: ExprPlan, node index: Int, outcome: Double, registers r: UnsafeMutableBufferPointer<Double>, into parts: inout [Int]) {
        let node = expr.nodes[index]
        guard node.isLogic else {
            parts.append(index)
            return
        }
        let decidedByOne = (node.kind == .and) == (outcome == 0)
        for k in 0..<node.childCount {
            let child = expr.child(index, k)
            if !decidedByOne || r[expr.nodes[child].register] == outcome {
                decisive(expr, node: child, outcome: outcome, registers: r, into: &parts)
            }
        }
    }

    // MARK: - Which inputs are missing

    /// The inputs whose absence leaves `expr` unknown, in the order of the
    /// `missing` output (by name); empty when the value is known (or unknown
    /// only through an overflow or a division by zero). Follows derived
    /// values and flags to the inputs behind them.
    public mutating func missing(_ expr: ExprPlan, registers r: UnsafeMutableBufferPointer<Double>, into inputs: inout [Int]) {
        guard r[expr.rootRegister].isNaN else { return }
        mark(expr, node: 0, registers: r)
        for input in plan.program.missingOrder where marked[input] {
            inputs.append(input)
            marked[input] = false
        }
    }

    /// Marks the missing inputs behind an unknown node.
    private mutating func mark(_ expr: ExprPlan, node index: Int, registers r: UnsafeMutableBufferPointer<Double>) {
        let node = expr.nodes[index]
        guard r[node.register].isNaN else { return }
        switch node.kind {
        case .input(let input):
            marked[input] = true
        case .derived:
            if let derived = plan.derivedIndex(register: node.register) {
                mark(plan.derived[derived], node: 0, registers: r)
            }
        case .flag(let flag):
            for rule in plan.program.flags[flag].rules {
                mark(plan.rules[rule], node: 0, registers: r)
            }
        case .constant, .scoreOrTier:
            break
        case .cases(let arms, let hasOtherwise):
            // The first case that is not false decides.
            for arm in 0..<arms {
                let condition = expr.child(index, 2 * arm)
                let value = r[expr.nodes[condition].register]
                if value.isNaN {
                    mark(expr, node: condition, registers: r)
                    return
                }
                if value == 1 {
                    mark(expr, node: expr.child(index, 2 * arm + 1), registers: r)
                    return
                }
            }
            if hasOtherwise { mark(expr, node: expr.child(index, 2 * arms), registers: r) }
        default:
            // A known child cannot be why the node is unknown; `and` has no
            // false child here, `or` no true one.
            for k in 0..<node.childCount {
                mark(expr, node: expr.child(index, k), registers: r)
            }
        }
    }
}
