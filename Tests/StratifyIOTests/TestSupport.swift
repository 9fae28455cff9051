import Testing
@testable import StratifyIO

/// One record or record-level error, normalized so a chunked parse and a
/// one-piece parse can be compared.
struct Event: Equatable, CustomStringConvertible {
    var line: Int  // absolute first line of the record
    var fields: [String]?  // nil for a record that could not be cut out
    var errorKind: RecordErrorKind?
    var errorLine: Int?
    var errorColumn: Int?
    var hasNUL = false
    var hasNonASCII = false

    var description: String {
        "L\(line) \(fields.map { "\($0)" } ?? "-") \(errorKind.map { "\($0)@\(errorLine ?? 0):\(errorColumn ?? 0)" } ?? "")"
    }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Events of every record of one chunk, scanned with `scanner`.
func scanChunk(_ chunkBytes: [UInt8], firstLine: Int, scanner: CSVRecordScanner) -> [Event] {
    var out: [Event] = []
    chunkBytes.withUnsafeBytes { buf in
        scanner.reset()
        while let r = scanner.nextRecord(in: buf) {
            var e = Event(line: firstLine + r.lineOffset)
            e.hasNUL = r.hasNUL
            e.hasNonASCII = r.hasNonASCII
            if let err = r.error {
                e.errorKind = err.kind
                e.errorLine = firstLine + err.lineOffset
                e.errorColumn = err.column
            }
            if r.error?.kind == .unterminatedQuote {
                e.fields = nil  // the chunker reports these without fields
                e.hasNUL = false
                e.hasNonASCII = false
            } else {
                e.fields = scanner.fields.map { String(decoding: scanner.value(of: $0, in: buf), as: UTF8.self) }
            }
            out.append(e)
        }
    }
    return out
}

struct ChunkedParse {
    var header: [String]?
    var events: [Event] = []
    var chunkSizes: [Int] = []
    var finalLine = 1
}

/// Parses `input` with a CSVChunker and a CSVRecordScanner, checking the
/// chunker's invariants (sequence numbers, line continuity, chunk ends).
func chunkedCSV(
    _ input: [UInt8], options: ChunkerOptions = ChunkerOptions(), readSize: Int = .max,
    header: Bool = false, scannerOptions: CSVScannerOptions = CSVScannerOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ChunkedParse {
    let chunker = CSVChunker(source: ByteSource(bytes: input, maxReadSize: readSize), options: options)
    var result = ChunkedParse()
    // After a chunk (or the header) the next item starts exactly where it
    // ended; after an error item, on a later line.
    var expectedLine: Int? = 1
    var afterErrorLine = 0
    if header {
        switch try chunker.readHeader(scannerOptions: scannerOptions) {
        case .header(let h):
            result.header = h.names
            expectedLine = h.line + h.lineCount
        case .emptyInput:
            return result
        case .malformed(let e):
            result.events.append(Event(line: e.line, fields: nil, errorKind: e.kind, errorLine: e.errorLine, errorColumn: e.column))
            return result
        }
    }
    let scanner = CSVRecordScanner(options: scannerOptions)
    var sequence = 0
    while let item = try chunker.next() {
        #expect(item.sequenceNumber == sequence, sourceLocation: sourceLocation)
        sequence += 1
        if let expectedLine {
            #expect(item.firstLine == expectedLine, "item \(sequence - 1)", sourceLocation: sourceLocation)
        } else {
            #expect(item.firstLine > afterErrorLine, "item \(sequence - 1)", sourceLocation: sourceLocation)
        }
        switch item {
        case .chunk(let c):
            let lfs = c.bytes.filter { $0 == 10 }.count
            #expect(lfs == c.lineCount, sourceLocation: sourceLocation)
            result.chunkSizes.append(c.bytes.count)
            result.events += scanChunk(c.bytes, firstLine: c.firstLine, scanner: scanner)
            expectedLine = c.firstLine + c.lineCount
        case .recordError(let e):
            result.events.append(Event(line: e.line, fields: nil, errorKind: e.kind, errorLine: e.errorLine, errorColumn: e.column))
            expectedLine = nil
            afterErrorLine = e.line
        }
    }
    result.finalLine = expectedLine ?? 0
    return result
}

/// The reference: one scanner over the whole input (BOM removed), no chunker.
func directCSV(_ input: [UInt8], scannerOptions: CSVScannerOptions = CSVScannerOptions()) -> [Event] {
    var input = input
    if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
    return scanChunk(input, firstLine: 1, scanner: CSVRecordScanner(options: scannerOptions))
}

/// Fields of the records of `csv` (no header), for compact expectations.
func records(_ csv: String) throws -> [[String]] {
    try chunkedCSV(bytes(csv)).events.map { $0.fields ?? ["<error>"] }
}
