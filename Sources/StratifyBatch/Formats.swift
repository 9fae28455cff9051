/// The format of an intake file.
public enum IntakeFormat: String, Sendable, CaseIterable {
    /// A header row, then one record per row (`.csv`; `.tsv` is tab-delimited).
    case csv
    /// One JSON object per line (`.ndjson`, `.jsonl`).
    case ndjson
    /// One JSON array of objects (`.json`, what `score --format json` writes).
    case json

    /// The format a path's name gives: `.csv` or `.tsv`, `.ndjson` or
    /// `.jsonl`, `.json`, each also with `.gz` after it; nil for another
    /// name and for `-` (standard input, whose format is told from its
    /// first bytes when it is opened: see ``IntakeOpening``).
    public static func detect(path: String) -> IntakeFormat? {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        if lower.hasSuffix(".json") { return .json }
        return nil
    }

    /// Whether a path's name says its CSV is tab-delimited (`.tsv`, `.tsv.gz`).
    public static func isTabSeparated(path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".tsv") || lower.hasSuffix(".tsv.gz")
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

    /// The output format that matches an intake format.
    public init(_ intake: IntakeFormat) {
        switch intake {
        case .csv: self = .csv
        case .ndjson: self = .ndjson
        case .json: self = .json
        }
    }

    /// The format a path's extension names (`.csv`, `.ndjson`, `.jsonl`,
    /// `.json`), or nil.
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") {
            self = .csv
        } else if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") {
            self = .ndjson
        } else if lower.hasSuffix(".json") {
            self = .json
        } else {
            return nil
        }
    }
}

/// The byte between the fields of a CSV intake file (`--delimiter`).
public enum CSVDelimiter: String, Sendable, CaseIterable {
    case comma = ","
    case semicolon = ";"
    case tab

    public var byte: UInt8 {
        switch self {
        case .comma: return 0x2C
        case .semicolon: return 0x3B
        case .tab: return 0x09
        }
    }

    /// How `--delimiter` spells it.
    public var optionValue: String {
        switch self {
        case .comma: return "','"
        case .semicolon: return "';'"
        case .tab: return "tab"
        }
    }

    /// `on ';'`, `on tabs`.
    var splitDescription: String {
        self == .tab ? "on tabs" : "on '\(rawValue)'"
    }
}
