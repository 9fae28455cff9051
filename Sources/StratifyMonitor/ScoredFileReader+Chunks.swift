import StratifyBatch
import StratifyCore
import StratifyIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading score output on every core: each chunk of CSV records becomes
/// ``AssessmentRecord`` bytes on a worker thread, and the chunks are handed
/// on in the file's order, as the batch hands on intake.
///
/// The names (tiers, models, flags) are what makes this more than a loop:
/// the side's vocabulary grows as the file names tiers the rules lack, in
/// the order it first names them. A worker knows only the vocabulary as it
/// was when reading began (``Names``); a name it does not know gets the
/// next index of the chunk's own list (after the known ones), and the thread
/// that hands the chunks on in order adds those names to the vocabulary and
/// renumbers the chunk's records to it (``ScoredFileReader/handOn(_:into:)``).
/// A file scored with the current rules names nothing new: its chunks are
/// handed on as the workers wrote them.
extension ScoredFileReader {
    /// The names a worker knows, as bytes, and where each column is.
    struct Names: Sendable {
        var tiers: [[UInt8]]
        var models: [[UInt8]]
        var flags: [[UInt8]]
        var columns: CSVColumns
        var identifierName: String

        init(_ vocabulary: AssessmentVocabulary, columns: CSVColumns, identifierName: String) {
            tiers = vocabulary.tiers.map { Array($0.utf8) }
            models = vocabulary.models.map { Array($0.utf8) }
            flags = vocabulary.flags.map { Array($0.utf8) }
            self.columns = columns
            self.identifierName = identifierName
        }
    }

    /// One chunk's records as ``AssessmentRecord`` bytes.
    struct ParsedChunk {
        var bytes = OutputBuffer(capacity: 0)
        /// Rows read, a failing one included.
        var records = 0
        /// Names the worker did not know, in the order the chunk first
        /// names them, each with where it was first named.
        var newTiers: [NewName] = []
        var newModels: [NewName] = []
        var newFlags: [NewName] = []
        /// How many names of each kind the worker knew: a name it did not
        /// know has the index after those, in the chunk's list.
        var known = (tiers: 0, models: 0, flags: 0)
        /// The chunk's first row that cannot be read, and why (the row's
        /// record number in the file is known only in order).
        var failure: Failure?

        struct NewName {
            var name: [UInt8]
            /// From 1, within the chunk; its line and identifier, to name
            /// the row should the name be one too many.
            var row: Int
            var line: Int
            var identifier: [UInt8]
        }

        enum Failure {
            /// A row of an assessment that is wrong: named with its record number.
            case row(row: Int, line: Int, identifier: [UInt8], message: String)
            /// The file itself (a malformed record, a ragged row).
            case file(BatchError)
            /// More names than a record's byte (or the flags' word) holds:
            /// where exactly is known only in order.
            case tooManyNames(row: Int)
        }
    }

    /// Parses the rows of one chunk (one per worker thread, with its scanner).
    final class ChunkParser {
        private let names: Names
        private let fields: Int
        private let path: String
        private let scanner = CSVRecordScanner()
        private var identifier: [UInt8] = []

        init(names: Names, fields: Int, path: String) {
            self.names = names
            self.fields = fields
            self.path = path
        }

