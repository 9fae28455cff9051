import StratifyCore
import StratifyEngine
import StratifyRules

/// What a set of evaluations exercised of a program: an observer that reads
/// the registers after each `evaluate()`, like a tracer, and never changes
/// the evaluation.
///
/// An item is exercised when some evaluation:
/// - **rule**: made it fire (one item) and made it not fire, its condition
///   false (a second item);
/// - **floor, escalation**: made its condition hold;
/// - **model**: chose it;
/// - **band boundary**: reached the score on each side of it, the top of
///   the lower band and the bottom of the upper one (two items per
///   boundary, for every domain and for the total).
package struct RuleCoverage: Sendable {
    package let program: Program
    private var ruleFired: [Bool]
    private var ruleNotFired: [Bool]
    private var floorHeld: [[Bool]]
    private var escalationHeld: [Bool]
    private var modelChosen: [Bool]
    /// Per scale (the domains in order, then the total): per band after the
    /// first, whether the score just below its lower bound, and exactly its
    /// lower bound, were reached.
    private var belowEdge: [[Bool]]
    private var atEdge: [[Bool]]
    private let scales: [(name: String, bands: TierBands, register: Int)]

    package init(program: Program) {
        self.program = program
        ruleFired = Array(repeating: false, count: program.rules.count)
        ruleNotFired = ruleFired
        floorHeld = program.domains.map { Array(repeating: false, count: $0.floors.count) }
        escalationHeld = Array(repeating: false, count: program.overall.escalations.count)
        modelChosen = Array(repeating: false, count: program.models.count)
        scales =
            program.domains.map { ($0.name, $0.bands, $0.scoreRegister) }
            + [("total_score", program.overall.bands, program.overall.totalRegister)]
        belowEdge = scales.map { Array(repeating: false, count: max(0, $0.bands.bands.count - 1)) }
        atEdge = belowEdge
    }

    /// Records what the evaluation now in `evaluator`'s registers exercised.
    package mutating func record(_ evaluator: Evaluator) {
        let r = evaluator.registerValues
        for (index, rule) in program.rules.enumerated() {
            let value = r[rule.condition.register]
            if value == 1 { ruleFired[index] = true }
            if value == 0 { ruleNotFired[index] = true }
        }
        for (domain, item) in program.domains.enumerated() {
            for (index, floor) in item.floors.enumerated() where r[floor.condition.register] == 1 {
                floorHeld[domain][index] = true
            }
        }
        for (index, escalation) in program.overall.escalations.enumerated() where r[escalation.condition.register] == 1 {
            escalationHeld[index] = true
        }
        modelChosen[evaluator.modelIndex] = true
        for (scale, item) in scales.enumerated() {
            let score = r[item.register]
            guard !score.isNaN else { continue }
            for (edge, band) in item.bands.bands.dropFirst().enumerated() {
                if Int(score) == band.lower - 1 { belowEdge[scale][edge] = true }
                if Int(score) == band.lower { atEdge[scale][edge] = true }
            }
        }
    }

    /// Adds what another run over the same program exercised.
    package mutating func merge(_ other: RuleCoverage) {
        func or(_ a: inout [Bool], _ b: [Bool]) { for i in a.indices where b[i] { a[i] = true } }
        or(&ruleFired, other.ruleFired)
        or(&ruleNotFired, other.ruleNotFired)
        for i in floorHeld.indices { or(&floorHeld[i], other.floorHeld[i]) }
        or(&escalationHeld, other.escalationHeld)
        or(&modelChosen, other.modelChosen)
        for i in belowEdge.indices {
            or(&belowEdge[i], other.belowEdge[i])
            or(&atEdge[i], other.atEdge[i])
        }
    }

    // MARK: - Report

    /// Every item, in file order within each kind.
    package var items: [RuleCoverageItem] {
        var items: [RuleCoverageItem] = []
        for (index, rule) in program.rules.enumerated() {
            items.append(
                .init(
                    kind: .ruleFired, id: rule.id, location: rule.location, exercised: ruleFired[index],
                    gap: "rule \(rule.id): no case makes it fire"))
            items.append(
                .init(
                    kind: .ruleNotFired, id: rule.id, location: rule.location, exercised: ruleNotFired[index],
                    gap: "rule \(rule.id): no case makes it not fire (its condition false)"))
        }
        for (domain, item) in program.domains.enumerated() {
            for (index, floor) in item.floors.enumerated() {
                items.append(
                    .init(
                        kind: .floor, id: floor.id, location: floor.location, exercised: floorHeld[domain][index],
                        gap: "floor \(floor.id): its condition holds in no case"))
            }
        }
        for (index, escalation) in program.overall.escalations.enumerated() {
            items.append(
                .init(
                    kind: .escalation, id: escalation.id, location: escalation.location, exercised: escalationHeld[index],
                    gap: "escalation \(escalation.id): its condition holds in no case"))
        }
        for (index, model) in program.models.enumerated() {
            items.append(
                .init(
                    kind: .model, id: model.id, location: model.location, exercised: modelChosen[index],
                    gap: "model \(model.id): no case chooses it"))
        }
        let tiers = program.tiers.values
        for (scale, item) in scales.enumerated() {
            let bands = item.bands.bands
            for edge in bands.indices.dropFirst() {
                let lower = bands[edge - 1]
                let upper = bands[edge]
                let what = scale < program.domains.count ? "\(item.name) score" : item.name
                items.append(
                    .init(
                        kind: .bandEdge, id: "\(item.name) \(tiers[lower.tier])|\(tiers[upper.tier])", location: nil,
                        exercised: belowEdge[scale][edge - 1],
                        gap: "\(item.name) bands: no case has \(what) \(upper.lower - 1), the top of \(tiers[lower.tier]) (\(Self.text(lower)))"))
                items.append(
                    .init(
                        kind: .bandEdge, id: "\(item.name) \(tiers[lower.tier])|\(tiers[upper.tier])", location: nil,
                        exercised: atEdge[scale][edge - 1],
                        gap: "\(item.name) bands: no case has \(what) \(upper.lower), the bottom of \(tiers[upper.tier]) (\(Self.text(upper)))"))
            }
        }
        return items
    }

    package var exercised: Int { items.count { $0.exercised } }
    package var total: Int { items.count }

    /// Exercised items as a percentage of all (100 when there are none).
    package var percent: Double {
        let items = items
        guard !items.isEmpty else { return 100 }
        return Double(items.count { $0.exercised }) * 100 / Double(items.count)
    }

    private static func text(_ band: TierBands.Band) -> String {
        band.upper.map { "\(band.lower)..\($0)" } ?? "\(band.lower).."
    }
}

/// One thing a test suite should exercise.
package struct RuleCoverageItem: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case ruleFired = "rules fired"
        case ruleNotFired = "rules not fired"
        case floor = "floors applied"
        case escalation = "escalations applied"
        case model = "models chosen"
        case bandEdge = "band boundary sides reached"
    }

    package let kind: Kind
    package let id: String
    /// Where the rule, floor, escalation or model is written; nil for a band edge.
    package let location: SourceLocation?
    package let exercised: Bool
    /// What is missing, when it is not exercised.
    package let gap: String
}
