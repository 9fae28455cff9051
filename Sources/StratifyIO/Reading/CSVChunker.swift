/// Cuts a CSV byte stream into chunks of whole records, for tokenizing on
/// worker threads, reading it block by block so memory stays bounded
/// (about `targetChunkBytes + maxRecordBytes + 2 × readBlockBytes` for the
/// working buffer, plus the chunks handed out) whatever the input size.
///
/// ```swift
/// let chunker = CSVChunker(source: try ByteSource.openFile(path))
/// guard case .header(let header) = try chunker.readHeader() else { … }
/// while let item = try chunker.next() { … }   // .chunk or .recordError
/// ```
///
/// ## Rules (for the user documentation)
///
/// - **Records** end at a line feed (LF, or CR LF) outside double quotes.
///   Quoting follows ``CSVRecordScanner`` exactly: a `"` opens a quoted
///   field only at the start of a field; inside, `""` is a quote and line
///   breaks are data. Quote state carries across read blocks.
/// - **Header**: the first non-blank line (``readHeader()``). A UTF-8
///   byte-order mark at the very start is skipped.
/// - **Line numbers** are 1-based and count every physical line of the
///   stream (header, blank lines and line breaks inside quoted fields
///   included). Columns are 1-based byte offsets within the line.
/// - **Blank lines** (empty or a lone CR) are not records; they do count as
///   lines. The last record may lack its line feed.
/// - **Unterminated quote.** When the input ends inside a quoted field, or
///   a quoted field is still open after its record has grown past
///   `maxRecordBytes` (default 1 MiB), or a quoted field that spans lines
///   "closes" with a quote followed by stray text (`…"x`), the quote is
///   taken to be unterminated: one ``IntakeItem/recordError(_:)`` of kind
///   ``RecordErrorKind/unterminatedQuote`` names the line and column of the
///   opening quote; that record is taken to end at the end of the line on
///   which the quote opened, and scanning resumes normally on the next
///   line. So a stray quote costs one record, not the rest of the file.
/// - **Oversized record.** A record longer than `maxRecordBytes` (not
///   counting its line feed) is one error of kind
///   ``RecordErrorKind/recordTooLong`` (with its first line); the rest of
///   it, up to the next line feed, is streamed through without being
///   buffered, and scanning resumes on the next line.
/// - Every record is delivered in a chunk or reported as exactly one error
///   item, in input order: none is lost or merged.
///
/// Field-level problems (text after a closing quote, a field longer than
/// `maxFieldBytes`) do not affect where records end; ``CSVRecordScanner``
/// reports them per record.
///
/// A chunker is used by one thread at a time (it may be moved between
/// threads).
public final class CSVChunker {
    private let core: ChunkerCore
    private var stashed: IntakeItem?
    private var nextSequence = 0

    public let options: ChunkerOptions

    public init(source: ByteSource, options: ChunkerOptions = ChunkerOptions()) {
        self.options = options
        self.core = ChunkerCore(source: source, csv: true, options: options)
    }

    /// Reads and tokenizes the header: the first non-blank record. Call it
    /// once, before ``next()``; if it is never called, every line is a data
    /// record (for headerless input).
    ///
    /// The header's field values are unescaped copies. A structural error in
    /// the header's record (or a field error such as text after a closing
    /// quote) is returned as `.malformed`.
    public func readHeader(scannerOptions: CSVScannerOptions = CSVScannerOptions()) throws(IOError) -> CSVHeaderResult {
        let scanner = CSVRecordScanner(options: scannerOptions)
        while let item = try core.next() {
            guard case .chunk(let chunk) = item else {
                if case .recordError(let e) = item { return .malformed(e) }
                continue
            }
            var header: CSVHeader?
            var malformed: IntakeRecordError?
            var remainder: IntakeChunk?
            chunk.bytes.withUnsafeBytes { buf in
                guard let record = scanner.nextRecord(in: buf) else { return }  // only blank lines
                if let e = record.error {
                    malformed = IntakeRecordError(
                        kind: e.kind, line: chunk.firstLine + record.lineOffset,
                        errorLine: chunk.firstLine + e.lineOffset, column: e.column,
                        byteOffset: chunk.byteOffset + record.start, message: e.message)
                    return
                }
                let fields = scanner.fields.map { [UInt8](scanner.value(of: $0, in: buf)) }
                header = CSVHeader(
                    fields: fields, line: chunk.firstLine + record.lineOffset,
                    lineCount: record.lineCount)
                let rest = scanner.position
                remainder = IntakeChunk(
                    bytes: [UInt8](buf[rest...]), firstLine: chunk.firstLine + scanner.line,
                    lineCount: chunk.lineCount - scanner.line, byteOffset: chunk.byteOffset + rest,
                    sequenceNumber: 0)
            }
            if let malformed { return .malformed(malformed) }
            if let header {
                if let remainder, !remainder.bytes.isEmpty { stashed = .chunk(remainder) }
                return .header(header)
            }
        }
        return .emptyInput
    }

    /// The next chunk of whole records or record error, in stream order,
    /// numbered from 0; nil at the end. Read failures throw.
    public func next() throws(IOError) -> IntakeItem? {
        let item: IntakeItem
        if let s = stashed {
            stashed = nil
            item = s
        } else {
            guard let n = try core.next() else { return nil }
            item = n
        }
        defer { nextSequence += 1 }
        return item.renumbered(nextSequence)
    }
}

/// The outcome of ``CSVChunker/readHeader(scannerOptions:)``.
public enum CSVHeaderResult: Sendable {
    case header(CSVHeader)
    /// The input holds no non-blank line.
    case emptyInput
    /// The header record is broken (see the error's message and location).
    case malformed(IntakeRecordError)
}

/// The header row of a CSV stream.
public struct CSVHeader: Sendable, Equatable {
    /// Field values, unescaped, as bytes (validate them as UTF-8 with
    /// ``UTF8Validation`` if needed).
    public var fields: [[UInt8]]
    /// Absolute 1-based line on which the header starts.
    public var line: Int
    /// Physical lines it spans.
    public var lineCount: Int

    /// The field values as strings (invalid UTF-8 is replaced by U+FFFD).
    public var names: [String] { fields.map { String(decoding: $0, as: UTF8.self) } }

    public init(fields: [[UInt8]], line: Int, lineCount: Int) {
        self.fields = fields
        self.line = line
        self.lineCount = lineCount
    }
}
