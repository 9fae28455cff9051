/// Finding the part of a condition that makes it never (or always) true,
/// and saying why, so that a warning points at `score >= 30` rather
/// than at the whole condition.
extension LintContext {
    /// The smallest part of a never-true condition that is never true by itself.
    func neverCulprit(_ expr: TypedExpr, given assumptions: Assumptions = .none) -> TypedExpr {
        if case .logical(.and, let operands) = expr.kind,
            let operand = operands.first(where: { !analysis.value(of: $0, given: assumptions).canBeTrue })
        {
            return neverCulprit(operand, given: assumptions)
        }
        return expr
    }

    /// The smallest part of an always-true condition that is always true by itself.
    func alwaysCulprit(_ expr: TypedExpr, given assumptions: Assumptions = .none) -> TypedExpr {
        if case .logical(.or, let operands) = expr.kind,
            let operand = operands.first(where: { analysis.value(of: $0, given: assumptions).isTrueWhenPresent })
        {
            return alwaysCulprit(operand, given: assumptions)
        }
        return expr
    }

    /// Why a condition's outcome is fixed: the ranges of what it compares.
    func reason(_ expr: TypedExpr, given assumptions: Assumptions = .none, never: Bool) -> String? {
        switch expr.kind {
        case .compare(_, let left, let right):
            let parts = [left, right].filter { !Self.isLiteral($0) }.map { describe($0, given: assumptions) }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        case .member(let value, _, let negated):
            if Self.isLiteral(value) { return nil }
            // `in` always true, or `not in` never true: the list names every value.
            if never == negated { return "the list names every value \(value.text) can take" }
            return describe(value, given: assumptions)
        case .flag(let index):
            return never ? "no rule that sets flag '\(program.flags[index].name)' can fire" : nil
        case .input, .derived:
            return describe(expr, given: assumptions)
        case .logical(.and, _):
            return never ? "its parts cannot all hold at once" : nil
        case .logical(.or, _):
            return never ? "none of its alternatives can hold" : nil
        case .not(let operand):
            return reason(operand, given: assumptions, never: !never)
        case .call(let function, let arguments) where function.testsPresence:
            let value = analysis.value(of: arguments[0], given: assumptions)
            if value.range.isEmpty { return "\(arguments[0].text) is never known" }
            if !value.mayBeUnknown {
                if case .input(let index) = arguments[0].kind, program.inputs[index].required {
                    return "\(arguments[0].text) is required, so it is never missing"
                }
                return "\(arguments[0].text) is never missing"
            }
            return nil
        default:
            return nil
        }
    }

    static func isLiteral(_ expr: TypedExpr) -> Bool {
        if case .constant = expr.kind { return true }
        return false
    }

    /// A comparison chain, `5 <= n <= 9`: its links are one range, not
    /// conditions of their own.
    static func isChain(_ expr: TypedExpr) -> Bool {
        guard case .logical(.and, let operands) = expr.kind, operands.count > 1 else { return false }
        for (first, second) in zip(operands, operands.dropFirst()) {
            guard case .compare(_, _, let middle) = first.kind, case .compare(_, let same, _) = second.kind, middle === same else {
                return false
            }
        }
        return true
    }
}
