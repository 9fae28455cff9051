import StratifyCore

/// What a condition belongs to, for messages: a rule, a floor, an
/// escalation or a model.
struct ConditionOwner {
    enum Kind {
        case rule
        case floor(domain: String)
        case escalation
        case model(index: Int)
    }

    let kind: Kind
    let id: String
    /// Where its entry starts, for when the condition itself has no span.
    let location: SourceLocation

    /// `rule 'domain.some_rule'`
    var name: String {
        switch kind {
        case .rule: "rule '\(id)'"
        case .floor: "floor '\(id)'"
        case .escalation: "escalation '\(id)'"
        case .model: "model '\(id)'"
        }
    }

    /// What never being true means for it.
    var neverPhrase: String {
        switch kind {
        case .rule: "\(name) can never fire"
        case .floor(let domain): "\(name) can never apply, so it never changes the tier of domain '\(domain)'"
        case .escalation: "\(name) can never apply, so it never changes the overall tier"
        case .model: "\(name) is never chosen"
        }
    }

    /// A condition with its owner and what the analysis found of it.
    struct Entry {
        let owner: ConditionOwner
        let condition: TypedExpr
        let value: AbstractValue
    }

    /// Every condition of a program, in the order the engine runs them.
    static func all(in program: Program, _ analysis: ValueAnalysis) -> [Entry] {
        var result: [Entry] = []
        for (index, rule) in program.rules.enumerated() {
            result.append(
                Entry(owner: ConditionOwner(kind: .rule, id: rule.id, location: rule.location), condition: rule.condition, value: analysis.rules[index]))
        }
        for (domainIndex, domain) in program.domains.enumerated() {
            for (index, floor) in domain.floors.enumerated() {
                let owner = ConditionOwner(kind: .floor(domain: domain.name), id: floor.id, location: floor.location)
                result.append(Entry(owner: owner, condition: floor.condition, value: analysis.floors[domainIndex][index]))
            }
        }
        for (index, escalation) in program.overall.escalations.enumerated() {
            let owner = ConditionOwner(kind: .escalation, id: escalation.id, location: escalation.location)
            result.append(Entry(owner: owner, condition: escalation.condition, value: analysis.escalations[index]))
        }
        for (index, model) in program.models.enumerated() {
            if let condition = model.condition, let value = analysis.models[index] {
                result.append(
                    Entry(owner: ConditionOwner(kind: .model(index: index), id: model.id, location: model.location), condition: condition, value: value))
            }
        }
        return result
    }
}
