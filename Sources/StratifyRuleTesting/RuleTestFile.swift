import StratifyCore
import StratifyEngine
import StratifyRules
import StratifyYAML

/// A rule test file (`*.test.yaml`), decoded and checked against the rule
/// file it tests: every name resolved, every value decoded, so that running
/// it can only pass or fail, never go wrong.
package struct RuleTestFile: Sendable {
    package let source: SourceFile
    /// The rule file, as the test file names it relative to itself, normalised.
    package let rulesPath: String
    package let program: Program
    package let description: String?
    package let cases: [RuleTestCase]
}

/// One case: a patient and what the rules must make of it.
package struct RuleTestCase: Sendable {
    package let name: String
    /// Where the case starts in the test file.
    package let location: SourceLocation
    /// One value per input register, decoded by the real `InputDecoder`;
    /// NaN for a missing value.
    package let inputs: [Double]
    package let expectations: [RuleExpectation]
}

/// One expected result of a case, with where it is written.
package struct RuleExpectation: Sendable {
    package enum Kind: Sendable {
        /// `<domain>_score`: domain index, score.
        case domainScore(Int, Int)
        /// `<domain>_tier`: domain index, tier index (after floors).
        case domainTier(Int, Int)
        case totalScore(Int)
        /// The final tier, after escalations.
        case tier(Int)
        case model(Int)
        /// Exactly these flags are set (flag indexes).
        case flags([Int])
        /// Exactly these inputs are missing (input indexes).
        case missing([Int])
        /// The review date in days since 1970-01-01; nil: no date.
        case reviewBy(Int?)
        /// A condition's outcome: a rule, floor, escalation or model.
        case outcome(ConditionReference, Outcome)
        /// A derived value (NaN: unknown).
        case derived(Int, Double)
    }

    package let kind: Kind
    /// The key or list item the expectation is written at.
    package let location: SourceLocation
    /// How wide a caret under it should be.
    package let length: Int
}

/// A condition of a rule file that a test can name by its id.
package enum ConditionReference: Sendable, Hashable {
    case rule(Int)
    case floor(domain: Int, index: Int)
    case escalation(Int)
    case model(Int)

    /// The condition's id as written in the rule file.
    package func id(in program: Program) -> String {
        switch self {
        case .rule(let index): program.rules[index].id
        case .floor(let domain, let index): program.domains[domain].floors[index].id
        case .escalation(let index): program.overall.escalations[index].id
        case .model(let index): program.models[index].id
        }
    }

    /// The compiled condition; nil for a model that always holds.
    package func condition(in program: Program) -> TypedExpr? {
        switch self {
        case .rule(let index): program.rules[index].condition
        case .floor(let domain, let index): program.domains[domain].floors[index].condition
        case .escalation(let index): program.overall.escalations[index].condition
        case .model(let index): program.models[index].condition
        }
    }

    /// The condition's outcome in an evaluated record; a model without a
    /// condition always holds.
    package func outcome(in evaluator: Evaluator) -> Outcome {
        guard let condition = condition(in: evaluator.program) else { return .fired }
        return Outcome(evaluator.registerValues[condition.register])
    }

    /// Every condition of a program, by id.
    static func all(in program: Program) -> [String: ConditionReference] {
        var all: [String: ConditionReference] = [:]
        for index in program.rules.indices { all[program.rules[index].id] = .rule(index) }
        for (domain, item) in program.domains.enumerated() {
            for index in item.floors.indices { all[item.floors[index].id] = .floor(domain: domain, index: index) }
        }
        for index in program.overall.escalations.indices { all[program.overall.escalations[index].id] = .escalation(index) }
        for index in program.models.indices { all[program.models[index].id] = .model(index) }
        return all
    }
}
