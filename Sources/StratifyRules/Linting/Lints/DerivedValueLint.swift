import StratifyCore

/// Parts of derived values that are never used: a case that can never hold
/// or is never reached, an `otherwise` that the cases always pre-empt, a
/// table row whose key the schema rules out.
struct DerivedValueLint: RuleLinter.Lint {
    func run(_ context: LintContext) {
        for derived in context.program.derived {
            guard let definition = context.derivedByName[derived.name] else { continue }
            visit(definition.body, derived.expr, name: derived.name, fallback: definition.name.location, context)
        }
    }

    /// Walks the body as written and as compiled side by side: the compiled
    /// nodes say what can happen, the written ones where.
    private func visit(_ body: DerivedBody, _ expr: TypedExpr, name: String, fallback: SourceLocation, _ context: LintContext) {
        switch (body, expr.kind) {
        case (.table(let definition), .table(let key, let table)):
            let keyRange = context.analysis.value(of: key).range
            guard !keyRange.isEmpty, definition.rows.count == table.rows.count else { return }
            for (row, written) in zip(table.rows, definition.rows) where !Interval(row.lower, row.upper).overlaps(keyRange) {
                let message = LintMessage.unreachableRow(
                    written.key.value.trimmed, of: name, keyText: key.text, keyRange: ValueDescription.describe(keyRange, type: key.type))
                context.report(message, at: written.key)
            }
        case (.cases, .cases(let arms, let otherwise)):
            checkCases(arms, otherwise: otherwise, name: name, fallback: fallback, context)
        case (.sum(let parts), .sum(let typed)) where parts.count == typed.count:
            for (part, value) in zip(parts, typed) {
                visit(part.body, value.value, name: name, fallback: part.label.location, context)
            }
        default:
            break
        }
    }

    private func checkCases(_ arms: [CaseArm], otherwise: TypedExpr?, name: String, fallback: SourceLocation, _ context: LintContext) {
        let (facts, otherwiseReached) = context.analysis.arms(arms, .none)
        for (number, (arm, fact)) in zip(arms, facts).enumerated().map({ ($0.offset + 1, $0.element) }) {
            if fact.condition.canBeTrue {
                ConditionLint.checkParts(of: arm.condition, context, fallback: fallback)
                continue
            }
            let culprit = context.neverCulprit(arm.condition, given: fact.reached)
            let message = LintMessage.neverTrueCase(
                number, of: name, culprit.text, because: context.reason(culprit, given: fact.reached, never: true),
                givenEarlier: !fact.reached.isEmpty, canBeUnknown: fact.condition.mayBeUnknown)
            context.report(message, at: culprit, fallback: fallback)
        }
        if facts.count < arms.count {
            context.report(.unreachableCase(facts.count + 1, of: name, decidedBy: facts.count), at: arms[facts.count].condition, fallback: fallback)
        } else if otherwiseReached == nil, let otherwise {
            context.report(.unreachableOtherwise(of: name), at: otherwise, fallback: fallback)
        }
    }
}
