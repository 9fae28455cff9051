import StratifyCore

/// Conditions of rules, floors, escalations and models that are never true
/// or always true given the input schema's ranges, and parts of conditions
/// that never matter: an `or` alternative that never holds, an `and` part
/// that always does.
struct ConditionLint: RuleLinter.Lint {
    func run(_ context: LintContext) {
        let shadowedFrom = ModelShadowLint.firstAlwaysHolding(context).map { $0 + 1 } ?? Int.max
        for entry in ConditionOwner.all(in: context.program, context.analysis) {
            // Models after one that always holds are reported as shadowed.
            if case .model(let index) = entry.owner.kind, index >= shadowedFrom { continue }
            check(entry.condition, entry.value, of: entry.owner, context)
        }
    }

    private func check(_ condition: TypedExpr, _ value: AbstractValue, of owner: ConditionOwner, _ context: LintContext) {
        if !value.canBeTrue {
            let culprit = context.neverCulprit(condition)
            context.report(.neverTrue(owner, culprit.text, because: context.reason(culprit, never: true)), at: culprit, fallback: owner.location)
        } else if value.isTrueWhenPresent {
            let culprit = context.alwaysCulprit(condition)
            // The part that always holds decides: the condition holds whenever its inputs are there.
            let inputs = value.unknownWhenMissing ? context.optionalInputs(of: culprit) : []
            context.report(
                .alwaysTrue(owner, culprit === condition ? nil : culprit.text, presentInputs: inputs, because: context.reason(culprit, never: false)),
                at: culprit, fallback: owner.location)
        } else {
            Self.checkParts(of: condition, context, fallback: owner.location)
        }
    }

    /// Parts of a condition that can be both true and false whose own
    /// outcome is fixed.
    static func checkParts(of expr: TypedExpr, _ context: LintContext, fallback: SourceLocation) {
        switch expr.kind {
        case .logical(let op, let operands) where !LintContext.isChain(expr):
            for operand in operands {
                let value = context.analysis.value(of: operand)
                if op == .or, !value.canBeTrue {
                    let culprit = context.neverCulprit(operand)
                    context.report(.deadAlternative(culprit.text, because: context.reason(culprit, never: true)), at: culprit, fallback: fallback)
                } else if op == .and, value.isTrueWhenPresent {
                    let inputs = value.unknownWhenMissing ? context.optionalInputs(of: operand) : []
                    context.report(
                        .redundantCondition(operand.text, presentInputs: inputs, because: context.reason(operand, never: false)), at: operand,
                        fallback: fallback)
                } else {
                    checkParts(of: operand, context, fallback: fallback)
                }
            }
        case .call(.count, let arguments):
            for argument in arguments {
                let value = context.analysis.value(of: argument)
                if !value.canBeTrue || value.isTrueWhenPresent {
                    let always = value.canBeTrue
                    let inputs = always && value.unknownWhenMissing ? context.optionalInputs(of: argument) : []
                    context.report(
                        .fixedCount(argument.text, alwaysTrue: always, presentInputs: inputs, because: context.reason(argument, never: !always)), at: argument,
                        fallback: fallback)
                } else {
                    checkParts(of: argument, context, fallback: fallback)
                }
            }
        case .not, .compare, .arithmetic, .negate, .call, .member:
            for child in expr.children { checkParts(of: child, context, fallback: fallback) }
        default:
            break
        }
    }
}
