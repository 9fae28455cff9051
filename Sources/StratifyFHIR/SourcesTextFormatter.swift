import StratifyBatch
import StratifyEngine
import StratifyIO

/// `explain --format text` on FHIR input: after each record's trace, where
/// each input came from: the resources that supplied its value, or, for a
/// missing input, what the mapping looked for ("PHQ-9 missing" means no
/// usable PHQ-9 total in the 365 days before the assessment).
package struct SourcesTextFormatter<Inner: RecordFormatter>: RecordFormatter {
    private var inner: Inner
    private let sources: [String: [InputSource]]

    package init(_ inner: Inner, sources: [String: [InputSource]]) {
        self.inner = inner
        self.sources = sources
    }

    package func header(into out: inout OutputBuffer) { inner.header(into: &out) }
    package func separator(into out: inout OutputBuffer) { inner.separator(into: &out) }
    package func footer(into out: inout OutputBuffer) { inner.footer(into: &out) }
    package func outputCapacity(forInputBytes count: Int) -> Int? { inner.outputCapacity(forInputBytes: count) }

    package mutating func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let before = out.count
        inner.write(evaluator, identifier: identifier, into: &out)
        // Nothing written: a record not selected by --patient.
        guard out.count > before, let list = sources[String(decoding: identifier, as: UTF8.self)] else { return }
        var text = "\nWhere the inputs came from (FHIR)\n"
        for source in list {
            if let value = source.value {
                let from = source.resources.isEmpty ? "by absence: nothing matched \(source.lookedFor)" : source.resources.joined(separator: ", ")
                text += "  \(source.input) \(value) ← \(from)\n"
            } else {
                text += "  \(source.input) missing: no value in \(source.lookedFor)\n"
            }
        }
        out.append(bytes: Array(text.utf8))
    }
}
