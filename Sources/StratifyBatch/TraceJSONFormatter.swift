import StratifyEngine
import StratifyIO
import StratifyRules

/// `explain --format json`: one JSON object per record and line (NDJSON),
/// the trace of `docs/explain.md`.
///
/// Written straight from the registers with byte fragments prepared once
/// (`TraceJSONBytes`: keys, ids, `because` sentences, conditions, escaped
/// at start), so that a whole batch can be explained at a good share of
/// `score`'s speed. The decisions (which parts failed, which inputs are
/// missing, how derived values were computed, band distances, the
/// reachable tier, the model changes) come from the same engine code as
/// the `Trace` of the text form.
public struct TraceJSONFormatter: RecordFormatter {
    private let plan: TracePlan
    private let bytes: TraceJSONBytes
    private let selection: PatientSelection?
    private let sensitivity: ModelSensitivity?
    private var explainer: ConditionExplainer
    private var sentences: ExplanationWriter
    private var nodes: [Int] = []

    /// `selection`: write only these records. `whatIf`: add the single-field
    /// changes that would change the model (about 150 extra evaluations per
    /// record).
    public init(plan: TracePlan, selection: PatientSelection? = nil, whatIf: Bool = false) {
        self.plan = plan
        self.bytes = TraceJSONBytes(plan: plan)
        self.selection = selection
        self.sensitivity = whatIf ? ModelSensitivity(plan: plan) : nil
        explainer = ConditionExplainer(plan: plan)
        sentences = ExplanationWriter(plan: plan, json: true)
        nodes.reserveCapacity(64)
    }

    /// A trace is about 150 times the size of its intake record.
    public func outputCapacity(forInputBytes count: Int) -> Int? {
        selection == nil ? count * 160 + 4096 : nil
    }

    /// Intake chunks small enough that a chunk's traces stay a few MiB.
    public static let chunkOptions = ChunkerOptions(targetChunkBytes: 48 << 10, readBlockBytes: 48 << 10)

    public mutating func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if let selection, !selection.selects(identifier) { return }
        out.reserve(bytes.typicalSize)
        let buffer = out
        bytes.arena.withUnsafeBytes { arena in
            bytes.plans.withUnsafeBufferPointer { plans in
                var writer = RecordWriter(
                    out: buffer, arena: arena, plans: plans, registers: e.registers, bytes: bytes,
                    explainer: explainer, sentences: sentences, nodes: nodes)
                writer.write(e, identifier: identifier, plan: plan, sensitivity: sensitivity)
                nodes = writer.nodes
                explainer = writer.explainer
                sentences = writer.sentences
            }
        }
    }
}

/// Writes one record's trace: a plain struct over local references and
/// unsafe buffers, so that the many small appends cost no reference counting.
private struct RecordWriter {
    let out: OutputBuffer
    let arena: UnsafeRawBufferPointer
    let plans: UnsafeBufferPointer<ExprPlan>
    let r: UnsafeMutableBufferPointer<Double>
    let b: TraceJSONBytes
    var explainer: ConditionExplainer
    var sentences: ExplanationWriter
    var nodes: [Int]
    let names: [TraceJSONBytes.Fragment]
    let conditions: [TraceJSONBytes.Condition]
    let checks: [TraceJSONBytes.Check]
    let parts: [TraceJSONBytes.Part]
    let inputNames: [TraceJSONBytes.Fragment]
    let tiers: TraceJSONBytes.Value

    init(out: OutputBuffer, arena: UnsafeRawBufferPointer, plans: UnsafeBufferPointer<ExprPlan>, registers: UnsafeMutableBufferPointer<Double>,
         bytes: TraceJSONBytes, explainer: ConditionExplainer, sentences: ExplanationWriter, nodes: [Int]) {
        self.out = out
        self.arena = arena
        self.plans = plans
        self.r = registers
        self.b = bytes
        self.explainer = explainer
        self.sentences = sentences
        self.nodes = nodes
        names = bytes.names
        conditions = bytes.conditions
        checks = bytes.checks
        parts = bytes.parts
        inputNames = bytes.inputNames
        tiers = bytes.tiers
    }

    @inline(__always) func put(_ fragment: TraceJSONBytes.Fragment) {
        out.append(bytes: UnsafeRawBufferPointer(rebasing: arena[fragment.start..<(fragment.start + fragment.count)]))
    }