        func parse(_ chunk: IntakeChunk) -> ParsedChunk {
            var parsed = ParsedChunk(bytes: OutputBuffer(capacity: chunk.bytes.count))
            parsed.known = (names.tiers.count, names.models.count, names.flags.count)
            let domains = names.columns.domains.count
            let fixed = AssessmentRecord.fixedSize(domains: domains)
            var domainTiers = [Int](repeating: 0, count: domains)
            if let error = RowReader.forEachRecord(
                in: chunk, scanner: scanner, fields: fields, path: path,
                { scanner, buffer, line in
                    parsed.records += 1
                    let row = parsed.records
                    // A quoted field's value may live in the scanner's scratch
                    // space until the next field is read: each is used first.
                    func field(_ column: Int?) -> UnsafeRawBufferPointer? {
                        column.map { scanner.value(of: scanner[field: $0], in: buffer) }
                    }
                    identifier.removeAll(keepingCapacity: true)
                    if let value = field(names.columns.identifier) { identifier.append(contentsOf: value) }
                    func fail(_ message: String) -> BatchError? {
                        parsed.failure = .row(row: row, line: line, identifier: identifier, message: message)
                        return .file(path, line: line, message)  // stops the chunk; the failure above is what is reported
                    }
                    guard !identifier.isEmpty else { return fail("'\(names.identifierName)' is empty or absent") }
                    func index(_ column: Int?, known: [[UInt8]], new: inout [ParsedChunk.NewName]) -> Int? {
                        guard let bytes = field(column), bytes.count > 0 else { return nil }
                        if let index = known.firstIndex(where: { Self.equal($0, bytes) }) { return index }
                        if let index = new.firstIndex(where: { Self.equal($0.name, bytes) }) { return known.count + index }
                        new.append(ParsedChunk.NewName(name: Array(bytes), row: row, line: line, identifier: identifier))
                        return known.count + new.count - 1
                    }
                    guard let tier = index(names.columns.tier, known: names.tiers, new: &parsed.newTiers) else {
                        return fail("'tier' is empty or absent")
                    }
                    guard let model = index(names.columns.model, known: names.models, new: &parsed.newModels) else {
                        return fail("'model' is empty or absent")
                    }
                    for (position, domain) in names.columns.domains.enumerated() {
                        guard let tier = index(domain.column, known: names.tiers, new: &parsed.newTiers) else {
                            return fail("'\(domain.columnName)' is empty or absent")
                        }
                        domainTiers[position] = tier
                    }
                    var flags: UInt64 = 0
                    if let cell = field(names.columns.flags), cell.count > 0 {
                        for name in Self.flagNames(cell) {
                            var flag = names.flags.firstIndex(of: name)
                            if flag == nil {
                                if let known = parsed.newFlags.firstIndex(where: { $0.name == name }) {
                                    flag = names.flags.count + known
                                } else {
                                    parsed.newFlags.append(ParsedChunk.NewName(name: name, row: row, line: line, identifier: identifier))
                                    flag = names.flags.count + parsed.newFlags.count - 1
                                }
                            }
                            guard flag! < AssessmentVocabulary.maxFlags else {
                                parsed.failure = .tooManyNames(row: row)
                                return .file(path, line: line, "")
                            }
                            flags |= 1 << UInt64(flag!)
                        }
                    }
                    // A record's tier and model are a byte each (255: none).
                    guard tier < 255, model < 255, domainTiers.allSatisfy({ $0 < 255 }) else {
                        parsed.failure = .tooManyNames(row: row)
                        return .file(path, line: line, "")
                    }
                    let total = field(names.columns.totalScore).flatMap { Double(String(decoding: $0, as: UTF8.self)) } ?? .nan
                    var review = Double.nan
                    if let bytes = field(names.columns.reviewBy), bytes.count > 0 {
                        guard let days = ISODate.parse(bytes) else {
                            return fail("review_by '\(String(decoding: bytes, as: UTF8.self))' is not a date (YYYY-MM-DD)")
                        }
                        review = Double(days)
                    }
                    identifier.withUnsafeBytes { identifier in
                        parsed.bytes.write(maxCount: fixed + identifier.count) { p in
                            AssessmentRecord.write(
                                at: UnsafeMutableRawPointer(p), identifier: identifier, tier: tier, model: model, domainTiers: domainTiers,
                                flags: flags, total: total, review: review)
                            return fixed + identifier.count
                        }
                    }
                    return nil
                }), parsed.failure == nil
            {
                parsed.failure = .file(error)
            }
            return parsed
        }

        static func equal(_ name: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
            name.count == bytes.count && name.withUnsafeBytes { $0.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        }

        /// The flags of a CSV cell, as ``ScoredFileReader/names(in:)`` reads them.
        static func flagNames(_ cell: UnsafeRawBufferPointer) -> [[UInt8]] {
            if cell.first == UInt8(ascii: "[") {
                return ScoredFileReader.names(in: String(decoding: cell, as: UTF8.self)).map { Array($0.utf8) }
            }
            return cell.split(separator: UInt8(ascii: ";")).map(Array.init)
        }
    }
}

extension ScoredFileReader {
    /// Reads every assessment, in order, each as the bytes of an
    /// ``AssessmentRecord`` (valid during its call): a CSV file on `jobs`
    /// threads, any other row by row. `lookahead` sees each group of
    /// records first (see ``AssessmentDecoder``). The same records, names
    /// and errors as ``read(_:)``; a chunk with an error hands none of its
    /// records on.
    package func readRecords(
        jobs: Int, chunkOptions: ChunkerOptions = ChunkerOptions(), lookahead: ((AssessmentRecord) -> Void)? = nil,
        _ body: @escaping (AssessmentRecord) -> Void
    ) throws(BatchError) {
        records = 0
        var decoder: AssessmentDecoder?
        let path = self.path
        let read = try rows.forEachCSVChunk(
            jobs: jobs, options: chunkOptions,
            header: { header throws(BatchError) in
                let columns = CSVColumns(names: header, identifierName: identifierName)
                vocabulary.domains = columns.domains.map(\.name)
                decoder = AssessmentDecoder(domains: columns.domains.count, lookahead: lookahead) {
                    body($0)
                    return nil
                }
                let names = Names(vocabulary, columns: columns, identifierName: identifierName)
                let fields = header.count
                return { ChunkParser(names: names, fields: fields, path: path).parse }
            },
            emit: { (parsed: ParsedChunk) throws(BatchError) in try self.handOn(parsed, into: decoder!) })
        guard !read else { return }
        try self.read { assessment in
            AssessmentRecord.with(assessment, domains: assessment.domainTiers.count, body)
        }
    }

