/// A model that is never chosen because an earlier one always holds, or
/// holds whenever it does.
struct ModelShadowLint: RuleLinter.Lint {
    /// The first model that holds for every record, whatever is missing.
    static func firstAlwaysHolding(_ context: LintContext) -> Int? {
        context.program.models.indices.first { index in
            context.program.models[index].condition == nil || context.analysis.models[index]?.isAlwaysTrue == true
        }
    }

    /// How many (model, earlier model) pairs the implication check looks at,
    /// so that a file with thousands of models is still checked quickly.
    static let pairBudget = 20_000

    func run(_ context: LintContext) {
        let models = context.program.models
        let always = Self.firstAlwaysHolding(context)
        var budget = Self.pairBudget
        for (index, model) in models.enumerated() {
            if let always, index > always {
                report(model, shadowedBy: models[always], always: true, context)
                continue
            }
            // Whenever this model's condition holds, does an earlier one surely hold?
            guard let condition = model.condition, budget >= index else { continue }
            budget -= index
            let holds = context.analysis.assuming(condition, is: true, .none)
            guard !holds.impossible, !holds.isEmpty else { continue }
            for earlier in models[..<index] {
                guard let earlierCondition = earlier.condition,
                    context.analysis.value(of: earlierCondition, given: holds).isAlwaysTrue
                else { continue }
                report(model, shadowedBy: earlier, always: false, context)
                break
            }
        }
    }

    private func report(_ model: Program.Model, shadowedBy earlier: Program.Model, always: Bool, _ context: LintContext) {
        let line = context.modelsById[earlier.id]?.id.location.line ?? earlier.location.line
        let message = LintMessage.shadowedModel(model.id, by: earlier.id, line: line, always: always)
        if let id = context.modelsById[model.id]?.id {
            context.report(message, at: id)
        } else {
            context.report(message, at: model.location)
        }
    }
}
