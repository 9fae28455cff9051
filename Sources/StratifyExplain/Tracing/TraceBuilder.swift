import StratifyCore
import StratifyEngine
import StratifyIO
import StratifyRules

/// Makes the `Trace` of a record from the registers of its evaluation:
/// it walks the program's typed trees and reads values, and never
/// evaluates anything itself (except the what-if runs of
/// `ModelSensitivity`, on a separate evaluator). One per thread.
public struct TraceBuilder {
    public let plan: TracePlan
    private var explainer: ConditionExplainer
    private var writer: ExplanationWriter
    private let sensitivity: ModelSensitivity?
    private var scratch = OutputBuffer(capacity: 1024)
    private var nodes: [Int] = []

    /// With `whatIf`, traces include the single-field changes that would
    /// change the model (one extra evaluation per value tried).
    public init(plan: TracePlan, whatIf: Bool) {
        self.plan = plan
        explainer = ConditionExplainer(plan: plan)
        writer = ExplanationWriter(plan: plan)
        sensitivity = whatIf ? ModelSensitivity(plan: plan) : nil
    }

    /// The trace of the record whose evaluation is in `evaluator`.
    public mutating func trace(_ evaluator: Evaluator, identifier: String) -> Trace {
        let program = plan.program
        let r = evaluator.registerValues
        let tiers = plan.tiers.names
        let reachable = ReachableTiers(plan: plan, registers: r)

        var inputs: [Trace.NamedValue] = []
        for (index, field) in program.inputs.enumerated() where index != program.identifier && field.type != .string {
            inputs.append(Trace.NamedValue(name: field.name, value: plan.inputKinds[index].value(r[index])))
        }
        var derived: [Trace.Derived] = []
        for (index, value) in program.derived.enumerated() {
            scratch.removeAll()
            writer.appendDerived(index, registers: r, into: &scratch)
            derived.append(
                Trace.Derived(
                    name: value.name, value: plan.derived[index].values[0].value(r[value.register]), steps: text(scratch)))
        }
        var rules: [Trace.Rule] = []
        for (index, rule) in program.rules.enumerated() {
            rules.append(
                Trace.Rule(
                    id: rule.id, domain: program.domains[rule.domain].name, points: rule.points,
                    flag: rule.flag.map { program.flags[$0].name }, because: rule.because,
                    condition: condition(plan.rules[index], text: rule.text, registers: r)))
        }
        var domains: [Trace.Domain] = []
        for (index, domain) in program.domains.enumerated() {
            let floors = domain.floors.enumerated().map { floorIndex, floor in
                Trace.Adjustment(
                    id: floor.id, atLeast: tiers[floor.atLeast], because: floor.because,
                    condition: condition(plan.floors[index][floorIndex], text: floor.text, registers: r))
            }
            domains.append(
                Trace.Domain(
                    name: domain.name, score: Int(r[domain.scoreRegister]), tier: tiers[Int(r[domain.tierRegister])], floors: floors,
                    scale: scale(
                        score: Int(r[domain.scoreRegister]), bands: domain.bands,
                        reachable: reachable.domains[index], exact: reachable.domainsExact[index])))
        }
        let overall = program.overall
        let escalations = overall.escalations.enumerated().map { index, escalation in
            Trace.Adjustment(
                id: escalation.id, atLeast: tiers[escalation.atLeast], because: escalation.because,
                condition: condition(plan.escalations[index], text: escalation.text, registers: r))
        }
        let chosen = evaluator.modelIndex
        let candidates = program.models.enumerated().map { index, model in
            Trace.ModelCandidate(
                id: model.id, contact: model.contact, reviewDays: model.reviewDays, because: model.because,
                condition: plan.models[index].map { condition($0, text: model.text ?? $0.texts[0], registers: r) },
                chosen: index == chosen)
        }
        let changes = sensitivity.map { sensitivity in
            sensitivity.changes(from: evaluator).map { change in
                Trace.ModelChange(
                    field: program.inputs[change.input].name, from: plan.inputKinds[change.input].value(change.from),
                    to: plan.inputKinds[change.input].value(change.to), model: program.models[change.model].id)
            }
        }
        var reviewBy: String?
        if let review = program.review, !r[review.register].isNaN {
            reviewBy = ISODate.format(daysSince1970: Int(r[review.register]))
        }
        let total = Int(r[overall.totalRegister])
        return Trace(
            identifierName: program.inputs[program.identifier].name, identifier: identifier, inputs: inputs,
            missing: program.missingOrder.filter { r[$0].isNaN }.map { program.inputs[$0].name },
            inputsTotal: program.missingOrder.count,
            derived: derived, rules: rules,
            flags: program.flags.filter { r[$0.register] == 1 }.map(\.name),
            domains: domains, totalScore: total,
            overall: scale(score: total, bands: overall.bands, reachable: reachable.overall, exact: reachable.exact),
            tier: tiers[Int(r[overall.tierRegister])], escalations: escalations, model: program.models[chosen].id,
            modelCandidates: candidates, modelChanges: changes, reviewBy: reviewBy)
    }

