import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules

/// Reads back a file written by `stratify score` (CSV or NDJSON), so that
/// last month's output can stand for last month's assessment without
/// scoring it again (its rules may have changed since). Recognised by its
/// columns: the identifier, `tier`, `model` and `total_score`.
///
/// Names are kept as the file has them: tiers, models and flags that the
/// current rule set lacks are added to this side's vocabulary, and the
/// domains are those of its `<domain>_tier` columns.
package final class ScoredFileReader {
    package private(set) var vocabulary: AssessmentVocabulary
    package let path: String
    private let rows: RowReader
    private let identifierName: String
    package private(set) var records = 0

    static let requiredColumns = ["tier", "model", "total_score"]

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

    /// Reads every row, in order, calling `body` with each.
    package func read(_ body: (Assessment) -> Void) throws(BatchError) {
        records = 0
        var domains: [String]?
        try rows.forEach { row throws(BatchError) in
            if domains == nil {
                domains = row.names.filter { $0.hasSuffix("_tier") && $0 != "tier" }.map { String($0.dropLast(5)) }
                vocabulary.domains = domains!
            }
            body(try assessment(row))
        }
    }

    private func assessment(_ row: RowReader.Row) throws(BatchError) -> Assessment {
        records += 1
        let identifier = row.values[identifierName] ?? ""
        func problem(_ message: String) -> BatchError {
            .file(path, line: row.line, "record \(records) (\(identifierName) \(DisplayText.escaped(identifier))): \(message)")
        }
        func index(_ column: String, in names: inout [String]) throws(BatchError) -> Int {
            guard let name = row.values[column], !name.isEmpty else { throw problem("'\(column)' is empty or absent") }
            if let index = names.firstIndex(of: name) { return index }
            names.append(name)
            return names.count - 1
        }
        guard !identifier.isEmpty else { throw problem("'\(identifierName)' is empty or absent") }
        let tier = try index("tier", in: &vocabulary.tiers)
        let model = try index("model", in: &vocabulary.models)
        var domainTiers: [Int] = []
        for domain in vocabulary.domains {
            domainTiers.append(try index(domain + "_tier", in: &vocabulary.tiers))
        }
        var flags: UInt64 = 0
        for name in Self.names(in: row.values["flags"] ?? "") {
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
