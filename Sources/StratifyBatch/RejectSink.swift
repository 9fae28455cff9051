import StratifyIO

/// Where rejected records are reported: standard error as text, or an
/// `--errors` file as CSV (`record,<identifier>,field,message`) or NDJSON
/// (the same keys). Only the record number, identifier, field and the
/// offending value (inside the message) are ever written: no other patient data.
public final class RejectSink {
    public enum Format: Sendable {
        /// `file:line: record N (ID): field: message`, for people.
        case text
        case csv
        case ndjson
    }

    private let sink: ByteSink
    private let format: Format
    private let identifierName: String
    private var buffer = OutputBuffer(capacity: 16 << 10)
    private var wroteHeader = false
    public private(set) var count = 0
    /// Where warnings (a repeated identifier) go when rejected records are
    /// written as CSV or NDJSON, whose files hold only rejected records; nil
    /// drops them (the summary still counts them). As text, warnings go in
    /// line with the rejected records.
    public var warningSink: ByteSink?
    /// Called before text goes to the sink or a warning to `warningSink`
    /// (the ones that can be a terminal), so that a progress line on the
    /// same terminal can step aside first.
    public var willWrite: (() -> Void)?
    /// As text, at most this many rejected records are listed (each with all
    /// its lines); the rest are counted by field and message, and `finish()`
    /// writes the summary. nil lists every one.
    public var listLimit: Int?
    /// Rejected records seen (a record with several bad fields is one).
    private var records = 0
    private var lastRecord = 0
    private var kinds = RejectKinds()

    public init(sink: ByteSink, format: Format, identifierName: String) {
        self.sink = sink
        self.format = format
        self.identifierName = identifierName
    }

    /// The format an `--errors` path's extension names.
    public static func format(forPath path: String) -> Format? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }

    public func write(_ rejected: RejectedRecord) throws(BatchError) {
        count += 1
        switch format {
        case .text:
            if let listLimit {
                if rejected.record != lastRecord {
                    lastRecord = rejected.record
                    records += 1
                }
                kinds.add(field: rejected.field, message: rejected.message)
                if records > listLimit { return }
            }
            let id = rejected.identifier.isEmpty ? "" : " (\(identifierName) \(DisplayText.escaped(rejected.identifier)))"
            let field = rejected.field.isEmpty ? "" : "\(rejected.field): "
            buffer.append("\(rejected.file):\(rejected.line): record \(rejected.record)\(id): \(field)\(rejected.message)\n")
        case .csv:
            if !wroteHeader {
                buffer.append("record,\(identifierName),field,message\n")
                wroteHeader = true
            }
            buffer.append(decimal: rejected.record)
            buffer.append(UInt8(ascii: ","))
            buffer.appendCSVField(rejected.identifier)
            buffer.append(UInt8(ascii: ","))
            buffer.appendCSVField(rejected.field)
            buffer.append(UInt8(ascii: ","))
            buffer.appendCSVField(rejected.message)
            buffer.append(10)
        case .ndjson:
            buffer.append("{\"record\":")
            buffer.append(decimal: rejected.record)
            buffer.append(",")
            buffer.appendJSONString(identifierName)
            buffer.append(":")
            buffer.appendJSONString(rejected.identifier)
            buffer.append(",\"field\":")
            buffer.appendJSONString(rejected.field)
            buffer.append(",\"message\":")
            buffer.appendJSONString(rejected.message)
            buffer.append("}\n")
        }
        if buffer.count >= 8 << 10 { try flush() }
    }

    /// Reports an input problem (FHIR input: a resource skipped, spec
    /// fhir-mapping.md section 9): `record` is its location, `field` empty.
    public func write(_ problem: InputProblemReport) throws(BatchError) {
        switch format {
        case .text:
            buffer.append("\(problem.location): input problem: \(problem.message)\n")
        case .csv:
            if !wroteHeader {
                buffer.append("record,\(identifierName),field,message\n")
                wroteHeader = true
            }
            buffer.appendCSVField(problem.location)
            buffer.append(UInt8(ascii: ","))
            buffer.appendCSVField(problem.identifier)
            buffer.append(",," as StaticString)
            buffer.appendCSVField(problem.message)
            buffer.append(10)
        case .ndjson:
            buffer.append("{\"record\":")
            buffer.appendJSONString(problem.location)
            buffer.append(",")
            buffer.appendJSONString(identifierName)
            buffer.append(":")
            buffer.appendJSONString(problem.identifier)
            buffer.append(",\"field\":\"\",\"message\":")
            buffer.appendJSONString(problem.message)
            buffer.append("}\n")
        }
        if buffer.count >= 8 << 10 { try flush() }
    }

    /// Reports a problem with a record that was scored anyway: one line of
    /// text, `file:line: warning: ...`.
    public func warn(_ line: String) throws(BatchError) {
        if format == .text {
            buffer.append(line)
            buffer.append(10)
            if buffer.count >= 8 << 10 { try flush() }
        } else if let warningSink {
            willWrite?()
            do {
                try warningSink.write(Array((line + "\n").utf8))
            } catch {
                throw error == .brokenPipe ? BatchError.brokenPipe : BatchError.io(error)
            }
        }
    }

    /// Writes the header of an empty CSV error file, the summary of the
    /// rejected records not listed, and anything buffered.
    public func finish() throws(BatchError) {
        if format == .csv, !wroteHeader {
            buffer.append("record,\(identifierName),field,message\n")
            wroteHeader = true
        }
        if let listLimit, records > listLimit {
            buffer.append(
                "\(ProgressText.grouped(records)) rejected records; the first \(listLimit) are listed above "
                    + "(--errors FILE lists them all). By field and reason (a record can have several):\n")
            for line in kinds.lines {
                buffer.append(line)
                buffer.append(10)
            }
        }
        try flush()
    }

    public func flush() throws(BatchError) {
        guard !buffer.isEmpty else { return }
        if format == .text { willWrite?() }
        do {
            try sink.write(buffer)
        } catch {
            throw error == .brokenPipe ? BatchError.brokenPipe : BatchError.io(error)
        }
        buffer.removeAll()
    }
}
