import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// `explain` (the text form): a `Trace` per record, rendered for a person
/// reading a terminal (`TraceTextRenderer`). Slower than the JSON form, by
/// design: it is for a few patients at a time.
public struct TraceTextFormatter: RecordFormatter {
    private let selection: PatientSelection?
    private var builder: TraceBuilder
    private let renderer: TraceTextRenderer

    /// `whatIf`: include the single-field changes that would change the
    /// model. `ruleSetDigest`: the rule file's SHA-256, for the header
    /// (computed once by the caller, not by each thread's formatter).
    public init(
        plan: TracePlan, selection: PatientSelection? = nil, whatIf: Bool = true, color: Bool = false, width: Int = 100,
        ruleSetDigest: String? = nil
    ) {
        self.selection = selection
        builder = TraceBuilder(plan: plan, whatIf: whatIf)
        renderer = TraceTextRenderer(ruleSetName: plan.program.name, ruleSetDigest: ruleSetDigest, color: color, width: width)
    }

    public mutating func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if let selection, !selection.selects(identifier) { return }
        let trace = builder.trace(e, identifier: String(decoding: identifier, as: UTF8.self))
        out.append(renderer.render(trace))
    }
}
