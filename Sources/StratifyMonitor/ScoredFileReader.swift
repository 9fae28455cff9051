import StratifyBatch
import StratifyIO
import StratifyRules

/// Reads back a file written by `stratify score` (CSV or NDJSON), so that
/// last month's output can stand for last month's assessment without
/// scoring it again (its rules may have changed since). Recognised by its
/// columns: the identifier, `tier`, `model` and `total_score`.
///
/// Names are kept as the file has them: tiers, models, domains and flags
/// that the current rule set lacks are added to this side's vocabulary.
public final class ScoredFileReader {
    public private(set) var vocabulary: AssessmentVocabulary
    public let path: String
    private let format: IntakeFormat
    private let identifierName: String
    public private(set) var records = 0

    /// The columns of score output, by name; `<domain>_tier` columns give
    /// the domains.
    static let requiredColumns = ["tier", "model", "total_score"]

    public init(path: String, format: IntakeFormat, program: Program) {
        self.path = path
        self.format = format
        self.identifierName = program.inputs[program.identifier].name
        vocabulary = AssessmentVocabulary(program: program)
        vocabulary.domains = []
    }

    /// Whether the file at `path` is score output: its header (CSV) or its
    /// first line's keys (NDJSON) name the identifier, tier, model and total_score.
    public static func isScoreOutput(path: String, format: IntakeFormat, identifierName: String) throws(BatchError) -> Bool {
        let names: [String]
        switch format {
        case .csv:
            guard case .header(let header) = try open(path: path, csv: true).csv!.readHeaderOrFail(path) else { return false }
            names = header.names
        case .ndjson:
            names = try firstLineKeys(path: path)
        }
        return names.contains(identifierName) && requiredColumns.allSatisfy(names.contains)
    }

    /// Reads every row, in order, calling `body` with each.
    public func read(_ body: (Assessment) -> Void) throws(BatchError) {
        switch format {
        case .csv: try readCSV(body)
        case .ndjson: try readNDJSON(body)
        }
    }

    // MARK: - CSV

    private func readCSV(_ body: (Assessment) -> Void) throws(BatchError) {
        let chunker = try Self.open(path: path, csv: true).csv!
        guard case .header(let header) = try chunker.readHeaderOrFail(path) else { return }
        let names = header.names
        let layout = try Layout(names: names, identifierName: identifierName, path: path, line: header.line)
        vocabulary.domains = layout.domains.map(\.name)
        let scanner = CSVRecordScanner()
        while true {
            let item: IntakeItem?
            do { item = try chunker.next() } catch { throw BatchError.file(path, line: nil, error.message) }
            guard let item else { return }
            switch item {
            case .recordError(let error):
                throw BatchError.file(path, line: error.line, "this score output is malformed: \(error.message)")
            case .chunk(let chunk):
                var failure: BatchError?
                chunk.bytes.withUnsafeBytes { buffer in
                    scanner.reset()
                    while failure == nil, let record = scanner.nextRecord(in: buffer) {
                        let line = chunk.firstLine + record.lineOffset
                        guard record.error == nil, record.fieldCount == names.count else {
                            failure = .file(path, line: line, "this score output row has \(record.fieldCount) fields, the header has \(names.count)")
                            return
                        }
                        let fields = (0..<names.count).map { String(decoding: scanner.value(of: scanner[field: $0], in: buffer), as: UTF8.self) }
                        do throws(BatchError) {
                            body(try assessment(layout, line: line, text: { fields[$0] }, flags: {
                                fields[$0].split(separator: ";").map(String.init)
                            }))
                        } catch {
                            failure = error
                        }
                    }
                }
                if let failure { throw failure }
            }
        }
    }

    // MARK: - NDJSON

    private func readNDJSON(_ body: (Assessment) -> Void) throws(BatchError) {
        let chunker = try Self.open(path: path, csv: false).ndjson!
        let parser = JSONLineParser()
        var layout: Layout?
        var lineScanner = NDJSONLineScanner()
        while true {
            let item: IntakeItem?
            do { item = try chunker.next() } catch { throw BatchError.file(path, line: nil, error.message) }
            guard let item else { return }
            guard case .chunk(let chunk) = item else {
                if case .recordError(let error) = item {
                    throw BatchError.file(path, line: error.line, "this score output is malformed: \(error.message)")
                }
                continue
            }
            var failure: BatchError?
            chunk.bytes.withUnsafeBytes { buffer in
                lineScanner.reset()
                while failure == nil, let span = lineScanner.nextLine(in: buffer) {
                    let lineNumber = chunk.firstLine + span.lineOffset
                    let line = UnsafeRawBufferPointer(rebasing: buffer[span.start..<span.end])
                    do throws(BatchError) {
                        var values: [String: (kind: JSONValueKind, text: String)] = [:]
                        do throws(JSONParseError) {
                            try parser.parse(line)
                            for member in parser.members {
                                let key = String(decoding: try parser.key(of: member, in: line), as: UTF8.self)
                                let text = member.kind == .string
                                    ? String(decoding: try parser.stringValue(of: member, in: line), as: UTF8.self)
                                    : String(decoding: parser.rawValue(of: member, in: line), as: UTF8.self)
                                values[key] = (member.kind, text)
                            }
                        } catch {
                            throw BatchError.file(path, line: lineNumber, "this score output line is not a JSON object: \(error.description)")
                        }
                        if layout == nil {
                            layout = try Layout(names: Array(values.keys).sorted(), identifierName: identifierName, path: path, line: lineNumber)
                            vocabulary.domains = layout!.domains.map(\.name)
                        }
                        let names = layout!.names
                        body(try assessment(layout!, line: lineNumber, text: { column in
                            guard let value = values[names[column]], value.kind != .null else { return "" }
                            return value.text
                        }, flags: { column in
                            guard let value = values[names[column]], value.kind == .array else { return [] }
                            return Self.stringArray(value.text)
                        }))
                    } catch {
                        failure = error
                    }
                }
            }
            if let failure { throw failure }
        }
    }

