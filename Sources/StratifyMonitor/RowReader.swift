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
        let result: CSVHeaderResult
        do { result = try chunker.readHeader() } catch { throw BatchError.file(path, line: nil, error.message) }
        guard case .header(let columns) = result else {
            if case .malformed(let error) = result {
                throw BatchError.file(path, line: error.errorLine, "the header row is malformed: \(error.message)")
            }
            return try header([])
        }
        let names = columns.names
        try header(names)
        let scanner = CSVRecordScanner()
        while let chunk = try nextItem(chunker.next) {
            var failure: BatchError?
            chunk.bytes.withUnsafeBytes { buffer in
                scanner.reset()
                while failure == nil, let record = scanner.nextRecord(in: buffer) {
                    let line = chunk.firstLine + record.lineOffset
                    if let error = record.error {
                        failure = .file(path, line: line, error.message)
                    } else if record.fieldCount != names.count {
                        failure = .file(
                            path, line: line, "the row has \(record.fieldCount) field\(record.fieldCount == 1 ? "" : "s"), the header has \(names.count)")
                    } else {
                        failure = body(scanner, buffer, line)
                    }
                }
            }
            if let failure { throw failure }
        }
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