    private func scale(score: Int, bands: TierBands, reachable: Int, exact: Bool) -> Trace.Scale {
        let tiers = plan.tiers.names
        let distance = BandDistance(score: score, bands: bands)
        return Trace.Scale(
            score: score, band: Trace.Band(tier: tiers[distance.tier], lower: distance.lower, upper: distance.upper),
            up: distance.up.map { Trace.Step(tier: tiers[$0.tier], points: $0.points) },
            down: distance.down.map { Trace.Step(tier: tiers[$0.tier], points: $0.points) },
            reachable: tiers[reachable], exact: exact)
    }

    private mutating func condition(_ expr: ExprPlan, text: String, registers r: UnsafeBufferPointer<Double>) -> Trace.Condition {
        let outcome = Outcome(r[expr.rootRegister])
        let checks = expr.checks.map { index in check(expr, index, registers: r) }
        var failed: [Trace.Part] = []
        var held: [Trace.Part] = []
        var missing: [String] = []
        nodes.removeAll(keepingCapacity: true)
        switch outcome {
        case .notFired:
            ConditionExplainer.failed(expr, tape: plan.tape, registers: r, into: &nodes)
            failed = nodes.map { part(expr, $0, registers: r) }
        case .fired:
            ConditionExplainer.held(expr, tape: plan.tape, registers: r, into: &nodes)
            held = nodes.map { part(expr, $0, registers: r) }
        case .unknown:
            explainer.missing(expr, registers: r, into: &nodes)
            missing = nodes.map { plan.program.inputs[$0].name }
        }
        let values = expr.shownValues.map { index in
            Trace.NamedValue(name: expr.texts[index], value: expr.values[index].value(r[expr.nodes[index].register]))
        }
        return Trace.Condition(
            text: ExprPlan.oneLine(text), outcome: outcome, values: values, checks: checks, failed: failed, held: held, missing: missing)
    }

    private mutating func part(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>) -> Trace.Part {
        scratch.removeAll()
        writer.appendCheck(expr, index, registers: r, into: &scratch)
        return Trace.Part(expr: expr.texts[index], sentence: text(scratch))
    }

    private mutating func check(_ expr: ExprPlan, _ index: Int, registers r: UnsafeBufferPointer<Double>) -> Trace.Check {
        let node = expr.nodes[index]
        scratch.removeAll()
        writer.appendCheck(expr, index, registers: r, into: &scratch)
        var check = Trace.Check(expr: expr.texts[index], holds: Outcome(r[node.register]), sentence: text(scratch))
        if case .compare(let op) = node.kind {
            let (left, right) = (expr.child(index, 0), expr.child(index, 1))
            check.op = op.rawValue
            check.left = expr.values[left].value(r[expr.nodes[left].register])
            check.right = expr.values[right].value(r[expr.nodes[right].register])
        } else {
            let tested = node.childCount == 0 ? index : expr.child(index, 0)
            check.value = expr.values[tested].value(r[expr.nodes[tested].register])
        }
        return check
    }

    private func text(_ buffer: OutputBuffer) -> String {
        String(decoding: buffer.bytes, as: UTF8.self)
    }
}

extension Trace.Check {
    init(expr: String, holds: Outcome, sentence: String) {
        self.init(expr: expr, op: nil, left: nil, right: nil, value: nil, holds: holds, sentence: sentence)
    }
}
