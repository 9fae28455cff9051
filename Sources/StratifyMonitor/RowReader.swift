import StratifyBatch
import StratifyIO

/// Reads a table file — CSV with a header, NDJSON objects or a JSON array,
/// opened as intake is (gzip, delimiters, encodings: ``IntakeOpening``) —
/// row by row, with each value as text: for the files the monitoring
/// commands read beside the intake (score output read back, contacts).
/// Streams, through the same chunkers and tokenizers as intake.
package struct RowReader {
    package let path: String
    /// nil: by the file's name, or for standard input its first bytes.
    package let format: IntakeFormat?

    package init(path: String, format: IntakeFormat?) {
        self.path = path
        self.format = format
    }

    /// One row: its line, and its values by column name. A JSON array is
    /// given as its raw text, a JSON null as nil.
    package struct Row {
        package var line: Int
        package var values: [String: String]
        /// Names in file order (the header, or the object's keys).
        package var names: [String]
    }

    /// Calls `body` for each row, in order; malformed rows stop the read
    /// with an error naming the file and line.
    package func forEach(_ body: (Row) throws(BatchError) -> Void) throws(BatchError) {
        let opening = try open()
        switch opening.records {
        case .csv: try forEachCSV(CSVChunker(source: opening.source), body)
        default: try forEachNDJSON(NDJSONChunker(source: opening.source), body)
        }
    }

    /// For a reader that wants a few columns of many rows: a CSV file's
    /// header and then its records in place, read through the scanner
    /// without a string per field (see ``forEachCSVRecord(header:_:)``);
    /// any other format row by row, as ``forEach(_:)`` gives them.
    package func forEach(
        csvHeader: ([String]) throws(BatchError) -> Void,
        csvRecord: (CSVRecordScanner, UnsafeRawBufferPointer, _ line: Int) -> BatchError?,
        row: (Row) throws(BatchError) -> Void
    ) throws(BatchError) {
        let opening = try open()
        switch opening.records {
        case .csv: try forEachCSVRecord(CSVChunker(source: opening.source), header: csvHeader, csvRecord)
        default: try forEachNDJSON(NDJSONChunker(source: opening.source), row)
        }
    }

    /// The column names: the CSV header, or the first NDJSON object's
    /// keys; only the start of the file is read.
    package func columnNames() throws(BatchError) -> [String] {
        let opening = try open()
        switch opening.records {
        case .csv:
            let header: CSVHeaderResult
            do { header = try CSVChunker(source: opening.source).readHeader() } catch { throw BatchError.file(path, line: nil, error.message) }
            guard case .header(let columns) = header else { return [] }
            return columns.names
        default:
            guard let chunk = try nextItem(NDJSONChunker(source: opening.source).next) else { return [] }
            return chunk.bytes.withUnsafeBytes { buffer in
                var lines = NDJSONLineScanner()
                guard let span = lines.nextLine(in: buffer) else { return [] }
                let line = UnsafeRawBufferPointer(rebasing: buffer[span.start..<span.end])
                let parser = JSONLineParser()
                guard (try? parser.parse(line)) != nil else { return [] }
                return parser.members.compactMap { member in
                    (try? parser.key(of: member, in: line)).map { String(decoding: $0, as: UTF8.self) }
                }
            }
        }
    }

    private func open() throws(BatchError) -> IntakeOpening {
        try IntakeOpening(path: path, format: format, delimiter: nil)
    }

    private func nextItem(_ next: () throws(IOError) -> IntakeItem?) throws(BatchError) -> IntakeChunk? {
        let item: IntakeItem?
        do { item = try next() } catch { throw BatchError.file(path, line: nil, error.message) }
        switch item {
        case nil: return nil
        case .chunk(let chunk)?: return chunk
        case .recordError(let error)?: throw BatchError.file(path, line: error.line, error.message)
        }
    }

    private func forEachCSV(_ chunker: CSVChunker, _ body: (Row) throws(BatchError) -> Void) throws(BatchError) {
        var names: [String] = []
        try forEachCSVRecord(chunker, header: { names = $0 }) { scanner, buffer, line in
            var values: [String: String] = [:]
            for (index, name) in names.enumerated() where values[name] == nil {
                values[name] = String(decoding: scanner.value(of: scanner[field: index], in: buffer), as: UTF8.self)
            }
            do throws(BatchError) { try body(Row(line: line, values: values, names: names)) } catch { return error }
            return nil
        }
    }

    /// The CSV file's header, then each record, with the scanner on it to
    /// read its fields in place (for a reader that wants a few columns of
    /// many rows without making strings); `record` returns an error to stop.
    /// A malformed record, or one with more or fewer fields than the
    /// header, is an error naming its line.
    package func forEachCSVRecord(
        header: ([String]) throws(BatchError) -> Void,
        _ record: (CSVRecordScanner, UnsafeRawBufferPointer, _ line: Int) -> BatchError?
    ) throws(BatchError) {
        try forEachCSVRecord(CSVChunker(source: try open().source), header: header, record)
    }

    private func forEachCSVRecord(
        _ chunker: CSVChunker, header: ([String]) throws(BatchError) -> Void,
        _ body: (CSVRecordScanner, UnsafeRawBufferPointer, Int) -> BatchError?
    ) throws(BatchError) {
        guard let names = try readHeader(chunker, header) else { return }
        let scanner = CSVRecordScanner()
        while let chunk = try nextItem(chunker.next) {
            if let failure = Self.forEachRecord(in: chunk, scanner: scanner, fields: names.count, path: path, body) { throw failure }
        }
    }

    /// The header's names, handed to `header` (nil, after handing it no
    /// names, for a file without a header).
    private func readHeader(_ chunker: CSVChunker, _ header: ([String]) throws(BatchError) -> Void) throws(BatchError) -> [String]? {
        let result: CSVHeaderResult
        do { result = try chunker.readHeader() } catch { throw BatchError.file(path, line: nil, error.message) }
        guard case .header(let columns) = result else {
            if case .malformed(let error) = result {
                throw BatchError.file(path, line: error.errorLine, "the header row is malformed: \(error.message)")
            }
            try header([])
            return nil
        }
        try header(columns.names)
        return columns.names
    }

    /// Calls `body` with each record of `chunk` (the scanner on it) and its
    /// line, until one returns an error; a malformed record, or one with
    /// more or fewer than `fields` fields, is an error naming its line.
    package static func forEachRecord(
        in chunk: IntakeChunk, scanner: CSVRecordScanner, fields: Int, path: String,
        _ body: (CSVRecordScanner, UnsafeRawBufferPointer, Int) -> BatchError?
    ) -> BatchError? {
        chunk.bytes.withUnsafeBytes { buffer in
            scanner.reset()
            while let record = scanner.nextRecord(in: buffer) {
                let line = chunk.firstLine + record.lineOffset
                if let error = record.error { return .file(path, line: line, error.message) }
                guard record.fieldCount == fields else {
                    return .file(path, line: line, "the row has \(record.fieldCount) field\(record.fieldCount == 1 ? "" : "s"), the header has \(fields)")
                }
                if let failure = body(scanner, buffer, line) { return failure }
            }
            return nil
        }
    }

    /// A CSV file's chunks of records, processed on `jobs` threads and
    /// handed to `emit` in the file's order. `header` gets the header's
    /// names and returns what makes each thread's function, which reads a
    /// chunk's records with its own scanner
    /// (``forEachRecord(in:scanner:fields:path:_:)``). A chunk the reader
    /// could not cut out is an error, thrown in its place in the order.
    /// Returns false, reading nothing, when the file is not CSV (it is left
    /// to ``forEach(_:)``), or has no header.
    package func forEachCSVChunk<Result>(
        jobs: Int, options: ChunkerOptions = ChunkerOptions(),
        header: ([String]) throws(BatchError) -> @Sendable () -> (IntakeChunk) -> Result,
        emit: @escaping (Result) throws(BatchError) -> Void
    ) throws(BatchError) -> Bool {
        let opening = try open()
        guard opening.records == .csv else { return false }
        let chunker = CSVChunker(source: opening.source, options: options)
        var makeProcess: (@Sendable () -> (IntakeChunk) -> Result)?
        guard try readHeader(chunker, { names throws(BatchError) in makeProcess = try header(names) }) != nil, let makeProcess else {
            return false
        }
        let path = self.path
        let pipeline = OrderedPipeline<Swift.Result<IntakeChunk, BatchError>, Swift.Result<Result, BatchError>>(
            window: max(2, 2 * jobs),
            next: { () throws(BatchError) -> Swift.Result<IntakeChunk, BatchError>? in
                let item: IntakeItem?
                do throws(IOError) { item = try chunker.next() } catch { throw BatchError.file(path, line: nil, error.message) }
                switch item {
                case nil: return nil
                case .chunk(let chunk)?: return .success(chunk)
                case .recordError(let error)?: return .failure(.file(path, line: error.line, error.message))
                }
            },
            emit: { (result: Swift.Result<Result, BatchError>) throws(BatchError) in try emit(result.get()) })
        try pipeline.run(jobs: jobs) {
            let process = makeProcess()
            return { (item: Swift.Result<IntakeChunk, BatchError>) in item.map(process) }
        }
        return true
    }

    private func forEachNDJSON(_ chunker: NDJSONChunker, _ body: (Row) throws(BatchError) -> Void) throws(BatchError) {
        let parser = JSONLineParser()
        var lines = NDJSONLineScanner()
        while let chunk = try nextItem(chunker.next) {
            var failure: BatchError?
            chunk.bytes.withUnsafeBytes { buffer in
                lines.reset()
                while failure == nil, let span = lines.nextLine(in: buffer) {
                    let lineNumber = chunk.firstLine + span.lineOffset
                    let line = UnsafeRawBufferPointer(rebasing: buffer[span.start..<span.end])
                    var values: [String: String] = [:]
                    var names: [String] = []
                    do throws(JSONParseError) {
                        try parser.parse(line)
                        for member in parser.members {
                            let key = String(decoding: try parser.key(of: member, in: line), as: UTF8.self)
                            names.append(key)
                            switch member.kind {
                            case .null: break
                            case .string: values[key] = String(decoding: try parser.stringValue(of: member, in: line), as: UTF8.self)
                            default: values[key] = String(decoding: parser.rawValue(of: member, in: line), as: UTF8.self)
                            }
                        }
                    } catch {
                        failure = .file(path, line: lineNumber, "not a JSON object: \(error.description)")
                        return
                    }
                    do throws(BatchError) { try body(Row(line: lineNumber, values: values, names: names)) } catch { failure = error }
                }
            }
            if let failure { throw failure }
        }
    }
}