    /// The strings of a JSON array of plain names (`["a","b"]`), as score writes flags.
    static func stringArray(_ text: String) -> [String] {
        text.dropFirst().dropLast().split(separator: ",").map {
            String($0.trimmingPrefix(while: { $0 == " " || $0 == "\"" }).reversed().drop(while: { $0 == " " || $0 == "\"" }).reversed())
        }
    }

    // MARK: - Shared

    /// Where each needed column is.
    struct Layout {
        var names: [String]
        var identifier: Int
        var tier: Int
        var model: Int
        var total: Int
        var flags: Int?
        var review: Int?
        var domains: [(name: String, column: Int)]

        init(names: [String], identifierName: String, path: String, line: Int) throws(BatchError) {
            self.names = names
            func column(_ name: String) throws(BatchError) -> Int {
                guard let index = names.firstIndex(of: name) else {
                    throw BatchError.file(path, line: line, "score output needs a '\(name)' column")
                }
                return index
            }
            identifier = try column(identifierName)
            tier = try column("tier")
            model = try column("model")
            total = try column("total_score")
            flags = names.firstIndex(of: "flags")
            review = names.firstIndex(of: "review_by")
            domains = names.enumerated().compactMap { index, name in
                name.hasSuffix("_tier") && name != "tier" ? (String(name.dropLast(5)), index) : nil
            }
        }
    }

    private func assessment(
        _ layout: Layout, line: Int, text: (Int) -> String, flags flagNames: (Int) -> [String]
    ) throws(BatchError) -> Assessment {
        records += 1
        let identifier = text(layout.identifier)
        func tierIndex(_ name: String, column: String) throws(BatchError) -> Int {
            guard !name.isEmpty else {
                throw BatchError.file(path, line: line, "record \(records) (\(identifierName) \(identifier)): '\(column)' is empty")
            }
            if let index = vocabulary.tiers.firstIndex(of: name) { return index }
            vocabulary.tiers.append(name)
            return vocabulary.tiers.count - 1
        }
        let tier = try tierIndex(text(layout.tier), column: "tier")
        let modelName = text(layout.model)
        var model = vocabulary.models.firstIndex(of: modelName)
        if model == nil {
            guard !modelName.isEmpty else {
                throw BatchError.file(path, line: line, "record \(records) (\(identifierName) \(identifier)): 'model' is empty")
            }
            vocabulary.models.append(modelName)
            model = vocabulary.models.count - 1
        }
        var domainTiers: [Int] = []
        for domain in layout.domains {
            domainTiers.append(try tierIndex(text(domain.column), column: "\(domain.name)_tier"))
        }
        var flags: UInt64 = 0
        if let column = layout.flags {
            for name in flagNames(column) where !name.isEmpty {
                var index = vocabulary.flags.firstIndex(of: name)
                if index == nil, vocabulary.flags.count < AssessmentVocabulary.maxFlags {
                    vocabulary.flags.append(name)
                    index = vocabulary.flags.count - 1
                }
                if let index { flags |= 1 << UInt64(index) }
            }
        }
        let total = Double(text(layout.total))
        let review = layout.review.flatMap { ISODate.parse(text($0)) }
        return Assessment(identifier: identifier, tier: tier, model: model!, domainTiers: domainTiers, flags: flags, totalScore: total, reviewBy: review)
    }

    private struct Opened {
        var csv: CSVChunker?
        var ndjson: NDJSONChunker?
    }

    private static func open(path: String, csv: Bool) throws(BatchError) -> Opened {
        let source: ByteSource
        do {
            source = path == "-" ? ByteSource.standardInput() : try ByteSource.openFile(path)
        } catch {
            throw BatchError.file(path, line: nil, error.message)
        }
        return csv ? Opened(csv: CSVChunker(source: source)) : Opened(ndjson: NDJSONChunker(source: source))
    }

    private static func firstLineKeys(path: String) throws(BatchError) -> [String] {
        let chunker = try open(path: path, csv: false).ndjson!
        let item: IntakeItem?
        do { item = try chunker.next() } catch { throw BatchError.file(path, line: nil, error.message) }
        guard case .chunk(let chunk)? = item else { return [] }
        return chunk.bytes.withUnsafeBytes { buffer in
            var scanner = NDJSONLineScanner()
            guard let span = scanner.nextLine(in: buffer) else { return [] }
            let line = UnsafeRawBufferPointer(rebasing: buffer[span.start..<span.end])
            let parser = JSONLineParser()
            guard (try? parser.parse(line)) != nil else { return [] }
            return parser.members.compactMap { member in
                (try? parser.key(of: member, in: line)).map { String(decoding: $0, as: UTF8.self) }
            }
        }
    }
}

private extension CSVChunker {
    func readHeaderOrFail(_ path: String) throws(BatchError) -> CSVHeaderResult {
        do {
            return try readHeader()
        } catch {
            throw BatchError.file(path, line: nil, error.message)
        }
    }
}
