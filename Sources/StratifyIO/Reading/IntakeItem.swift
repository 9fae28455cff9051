/// One item of a chunked intake stream: a run of whole records, or a
/// structural error that stands for exactly one record.
///
/// Items come out of ``CSVChunker/next()`` and ``NDJSONChunker/next()`` in
/// stream order with consecutive ``sequenceNumber``s starting at 0, so a
/// pipeline can tokenize them on worker threads and restore the order
/// before writing.
///
/// ### Line and record numbers
/// Every item carries the absolute, 1-based line number it starts at
/// (`firstLine`), so workers can number lines without knowing about other
/// chunks: a record's line is `chunk.firstLine + record.lineOffset`.
///
/// Record numbers (1-based, data records only: the header is not a record
/// and blank lines are not records) cannot be known by the chunker, because
/// it does not find out which lines are blank or where quoted fields span
/// lines. A consumer that handles items in `sequenceNumber` order computes
/// them with a running count: a `.chunk` adds as many records as its
/// scanner yields; a `.recordError` is exactly one record.
public enum IntakeItem: Sendable {
    /// Whole records; the bytes end just after a record's line feed, or at
    /// the end of the input.
    case chunk(IntakeChunk)
    /// One record that could not be cut out of the stream.
    case recordError(IntakeRecordError)

    /// Position of this item in the stream of items, from 0.
    public var sequenceNumber: Int {
        switch self {
        case .chunk(let c): return c.sequenceNumber
        case .recordError(let e): return e.sequenceNumber
        }
    }

    /// Absolute 1-based line number at which this item starts.
    public var firstLine: Int {
        switch self {
        case .chunk(let c): return c.firstLine
        case .recordError(let e): return e.line
        }
    }
}

/// A run of whole records copied out of the stream, ready to hand to a
/// worker thread.
public struct IntakeChunk: Sendable {
    /// The records' bytes, terminators included; no partial record.
    /// May consist only of blank lines, in which case it holds no record.
    public var bytes: [UInt8]
    /// Absolute, 1-based line number of `bytes[0]`.
    public var firstLine: Int
    /// The number of line feeds in `bytes`; the next item starts at line
    /// `firstLine + lineCount`.
    public var lineCount: Int
    /// Absolute offset of `bytes[0]` in the stream (a skipped byte-order
    /// mark counts).
    public var byteOffset: Int
    /// See ``IntakeItem/sequenceNumber``.
    public var sequenceNumber: Int

    public init(bytes: [UInt8], firstLine: Int, lineCount: Int, byteOffset: Int, sequenceNumber: Int) {
        self.bytes = bytes
        self.firstLine = firstLine
        self.lineCount = lineCount
        self.byteOffset = byteOffset
        self.sequenceNumber = sequenceNumber
    }
}

/// What is wrong with a record, for errors found while cutting the stream
/// (``IntakeRecordError``) or while tokenizing a chunk (``CSVRecordError``).
public enum RecordErrorKind: Sendable, Equatable {
    /// A quoted field is never closed, is not closed within
    /// `maxRecordBytes`, or its apparent closing quote (on a later line) is
    /// followed by stray text. See ``CSVChunker`` for the recovery rule.
    case unterminatedQuote
    /// A record is longer than `maxRecordBytes`.
    case recordTooLong
    /// Text follows a closing quote before the next comma or line end, as in
    /// `"ab"c`.
    case unexpectedCharacterAfterQuote
    /// A field is longer than `maxFieldBytes`.
    case fieldTooLong
}

/// A record the chunker could not deliver; it stands for exactly one record.
public struct IntakeRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: RecordErrorKind
    /// Absolute 1-based line on which the record starts.
    public var line: Int
    /// Where the problem is: for `.unterminatedQuote` the line of the opening
    /// quote (which can be later than `line` when an earlier field of the
    /// same record spans lines); otherwise `line`.
    public var errorLine: Int
    /// 1-based byte column on `errorLine` (the opening quote), or nil when
    /// the problem has no single position (`.recordTooLong`).
    public var column: Int?
    /// Absolute stream offset of the record's first byte.
    public var byteOffset: Int
    /// Explanation without the location, e.g.
    /// "unterminated quoted field: the quote is never closed".
    public var message: String
    /// See ``IntakeItem/sequenceNumber``.
    public var sequenceNumber: Int

    public init(
        kind: RecordErrorKind, line: Int, errorLine: Int, column: Int?, byteOffset: Int,
        message: String, sequenceNumber: Int = 0
    ) {
        self.kind = kind
        self.line = line
        self.errorLine = errorLine
        self.column = column
        self.byteOffset = byteOffset
        self.message = message
        self.sequenceNumber = sequenceNumber
    }

    /// `line L, column C: message` (or `line L: message`).
    public var description: String {
        if let column { return "line \(errorLine), column \(column): \(message)" }
        return "line \(errorLine): \(message)"
    }
}

/// Sizes and limits for ``CSVChunker`` and ``NDJSONChunker``.
public struct ChunkerOptions: Sendable, Equatable {
    /// A chunk is handed out once it holds at least this many bytes of whole
    /// records (default 256 KiB: a chunk and its output stay in a core's
    /// cache, and the batch's memory is smaller than with larger chunks, at
    /// the same speed). Chunks are between this size and this size plus one
    /// read block plus one record; the last chunk may be smaller.
    public var targetChunkBytes: Int = 256 << 10
    /// Bytes asked of `read(2)` at a time (default 256 KiB).
    public var readBlockBytes: Int = 256 << 10
    /// The longest record accepted, in bytes, line terminator excluded
    /// (default 1 MiB). Longer records are reported and skipped without
    /// being buffered; a quoted field still open after this many bytes of
    /// its record is reported as an unterminated quote.
    public var maxRecordBytes: Int = 1 << 20

    public init(targetChunkBytes: Int = 256 << 10, readBlockBytes: Int = 256 << 10, maxRecordBytes: Int = 1 << 20) {
        self.targetChunkBytes = targetChunkBytes
        self.readBlockBytes = readBlockBytes
        self.maxRecordBytes = maxRecordBytes
    }
}
