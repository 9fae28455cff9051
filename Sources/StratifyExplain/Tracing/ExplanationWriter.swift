import StratifyIO
import StratifyRules

/// Writes the sentences of an explanation as UTF-8 into an `OutputBuffer`:
/// a check with its operands' values (`score_a 17 ≥ 15 ✓`) and how a
/// derived value was computed
/// (`P 4 (stay_days 5 in 4..6) + Q 3 (urgent true) + … = 10`). The text
/// form's words; the JSON form states the same facts as keys and values.
public struct ExplanationWriter {
    public let plan: TracePlan
    private var parts: [Int] = []
    private var seen: [Int] = []

    public init(plan: TracePlan) {
        self.plan = plan
    }

    // MARK: - Checks

    /// `✓`, `✗` or `?`.
    @inline(__always)
    public static func appendMark(_ value: Double, into out: inout OutputBuffer) {
        if value == 1 { out.appendStatic("✓") } else if value == 0 { out.appendStatic("✗") } else { out.appendStatic("?") }
    }

    @inline(__always)
    private func appendText(_ expr: ExprPlan, _ index: Int, into out: inout OutputBuffer) {
        out.append(expr.texts[index])
    }

    /// A name or label from the rule file.
    private func appendName(_ name: String, into out: inout OutputBuffer) {
        out.append(name)
    }

    /// An operand: a literal as written (`15`, `severe`); a name or an
    /// expression followed by its value (`score_a 17`, `index_b unknown`,
    /// `field_c missing`).
    public func appendOperand(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        let node = expr.nodes[index]
        appendText(expr, index, into: &out)
        if node.isConstant { return }
        out.append(UInt8(ascii: " "))
        let value = r[node.register]
        if value.isNaN, case .input = node.kind {
            out.appendStatic("missing")
        } else {
            expr.values[index].appendText(value, into: &out)
        }
    }

