import StratifyIO
import StratifyRules

/// The one place where an intake path becomes bytes to chunk: it opens the
/// file (or standard input), inflates gzip data, refuses UTF-16, tells
/// the format, and puts in front of the chunkers the stage that makes
/// their input plain comma CSV or NDJSON. Every command that reads intake
/// (`score`, `explain`, `diff`) opens it here, through ``IntakeSource``,
/// and so do the side files of the monitoring commands (score output read
/// back, contacts).
///
/// - gzip: by its first two bytes (1F 8B), whatever the name, so standard
///   input may be compressed too; a `.gz` name on other data is refused.
/// - Format: `--input-format`, else the name (``IntakeFormat/detect(path:)``),
///   else (standard input) the first bytes after a byte-order mark and
///   whitespace: `{` is NDJSON, `[` a JSON array, anything else CSV.
/// - Delimiter: `--delimiter`, else a tab for `.tsv`, else a comma. Other
///   than a comma, ``DelimiterStage`` rewrites the file as comma CSV.
public struct IntakeOpening {
    /// The bytes the chunkers read.
    public let source: ByteSource
    /// The file's format as the user sees it (a JSON array is `.json`).
    public let format: IntakeFormat
    /// The delimiter the CSV was read with (`.comma` for other formats).
    public let delimiter: CSVDelimiter

    /// What the chunkers see: CSV, or NDJSON (JSON arrays become NDJSON).
    public var records: IntakeFormat { format == .csv ? .csv : .ndjson }

    public init(path: String, format: IntakeFormat?, delimiter: CSVDelimiter?) throws(BatchError) {
        var source: ByteSource
        do {
            if let prepared = PreparedIntake.source(for: path) {
                source = prepared
            } else {
                source = path == "-" ? ByteSource.standardInput() : try ByteSource.openFile(path)
            }
        } catch {
            throw BatchError.file(path, line: nil, error.message)
        }
        do {
            if try source.peek(2) == [0x1F, 0x8B] {
                source = ByteSource(stage: GzipStage(reading: source), name: source.name)
            } else if path.lowercased().hasSuffix(".gz") {
                throw BatchError.file(path, line: nil, "the name ends in .gz but the file is not gzip data (it does not start with the bytes 1F 8B)")
            }
            try Self.refuseUTF16(source, path: path)
            let format = try format ?? IntakeFormat.detect(path: path) ?? Self.sniff(source)
            self.format = format
            self.delimiter =
                format == .csv
                ? delimiter ?? (IntakeFormat.isTabSeparated(path: path) ? .tab : .comma)
                : .comma
            switch format {
            case .json:
                source = ByteSource(stage: JSONArrayStage(reading: source), name: source.name)
                // Up to the first record: a file that is not an array at
                // all is refused now, before any output is written.
                _ = try source.peek(1)
            case .csv where self.delimiter != .comma:
                source = ByteSource(stage: DelimiterStage(reading: source, delimiter: self.delimiter.byte), name: source.name)
            default:
                break
            }
            self.source = source
        } catch let error as IOError {
            throw BatchError.file(path, line: nil, error.message)
        } catch let error as BatchError {
            throw error
        } catch {
            throw BatchError.file(path, line: nil, "\(error)")
        }
    }

    /// UTF-16 is refused with the command that converts it: read as bytes it
    /// would make every record a jumble of NUL bytes.
    private static func refuseUTF16(_ source: ByteSource, path: String) throws {
        var head = try source.peek(4)
        if head.contains(0) { head = try source.peek(64) }
        guard let encoding = EncodingHint.utf16(head) else { return }
        let what = path == "-" ? "standard input" : "the file"
        let convert =
            path == "-"
            ? "iconv -f \(EncodingHint.iconvName(encoding)) -t UTF-8"
            : "iconv -f \(EncodingHint.iconvName(encoding)) -t UTF-8 \(Self.shellQuoted(path)) > \(Self.shellQuoted(Self.utf8Name(path)))"
        throw BatchError.file(path, line: nil, "\(what) is \(encoding) text, not UTF-8: convert it with \(convert)")
    }

    /// The format of standard input, from its first significant byte.
    private static func sniff(_ source: ByteSource) throws -> IntakeFormat {
        var count = 64
        while true {
            let head = try source.peek(count)
            var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            while index < head.count, [0x20, 0x09, 0x0D, 0x0A].contains(head[index]) { index += 1 }
            if index < head.count {
                switch head[index] {
                case 0x7B: return .ndjson
                case 0x5B: return .json
                default: return .csv
                }
            }
            // Only whitespace so far: blank NDJSON, unless more follows.
            if head.count < count || count >= 1 << 16 { return .ndjson }
            count *= 4
        }
    }

    /// `in.csv` → `in.utf8.csv`, for the suggested conversion.
    private static func utf8Name(_ path: String) -> String {
        let name = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[name...].firstIndex(of: "."), dot != name else { return path + ".utf8" }
        return String(path[..<dot]) + ".utf8" + String(path[dot...])
    }

    private static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "._-/+".contains($0) }
        return plain ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

/// The hint for a CSV header that lacks a required column only because it
/// was split on the wrong byte: `patient_id;age;…` read with commas.
enum DelimiterHint {
    /// `the header has no 'patient_id' column; split on ';' it would have
    /// one: use --delimiter ';'`, or nil when no other delimiter helps.
    static func message(header: CSVHeader, program: Program, readWith current: CSVDelimiter) -> String? {
        // Names compare as the header reconciliation matches them
        // (`Patient Id;Age` split on ';' has patient_id).
        let names = Set(header.names.map(FieldNameMatching.normalized))
        let missing = program.inputs.filter { $0.required && !names.contains(FieldNameMatching.normalized($0.name)) }.map(\.name)
        guard let first = missing.first else { return nil }
        for candidate in CSVDelimiter.allCases where candidate != current {
            let separator = Character(Unicode.Scalar(candidate.byte))
            let pieces = Set(
                header.names.flatMap { $0.split(separator: separator, omittingEmptySubsequences: false) }
                    .map { FieldNameMatching.normalized($0.trimmingCharacters(in: ["\"", "\u{FEFF}"])) })
            if missing.allSatisfy(pieces.contains) {
                return "the header has no '\(first)' column; split \(candidate.splitDescription) it would have one: "
                    + "use --delimiter \(candidate.optionValue)"
            }
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