    @inline(__always) func value(_ raw: Double, _ kind: TraceJSONBytes.Value) {
        if raw.isNaN {
            out.appendStatic("null")
            return
        }
        switch kind {
        case .integer: integer(Int(raw))
        case .number:
            var buffer = out
            ValueKind.appendNumber(raw, into: &buffer)
        case .boolean: raw == 1 ? out.appendStatic("true") : out.appendStatic("false")
        case .date:
            out.append(UInt8(ascii: "\""))
            out.appendDate(daysSince1970: Int(raw))
            out.append(UInt8(ascii: "\""))
        case .null: out.appendStatic("null")
        case .names(let base, let count):
            let index = Int(raw)
            if index >= 0 && index < count { put(names[base + index]) } else { out.append(decimal: index) }
        }
    }

    /// Most values are small: one or two digits without a call.
    @inline(__always) func integer(_ value: Int) {
        if value >= 0 && value < 10 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
        } else if value >= 10 && value < 100 {
            out.append(UInt8(truncatingIfNeeded: value / 10) &+ 0x30)
            out.append(UInt8(truncatingIfNeeded: value % 10) &+ 0x30)
        } else {
            out.append(decimal: value)
        }
    }

    @inline(__always) func comma(_ position: Int) {
        if position > 0 { out.append(UInt8(ascii: ",")) }
    }

    /// An object with a condition, from its head to its end: the checks'
    /// values, the outcome, the parts that failed and the missing inputs.
    mutating func item(_ item: TraceJSONBytes.Item, position: Int) {
        put(position == 0 ? item.head : item.laterHead)
        guard item.condition >= 0 else { return }
        let condition = conditions[item.condition]
        for k in condition.checks {
            let check = checks[k]
            value(r[check.left], check.leftValue)
            if check.middle.count > 0 {
                put(check.middle)
                value(r[check.right], check.rightValue)
            }
            put(check.tail.pick(r[check.register]))
        }
        let outcome = r[condition.rootRegister]
        put(condition.outcome.pick(outcome))
        if outcome == 0 {
            // What `ConditionExplainer.failed` finds, without walking the plan
            // for the usual shapes.
            switch condition.shape {
            case .single(let text):
                put(text)
            case .flat(let isAnd, let range):
                var count = 0
                for k in range where !isAnd || r[parts[k].register] == 0 {
                    comma(count)
                    put(parts[k].text)
                    count += 1
                }
            case .nested:
                nodes.removeAll(keepingCapacity: true)
                let plan = plans[condition.plan]
                ConditionExplainer.failed(plan, registers: r, into: &nodes)
                for (position, node) in nodes.enumerated() {
                    comma(position)
                    out.append(UInt8(ascii: "\""))
                    plan.jsonTexts[node].withUnsafeBytes { out.append(bytes: $0) }
                    out.append(UInt8(ascii: "\""))
                }
            }
        }
        if outcome.isNaN {
            out.appendStatic("],\"missing\":[")
            nodes.removeAll(keepingCapacity: true)
            explainer.missing(plans[condition.plan], registers: r, into: &nodes)
            for (position, input) in nodes.enumerated() {
                comma(position)
                put(inputNames[input])
            }
            put(condition.closeUnknown)
        } else {
            put(condition.close.pick(outcome))
        }
    }

    /// `,"band":{…},"next_up":…,"next_down":…,"highest_tier":{…}`.
    func scale(score: Int, bands: TierBands, reachable: Int, exact: Bool) {
        let distance = BandDistance(score: score, bands: bands)
        out.appendStatic(",\"band\":{\"tier\":")
        value(Double(distance.tier), tiers)
        out.appendStatic(",\"from\":")
        out.append(decimal: distance.lower)
        out.appendStatic(",\"to\":")
        if let upper = distance.upper { out.append(decimal: upper) } else { out.appendStatic("null") }
        out.append(UInt8(ascii: "}"))
        step(",\"next_up\":", distance.up)
        step(",\"next_down\":", distance.down)
        out.appendStatic(",\"highest_tier\":{\"tier\":")
        value(Double(reachable), tiers)
        out.appendStatic(exact ? ",\"exact\":true}" : ",\"exact\":false}")
    }

    private func step(_ key: StaticString, _ step: BandDistance.Step?) {
        out.append(key)
        guard let step else {
            out.appendStatic("null")
            return
        }
        out.appendStatic("{\"tier\":")
        value(Double(step.tier), tiers)
        out.appendStatic(",\"points\":")
        out.append(decimal: step.points)
        out.append(UInt8(ascii: "}"))
    }

    mutating func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, plan: TracePlan, sensitivity: ModelSensitivity?) {
        var out = self.out
        put(b.identifierKey)
        out.appendJSONString(identifier)
        out.appendStatic(",\"inputs\":{")
        for input in b.inputs {
            put(input.key)
            value(r[input.register], input.value)
        }
        out.appendStatic("},\"missing\":[")
        var count = 0
        for input in b.missingOrder where r[input].isNaN {
            comma(count)
            put(inputNames[input])
            count += 1
        }
        out.appendStatic("],\"derived\":{")
        for derived in b.derived {
            put(derived.key)
            value(r[derived.register], derived.value)
        }
        out.appendStatic("},\"derived_steps\":{")
        plan.derived.withUnsafeBufferPointer { derivedPlans in
            for (position, derived) in b.derived.enumerated() {
                put(derived.key)
                out.append(UInt8(ascii: "\""))
                sentences.appendDerived(derivedPlans[position], registers: r, into: &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        out.appendStatic("},\"rules\":[")
        for (position, rule) in b.rules.enumerated() {
            item(rule, position: position)
        }
        out.appendStatic("],\"flags\":[")
        count = 0
        for flag in b.flags where r[flag.register] == 1 {
            comma(count)
            put(flag.name)
            count += 1
        }

        let reachable = ReachableTiers(plan: plan, registers: r)
        let floors = b.floors
        out.appendStatic("],\"domains\":{")
        for (position, domain) in b.domains.enumerated() {
            put(domain.key)
            let score = Int(r[domain.scoreRegister])
            integer(score)
            out.appendStatic(",\"tier\":")
            value(r[domain.tierRegister], tiers)
            scale(score: score, bands: domain.bands, reachable: reachable.domains[position], exact: reachable.domainsExact[position])
            out.appendStatic(",\"floors\":[")
            for k in domain.floors {
                item(floors[k], position: k - domain.floors.lowerBound)
            }
            out.appendStatic("]}")
        }
        let total = Int(r[b.totalRegister])
        out.appendStatic("},\"total_score\":")
        out.append(decimal: total)
        out.appendStatic(",\"tier\":")
        value(r[b.tierRegister], tiers)
        out.appendStatic(",\"overall\":{\"score\":")
        out.append(decimal: total)
        scale(score: total, bands: b.overallBands, reachable: reachable.overall, exact: reachable.exact)
        out.appendStatic("},\"escalations\":[")
        for (position, escalation) in b.escalations.enumerated() {
            item(escalation, position: position)
        }

        let chosen = e.modelIndex
        out.appendStatic("],\"model\":")
        put(b.modelNames[chosen])
        out.appendStatic(",\"model_candidates\":[")
        for (position, model) in b.models.enumerated() {
            item(model, position: position)
            out.appendStatic(position == chosen ? "true}" : "false}")
        }
        out.appendStatic("],\"model_changes\":")
        if let sensitivity {
            out.append(UInt8(ascii: "["))
            for (position, change) in sensitivity.changes(from: e).enumerated() {
                comma(position)
                out.appendStatic("{\"field\":")
                put(inputNames[change.input])
                out.appendStatic(",\"from\":")
                plan.inputKinds[change.input].appendJSON(change.from, into: &out)
                out.appendStatic(",\"to\":")
                plan.inputKinds[change.input].appendJSON(change.to, into: &out)
                out.appendStatic(",\"model\":")
                put(b.modelNames[change.model])
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        } else {
            out.appendStatic("null")
        }
        out.appendStatic(",\"review_by\":")
        if b.reviewRegister >= 0, !r[b.reviewRegister].isNaN {
            out.append(UInt8(ascii: "\""))
            out.appendDate(daysSince1970: Int(r[b.reviewRegister]))
            out.append(UInt8(ascii: "\""))
        } else {
            out.appendStatic("null")
        }
        out.appendStatic("}\n")
    }
}