    /// A comparison, membership test or condition with its operands' values
    /// and a mark: `score_a 17 ≥ 15 ✓`, `answer_d rarely in [often, always] ✗`.
    public func appendCheck(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        let node = expr.nodes[index]
        switch node.kind {
        case .compare(let op):
            appendOperand(expr, expr.child(index, 0), registers: r, into: &out)
            out.append(UInt8(ascii: " "))
            out.append(op.display)
            out.append(UInt8(ascii: " "))
            appendOperand(expr, expr.child(index, 1), registers: r, into: &out)
        case .member(let negated):
            appendOperand(expr, expr.child(index, 0), registers: r, into: &out)
            out.appendStatic(negated ? " not in [" : " in [")
            for k in 1..<node.childCount {
                if k > 1 { out.appendStatic(", ") }
                appendOperand(expr, expr.child(index, k), registers: r, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .input, .derived, .flag, .scoreOrTier, .constant:
            appendOperand(expr, index, registers: r, into: &out)
        default:
            appendText(expr, index, into: &out)
            if !node.isBoolean {
                out.append(UInt8(ascii: " "))
                expr.values[index].appendText(r[node.register], into: &out)
            }
        }
        out.append(UInt8(ascii: " "))
        Self.appendMark(r[node.register], into: &out)
    }

    /// Checks joined by `; `.
    public func appendChecks(_ expr: ExprPlan, _ nodes: [Int], registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        for (position, node) in nodes.enumerated() {
            if position > 0 { out.appendStatic("; ") }
            appendCheck(expr, node, registers: r, into: &out)
        }
    }

    // MARK: - Derived values

    /// How derived value `index` (of `program.derived`) was computed, with
    /// its value: `P 4 (stay_days 5 in 4..6) + Q 0 (urgent false) = 4`,
    /// `band_b (case 2 holds: pressure 150 ≥ 140 ✓)`.
    public mutating func appendDerived(_ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        appendDerived(plan.derived[index], registers: r, into: &out)
    }

    /// `appendDerived(_:registers:into:)` for the plan of a derived value.
    public mutating func appendDerived(_ expr: ExprPlan, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        if case .sum = expr.nodes[0].kind {
            appendSumParts(expr, 0, registers: r, into: &out)
            out.appendStatic(" = ")
            expr.values[0].appendText(r[expr.rootRegister], into: &out)
        } else {
            appendValue(expr, 0, registers: r, into: &out)
        }
    }

    /// `value (how)`.
    private mutating func appendValue(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        let node = expr.nodes[index]
        expr.values[index].appendText(r[node.register], into: &out)
        switch node.kind {
        case .constant:
            return
        case .input, .derived, .flag, .scoreOrTier:
            out.appendStatic(" (")
            appendOperand(expr, index, registers: r, into: &out)
            out.append(UInt8(ascii: ")"))
            return
        default:
            break
        }
        out.appendStatic(" (")
        appendHow(expr, index, registers: r, into: &out)
        out.append(UInt8(ascii: ")"))
    }

    private mutating func appendSumParts(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        let node = expr.nodes[index]
        guard case .sum(let labels) = node.kind else { return }
        for k in 0..<node.childCount {
            if k > 0 { out.appendStatic(" + ") }
            appendName(expr.labels[labels][k], into: &out)
            out.append(UInt8(ascii: " "))
            appendValue(expr, expr.child(index, k), registers: r, into: &out)
        }
    }

    /// The inside of the parentheses.
    private mutating func appendHow(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>, into out: inout OutputBuffer) {
        let node = expr.nodes[index]
        switch node.kind {
        case .table(let tableIndex):
            let table = expr.tables[tableIndex]
            let key = expr.child(index, 0)
            appendOperand(expr, key, registers: r, into: &out)
            let row = r[table.rowRegister]
            if row.isNaN {
                if !r[expr.nodes[key].register].isNaN { out.appendStatic(": no row") }
            } else if row < 0 {
                out.appendStatic(": default")
            } else {
                let row = table.rows[Int(row)]
                if row.lower != row.upper {
                    out.appendStatic(" in ")
                    appendName(row.keyText, into: &out)
                }
            }
        case .cases(let arms, let hasOtherwise):
            for arm in 0..<arms {
                let condition = expr.child(index, 2 * arm)
                let value = r[expr.nodes[condition].register]
                if value == 0 { continue }
                out.appendStatic("case ")
                out.append(decimal: arm + 1)
                out.appendStatic(value == 1 ? " holds: " : " is unknown: ")
                parts.removeAll(keepingCapacity: true)
                if value == 1 {
                    ConditionExplainer.held(expr, node: condition, tape: plan.tape, registers: r, into: &parts)
                } else {
                    ConditionExplainer.undecided(expr, node: condition, tape: plan.tape, registers: r, into: &parts)
                }
                appendChecks(expr, parts, registers: r, into: &out)
                return
            }
            out.appendStatic(hasOtherwise ? "no case holds: " : "no case holds, and there is no otherwise: ")
            // The values the cases looked at.
            seen.removeAll(keepingCapacity: true)
            var first = true
            for arm in 0..<arms {
                for reference in expr.references(under: expr.child(index, 2 * arm)) where !seen.contains(expr.nodes[reference].register) {
                    seen.append(expr.nodes[reference].register)
                    if !first { out.appendStatic(", ") }
                    appendOperand(expr, reference, registers: r, into: &out)
                    first = false
                }
            }
        case .sum:
            appendSumParts(expr, index, registers: r, into: &out)
        default:
            if node.isBoolean {
                parts.removeAll(keepingCapacity: true)
                parts.append(contentsOf: expr.checks(under: index))
                appendChecks(expr, parts, registers: r, into: &out)
            } else {
                appendText(expr, index, into: &out)
                seen.removeAll(keepingCapacity: true)
                for reference in expr.references(under: index) where !seen.contains(expr.nodes[reference].register) {
                    seen.append(expr.nodes[reference].register)
                    out.appendStatic(seen.count == 1 ? ": " : ", ")
                    appendOperand(expr, reference, registers: r, into: &out)
                }
            }
        }
    }
}

extension ExprPlan {
    /// Input and derived-value references in the subtree at `index`, in source order.
    func references(under index: Int) -> [Int] {
        var result: [Int] = []
        var stack = [index]
        while let next = stack.popLast() {
            switch nodes[next].kind {
            case .input, .derived, .flag, .scoreOrTier: result.append(next)
            default: stack.append(contentsOf: children(next).reversed())
            }
        }
        return result
    }

    /// The checks in the subtree at `index`.
    func checks(under index: Int) -> [Int] {
        let last = subtreeEnd(index)
        return checks.filter { $0 >= index && $0 < last }
    }

    /// One past the last node of the subtree at `index` (nodes are in pre-order).
    func subtreeEnd(_ index: Int) -> Int {
        var end = index + 1
        var stack = [index]
        while let next = stack.popLast() {
            for child in children(next) {
                end = Swift.max(end, child + 1)
                stack.append(child)
            }
        }
        return end
    }
}