    /// Adds the chunk's new names to the vocabulary, renumbers its records
    /// to it when the numbers differ, and hands them on; or throws the
    /// chunk's first error, as ``read(_:)`` would have.
    private func handOn(_ parsed: ParsedChunk, into decoder: AssessmentDecoder) throws(BatchError) {
        let known = parsed.known
        // The first row whose name is one too many for a record, in order.
        var tooMany: (new: ParsedChunk.NewName, message: String)?
        func add(_ new: [ParsedChunk.NewName], to names: inout [String], limit: Int, what: String) -> [Int] {
            new.map { new in
                let name = String(decoding: new.name, as: UTF8.self)
                if let index = names.firstIndex(of: name) { return index }
                names.append(name)
                if names.count > limit, tooMany == nil || new.row < tooMany!.new.row {
                    tooMany = (new, "more than \(limit) different \(what)")
                }
                return names.count - 1
            }
        }
        let tierMap = add(parsed.newTiers, to: &vocabulary.tiers, limit: Self.maxNames, what: "tiers")
        let modelMap = add(parsed.newModels, to: &vocabulary.models, limit: Self.maxNames, what: "models")
        let flagMap = add(parsed.newFlags, to: &vocabulary.flags, limit: AssessmentVocabulary.maxFlags, what: "flags")
        var failure: (row: Int, line: Int, identifier: [UInt8], message: String)?
        switch parsed.failure {
        case .row(let row, let line, let identifier, let message)?: failure = (row, line, identifier, message)
        case .file(let error)?:
            if tooMany == nil { throw error }
        case .tooManyNames?, nil: break
        }
        if let tooMany, failure == nil || tooMany.new.row <= failure!.row {
            failure = (tooMany.new.row, tooMany.new.line, tooMany.new.identifier, tooMany.message)
        }
        if let failure {
            records += failure.row
            let id = DisplayText.escaped(String(decoding: failure.identifier, as: UTF8.self))
            throw .file(path, line: failure.line, "record \(records) (\(identifierName) \(id)): \(failure.message)")
        }
        records += parsed.records
        let renumbered =
            tierMap.enumerated().contains { $1 != known.tiers + $0 } || modelMap.enumerated().contains { $1 != known.models + $0 }
            || flagMap.enumerated().contains { $1 != known.flags + $0 }
        if renumbered {
            Self.renumber(parsed.bytes, domains: vocabulary.domains.count, known: known, tiers: tierMap, models: modelMap, flags: flagMap)
        }
        parsed.bytes.withUnsafeBytes(decoder.consume)
    }

    /// Rewrites the records' name indexes past the known ones (the chunk's
    /// own) to their indexes in the vocabulary.
    private static func renumber(
        _ bytes: OutputBuffer, domains: Int, known: (tiers: Int, models: Int, flags: Int), tiers: [Int], models: [Int], flags: [Int]
    ) {
        let fixed = AssessmentRecord.fixedSize(domains: domains)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset + fixed <= raw.count {
                func map(_ at: Int, known: Int, _ map: [Int]) {
                    let index = Int(raw[at])
                    if index >= known, index != 255 { raw[at] = UInt8(map[index - known]) }
                }
                map(offset + 4, known: known.tiers, tiers)
                map(offset + 5, known: known.models, models)
                for domain in 0..<domains { map(offset + 6 + domain, known: known.tiers, tiers) }
                let old = raw.loadUnaligned(fromByteOffset: offset + 6 + domains, as: UInt64.self)
                var new = old & (known.flags >= 64 ? .max : (1 << UInt64(known.flags)) - 1)
                var high = known.flags >= 64 ? 0 : old >> UInt64(known.flags)
                var local = 0
                while high != 0 {
                    if high & 1 != 0 { new |= 1 << UInt64(flags[local]) }
                    high >>= 1
                    local += 1
                }
                raw.storeBytes(of: new, toByteOffset: offset + 6 + domains, as: UInt64.self)
                offset += fixed + Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
        }
    }
}
