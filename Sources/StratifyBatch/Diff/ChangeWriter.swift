import StratifyIO
import StratifyRules

/// Where `diff --changes` writes the changed records.
public struct DiffChangesOutput: Sendable {
    public enum Format: Sendable {
        /// `record,<identifier>,old_tier,new_tier,old_model,new_model,rules_changed,rejected`
        case csv
        /// One object per line with the same keys; `rules_changed` an array of
        /// `{"id", "old", "new"}`.
        case ndjson
    }

    public var sink: ByteSink
    public var format: Format

    public init(sink: ByteSink, format: Format) {
        self.sink = sink
        self.format = format
    }

    /// The format a path's extension names: `.csv`, or `.ndjson`/`.jsonl`.
    public static func format(forPath path: String) -> Format? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }
}

/// Writes changed records in input order, numbered across the batch.
final class ChangeWriter {
    private let output: DiffChangesOutput
    private let mapping: DiffMapping
    private var buffer = OutputBuffer(capacity: 16 << 10)

    init(output: DiffChangesOutput, mapping: DiffMapping) {
        self.output = output
        self.mapping = mapping
    }

    func begin() throws(BatchError) {
        if output.format == .csv {
            let identifier = mapping.old.inputs[mapping.old.identifier].name
            buffer.append("record,")
            buffer.appendCSVField(identifier)
            buffer.append(",old_tier,new_tier,old_model,new_model,rules_changed,rejected\n")
        }
        try flush()
    }

    /// `firstRecord`: how many records came before the chunk.
    func write(_ changes: [ChangedRecord], firstRecord: Int) throws(BatchError) {
        for change in changes {
            let oldTier = change.oldTier.map { mapping.old.tiers.values[$0] } ?? "rejected"
            let newTier = change.newTier.map { mapping.new.tiers.values[$0] } ?? "rejected"
            let oldModel = change.oldModel.map { mapping.old.models[$0].id } ?? "rejected"
            let newModel = change.newModel.map { mapping.new.models[$0].id } ?? "rejected"
            let rules = change.rules.map { (id: mapping.rules[$0.rule].name, old: Self.outcome($0.old), new: Self.outcome($0.new)) }
            switch output.format {
            case .csv:
                buffer.append(decimal: firstRecord + change.record)
                buffer.append(UInt8(ascii: ","))
                change.identifier.withUnsafeBytes { buffer.appendCSVField($0) }
                for value in [oldTier, newTier, oldModel, newModel] {
                    buffer.append(UInt8(ascii: ","))
                    buffer.appendCSVField(value)
                }
                buffer.append(UInt8(ascii: ","))
                buffer.appendCSVField(rules.map { "\($0.id):\($0.old)>\($0.new)" }.joined(separator: ";"))
                buffer.append(UInt8(ascii: ","))
                buffer.appendCSVField(change.rejection.map { "\(change.oldTier == nil ? "old" : "new") rules: \($0)" } ?? "")
                buffer.append(10)
            case .ndjson:
                buffer.append("{\"record\":")
                buffer.append(decimal: firstRecord + change.record)
                buffer.append(UInt8(ascii: ","))
                buffer.appendJSONString(mapping.old.inputs[mapping.old.identifier].name)
                buffer.append(UInt8(ascii: ":"))
                change.identifier.withUnsafeBytes { buffer.appendJSONString($0) }
                for (key, value) in [("old_tier", oldTier), ("new_tier", newTier), ("old_model", oldModel), ("new_model", newModel)] {
                    buffer.append(",\"\(key)\":")
                    buffer.appendJSONString(value)
                }
                buffer.append(",\"rules_changed\":[")
                for (index, rule) in rules.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    buffer.append("{\"id\":")
                    buffer.appendJSONString(rule.id)
                    buffer.append(",\"old\":\"\(rule.old)\",\"new\":\"\(rule.new)\"}")
                }
                buffer.append("],\"rejected\":")
                if let rejection = change.rejection {
                    buffer.append("{\"by\":\"\(change.oldTier == nil ? "old" : "new")\",\"reason\":")
                    buffer.appendJSONString(rejection)
                    buffer.append(UInt8(ascii: "}"))
                } else {
                    buffer.append("null")
                }
                buffer.append("}\n")
            }
            if buffer.count >= 8 << 10 { try flush() }
        }
    }

    func end() throws(BatchError) {
        try flush()
    }

    private func flush() throws(BatchError) {
        guard !buffer.isEmpty else { return }
        do {
            try output.sink.write(buffer)
        } catch {
            throw error == .brokenPipe ? BatchError.brokenPipe : BatchError.io(error)
        }
        buffer.removeAll()
    }

    /// The name of a `SideRecords` outcome code.
    static func outcome(_ code: UInt8) -> String {
        switch code {
        case 0: "not_fired"
        case 1: "fired"
        case 2: "unknown"
        default: "absent"
        }
    }
}
