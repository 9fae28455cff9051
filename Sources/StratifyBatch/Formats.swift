/// The format of an intake file.
public enum IntakeFormat: String, Sendable, CaseIterable {
    case csv
    case ndjson

    /// The format a path's extension names: `.csv`, or `.ndjson`/`.jsonl`;
    /// `-` (standard input) is NDJSON, so that the tool runs unchanged as a
    /// streaming stage (Spark `RDD.pipe`, Hadoop Streaming).
    public static func detect(path: String) -> IntakeFormat? {
        if path == "-" { return .ndjson }
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }
}

/// The format of the scored output.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// A header line, then one line per record.
    case csv
    /// One JSON object per line.
    case ndjson
    /// One JSON array of objects.
    case json

    public init(_ intake: IntakeFormat) {
        self = intake == .csv ? .csv : .ndjson
    }
}
