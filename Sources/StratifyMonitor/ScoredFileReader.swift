import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads back a file written by `stratify score` (CSV or NDJSON), so that
/// last month's output can stand for last month's assessment without
/// scoring it again (its rules may have changed since). Recognised by its
/// columns: the identifier, `tier`, `model` and `total_score`.
///
/// Names are kept as the file has them: tiers, models and flags that the
/// current rule set lacks are added to this side's vocabulary, and the
/// domains are those of its `<domain>_tier` columns.
package final class ScoredFileReader {
    package internal(set) var vocabulary: AssessmentVocabulary
    package let path: String
    let rows: RowReader
    let identifierName: String
    package internal(set) var records = 0

    static let requiredColumns = ["tier", "model", "total_score"]

    /// The most tier names (and model names) a side can have: an
    /// ``AssessmentRecord`` keeps each as a byte, 255 meaning none.
    static let maxNames = 255

    package init(path: String, format: IntakeFormat?, program: Program) {
        self.path = path
        rows = RowReader(path: path, format: format)
        identifierName = program.inputs[program.identifier].name
        vocabulary = AssessmentVocabulary(program: program)
        vocabulary.domains = []
    }

    /// Whether the file at `path` is score output: its header (CSV) or its
    /// first line's keys (NDJSON) name the identifier, tier, model and total_score.
    package static func isScoreOutput(path: String, format: IntakeFormat?, identifierName: String) throws(BatchError) -> Bool {
        let names = try RowReader(path: path, format: format).columnNames()
        return names.contains(identifierName) && requiredColumns.allSatisfy(names.contains)
    }

    /// Reads every row, in order, calling `body` with each. CSV (what
    /// `score` writes by default) is read in place, a few columns of each
    /// record without a dictionary per row; NDJSON row by row.
    package func read(_ body: (Assessment) -> Void) throws(BatchError) {
        records = 0
        var domains: [String]?
        var columns = CSVColumns()
        try rows.forEach(
            csvHeader: { names throws(BatchError) in
                columns = CSVColumns(names: names, identifierName: identifierName)
                vocabulary.domains = columns.domains.map(\.name)
            },
            csvRecord: { scanner, buffer, line in
                do throws(BatchError) {
                    body(try assessment(scanner, buffer, line: line, columns: columns))
                } catch {
                    return error
                }
                return nil
            },
            row: { row throws(BatchError) in
                if domains == nil {
                    domains = row.names.filter { $0.hasSuffix("_tier") && $0 != "tier" }.map { String($0.dropLast(5)) }
                    vocabulary.domains = domains!
                }
                body(try assessment(row))
            })
    }

    /// Where the columns that make an assessment are in a CSV header.
    struct CSVColumns {
        var identifier: Int?
        var tier: Int?
        var model: Int?
        var totalScore: Int?
        var flags: Int?
        var reviewBy: Int?
        /// Each domain, its `<domain>_tier` column and that column's name.
        var domains: [(name: String, column: Int, columnName: String)] = []

        init() {}

        init(names: [String], identifierName: String) {
            // The first column of a name counts, as the row reader's
            // dictionary keeps the first.
            func first(_ name: String) -> Int? { names.firstIndex(of: name) }
            identifier = first(identifierName)
            tier = first("tier")
            model = first("model")
            totalScore = first("total_score")
            flags = first("flags")
            reviewBy = first("review_by")
            for name in names where name.hasSuffix("_tier") && name != "tier" {
                domains.append((String(name.dropLast(5)), first(name)!, name))
            }
        }
    }

    /// One CSV record as an assessment, with the same checks and messages
    /// as ``assessment(_:)`` (the row-by-row path).
    private func assessment(
        _ scanner: CSVRecordScanner, _ buffer: UnsafeRawBufferPointer, line: Int, columns: CSVColumns
    ) throws(BatchError) -> Assessment {
        records += 1
        // A quoted field's value may live in the scanner's scratch space
        // until the next field is read: each is used before the next.
        func field(_ column: Int?) -> UnsafeRawBufferPointer? {
            column.map { scanner.value(of: scanner[field: $0], in: buffer) }
        }
        let identifier = field(columns.identifier).map { String(decoding: $0, as: UTF8.self) } ?? ""
        func problem(_ message: String) -> BatchError {
            .file(path, line: line, "record \(records) (\(identifierName) \(DisplayText.escaped(identifier))): \(message)")
        }
        func index(_ column: Int?, named name: String, in names: inout [String], what: String) throws(BatchError) -> Int {
            guard let bytes = field(column), bytes.count > 0 else { throw problem("'\(name)' is empty or absent") }
            if let index = names.firstIndex(where: { Self.spells($0, bytes) }) { return index }
            guard names.count < Self.maxNames else { throw problem("more than \(Self.maxNames) different \(what)") }
            names.append(String(decoding: bytes, as: UTF8.self))
            return names.count - 1
        }
        guard !identifier.isEmpty else { throw problem("'\(identifierName)' is empty or absent") }
        let tier = try index(columns.tier, named: "tier", in: &vocabulary.tiers, what: "tiers")
        let model = try index(columns.model, named: "model", in: &vocabulary.models, what: "models")
        var domainTiers: [Int] = []
        domainTiers.reserveCapacity(columns.domains.count)
        for domain in columns.domains {
            domainTiers.append(try index(domain.column, named: domain.columnName, in: &vocabulary.tiers, what: "tiers"))
        }
        var flags: UInt64 = 0
        if let cell = field(columns.flags), cell.count > 0 {
            flags = try flagBits(Self.names(in: String(decoding: cell, as: UTF8.self)), problem: problem)
        }
        let total = field(columns.totalScore).flatMap { Double(String(decoding: $0, as: UTF8.self)) }
        var review: Int?
        if let bytes = field(columns.reviewBy), bytes.count > 0 {
            guard let days = ISODate.parse(bytes) else {
                throw problem("review_by '\(String(decoding: bytes, as: UTF8.self))' is not a date (YYYY-MM-DD)")
            }
            review = days
        }
        return Assessment(identifier: identifier, tier: tier, model: model, domainTiers: domainTiers, flags: flags, totalScore: total, reviewBy: review)
    }

    /// Whether `name` is spelled by `bytes` (a byte comparison, not the
    /// generic element by element one: this runs for every column of every row).
    static func spells(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            utf8.count == bytes.count && (utf8.count == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, utf8.count) == 0)
        }
    }

    /// The bits of `names` in this side's flag vocabulary, new names added.
    private func flagBits(_ names: [String], problem: (String) -> BatchError) throws(BatchError) -> UInt64 {
        var flags: UInt64 = 0
        for name in names {
            var index = vocabulary.flags.firstIndex(of: name)
            if index == nil {
                guard vocabulary.flags.count < AssessmentVocabulary.maxFlags else {
                    throw problem("more than \(AssessmentVocabulary.maxFlags) different flags")
                }
                vocabulary.flags.append(name)
                index = vocabulary.flags.count - 1
            }
            flags |= 1 << UInt64(index!)
        }
        return flags
    }

    private func assessment(_ row: RowReader.Row) throws(BatchError) -> Assessment {
        records += 1
        let identifier = row.values[identifierName] ?? ""
        func problem(_ message: String) -> BatchError {
            .file(path, line: row.line, "record \(records) (\(identifierName) \(DisplayText.escaped(identifier))): \(message)")
        }
        func index(_ column: String, in names: inout [String], what: String) throws(BatchError) -> Int {
            guard let name = row.values[column], !name.isEmpty else { throw problem("'\(column)' is empty or absent") }
            if let index = names.firstIndex(of: name) { return index }
            guard names.count < Self.maxNames else { throw problem("more than \(Self.maxNames) different \(what)") }
            names.append(name)
            return names.count - 1
        }
        guard !identifier.isEmpty else { throw problem("'\(identifierName)' is empty or absent") }
        let tier = try index("tier", in: &vocabulary.tiers, what: "tiers")
        let model = try index("model", in: &vocabulary.models, what: "models")
        var domainTiers: [Int] = []
        for domain in vocabulary.domains {
            domainTiers.append(try index(domain + "_tier", in: &vocabulary.tiers, what: "tiers"))
        }
        let flags = try flagBits(Self.names(in: row.values["flags"] ?? ""), problem: problem)
        let total = row.values["total_score"].flatMap { Double($0) }
        var review: Int?
        if let text = row.values["review_by"], !text.isEmpty {
            guard let days = ISODate.parse(text) else { throw problem("review_by '\(text)' is not a date (YYYY-MM-DD)") }
            review = days
        }
        return Assessment(identifier: identifier, tier: tier, model: model, domainTiers: domainTiers, flags: flags, totalScore: total, reviewBy: review)
    }

    /// The flags of a score output cell: `a;b` (CSV) or `["a","b"]` (NDJSON).
    static func names(in cell: String) -> [String] {
        var text = Substring(cell)
        if text.hasPrefix("[") && text.hasSuffix("]") {
            text = text.dropFirst().dropLast()
            return text.split(separator: ",").map { String($0.filter { $0 != "\"" && $0 != " " }) }.filter { !$0.isEmpty }
        }
        return text.split(separator: ";").map(String.init)
    }
}
