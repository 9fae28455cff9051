import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// `explain --format json`: one JSON object per record and line (NDJSON),
/// the trace of `docs/explain.md` and `docs/trace.schema.json`.
///
/// Written straight from the registers of the one evaluation: the fixed
/// text comes from a `TraceJSONLayout` made once per program, and the
/// decisions (which parts failed, which inputs are missing, the reachable
/// tier, the model changes) from the same engine code as the `Trace` of
/// the text form (`ConditionExplainer`, `ReachableTiers`,
/// `ModelSensitivity`). A record costs a few hundred short copies and
/// number conversions, and no allocation.
public struct TraceJSONFormatter: RecordFormatter {
    /// Everything in one object, so that handing the formatter around (the
    /// pipeline copies it) costs one reference count.
    private let state: State

    /// `selection`: write only these records. `whatIf`: add the single-field
    /// changes that would change the model (about 150 extra evaluations per
    /// record). `layout`: one made for `plan` and shared by the threads.
    public init(plan: TracePlan, layout: TraceJSONLayout? = nil, selection: PatientSelection? = nil, whatIf: Bool = false) {
        state = State(layout: layout ?? TraceJSONLayout(plan: plan), selection: selection, whatIf: whatIf)
    }

    /// A whole batch writes into the formatter's own recycled buffers (see
    /// `write`): the chunk's own buffer is only a placeholder.
    public func outputCapacity(forInputBytes count: Int) -> Int? {
        state.selection == nil ? 64 : nil
    }

    /// Small intake chunks (and reads, which set the chunks' size), so that
    /// a chunk's traces stay within about 1 MB and a run's buffers (four
    /// chunks in flight with `--jobs 2`, and the one being written) within
    /// about 10 MB.
    public static let chunkOptions = ChunkerOptions(targetChunkBytes: 8 << 10, readBlockBytes: 8 << 10)

    /// Traces run at about a hundred times the intake's size; room for
    /// twice the target chunk (a chunk ends at a record's end), so that the
    /// buffers rarely grow.
    static let bufferCapacity = (16 << 10) * 128

    /// Writes the record's trace. For a whole batch, the first record of a
    /// chunk swaps the chunk's (placeholder) buffer for a recycled one of
    /// the run's (`TraceJSONBuffers`), so that a run allocates a handful of
    /// multi-MB buffers instead of one per chunk: fresh ones cost a page
    /// fault per 4 KiB and, freed on another thread, leave the allocator
    /// holding tens of MB (measured: 1.1 million faults and 83-90 MB peak
    /// RSS for a million records with `--jobs 2`; recycled: 13 thousand
    /// faults, 48 MB).
    public func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if state.selection == nil { state.recycle(&out) }
        state.write(e, identifier: identifier, into: out)
    }

    private final class State {
        let plan: TracePlan
        let layout: TraceJSONLayout
        let selection: PatientSelection?
        let sensitivity: ModelSensitivity?
        let explainer: ConditionExplainer
        let reach: ReachableTiers.Scratch
        /// The buffer of the chunk being written.
        private var current: ObjectIdentifier?

        init(layout: TraceJSONLayout, selection: PatientSelection?, whatIf: Bool) {
            plan = layout.plan
            self.layout = layout
            self.selection = selection
            sensitivity = whatIf ? ModelSensitivity(plan: plan) : nil
            explainer = ConditionExplainer(plan: plan)
            reach = ReachableTiers.Scratch(plan: plan)
        }

        /// Replaces a chunk's placeholder buffer with a free recycled one.
        func recycle(_ out: inout OutputBuffer) {
            guard ObjectIdentifier(out) != current, out.isEmpty else { return }
            out = layout.buffers.take(capacity: TraceJSONFormatter.bufferCapacity + layout.recordBound)
            current = ObjectIdentifier(out)
        }

        func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: OutputBuffer) {
            if let selection, !selection.selects(identifier) { return }
            let tape = plan.tape
            let registers = e.registerValues.baseAddress!
            let (overall, exact) = ReachableTiers.compute(plan.reachLayout, tape: tape, registers: registers, scratch: reach)
            let record = TraceJSONRecord(
                out: out, layout: layout, tape: tape, registers: registers, marks: explainer.markBuffer,
                reachable: reach.domainTiers, reachableExact: reach.domainsExact)
            record.write(identifier: identifier, modelIndex: e.modelIndex, overall: overall, exact: exact, whatIf: sensitivity != nil)
            if let sensitivity {
                writeChanges(sensitivity.changes(from: e), into: out)
            }
        }

        /// The `model_changes` list and the end of the record (with `--what-if`).
        private func writeChanges(_ changes: [ModelSensitivity.Change], into out: OutputBuffer) {
            let program = plan.program
            var out = out
            for (position, change) in changes.enumerated() {
                out.appendStatic(position == 0 ? "{\"field\":" : ",{\"field\":")
                out.appendJSONString(program.inputs[change.input].name)
                out.appendStatic(",\"from\":")
                plan.inputKinds[change.input].appendJSON(change.from, into: &out)
                out.appendStatic(",\"to\":")
                plan.inputKinds[change.input].appendJSON(change.to, into: &out)
                out.appendStatic(",\"model\":")
                out.appendJSONString(program.models[change.model].id)
                out.append(UInt8(ascii: "}"))
            }
            out.appendStatic("]}\n")
        }
    }
}
