/// Where one field lies in a chunk. Offsets are into the buffer passed to
/// ``CSVRecordScanner/nextRecord(in:)``.
public struct CSVField: Sendable, Equatable {
    /// First byte of the value; for a quoted field, the byte after the
    /// opening quote.
    public var start: Int
    /// One past the last byte of the value; for a quoted field, the closing
    /// quote. A trailing CR of the record's CR LF is not included.
    public var end: Int
    /// The field was enclosed in double quotes.
    public var isQuoted: Bool
    /// The quoted value contains `""`, so it must be unescaped (see
    /// ``CSVRecordScanner/value(of:in:)``) before use.
    public var hasEscapedQuotes: Bool

    /// Raw length in bytes (before unescaping).
    public var count: Int { end - start }

    public init(start: Int, end: Int, isQuoted: Bool, hasEscapedQuotes: Bool) {
        self.start = start
        self.end = end
        self.isQuoted = isQuoted
        self.hasEscapedQuotes = hasEscapedQuotes
    }
}

/// Limits for ``CSVRecordScanner``.
public struct CSVScannerOptions: Sendable, Equatable {
    /// The longest field accepted, in raw bytes between the delimiters (or
    /// between the quotes), default 64 KiB. A longer field makes its record
    /// an error (``RecordErrorKind/fieldTooLong``); scanning goes on with the
    /// next record.
    public var maxFieldBytes: Int = 64 << 10

    public init(maxFieldBytes: Int = 64 << 10) {
        self.maxFieldBytes = maxFieldBytes
    }
}

/// A problem found while tokenizing one record; the record is still cut out
/// correctly, so scanning continues with the next one.
///
/// Plain data (the message is built on demand), so that
/// ``CSVRecordInfo`` stays a trivial type and returning one per record
/// costs no reference counting.
public struct CSVRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: RecordErrorKind
    /// 0-based line index within the chunk where the problem is (add the
    /// chunk's `firstLine` for the absolute line).
    public var lineOffset: Int
    /// 1-based byte column on that line.
    public var column: Int
    /// `.fieldTooLong`: the 1-based field number. `.unterminatedQuote`: how
    /// many lines after the opening quote the quote that seemed to close it
    /// is (0: the quote is never closed).
    public var detail: Int
    /// `.fieldTooLong`: the limit in bytes.
    public var limit: Int

    public init(kind: RecordErrorKind, lineOffset: Int, column: Int, detail: Int = 0, limit: Int = 0) {
        self.kind = kind
        self.lineOffset = lineOffset
        self.column = column
        self.detail = detail
        self.limit = limit
    }

    /// E.g. "unexpected character after closing quote at column 7".
    public var message: String {
        switch kind {
        case .unexpectedCharacterAfterQuote:
            return "unexpected character after closing quote at column \(column)"
        case .fieldTooLong:
            return "field \(detail) is longer than \(limit) bytes"
        case .unterminatedQuote:
            return detail == 0
                ? "unterminated quoted field: the quote is never closed"
                : "unterminated quoted field: the quote that would close it, \(detail) line(s) later, is followed by text"
        case .recordTooLong:
            return "record longer than \(limit) bytes"
        }
    }

    public var description: String { message }
}

/// One record found by ``CSVRecordScanner``; its fields are in the
/// scanner's ``CSVRecordScanner/fields`` until the next call.
public struct CSVRecordInfo: Sendable, Equatable {
    /// Offset of the record's first byte in the chunk.
    public var start: Int
    /// One past the record's last content byte (its CR LF or LF excluded).
    public var end: Int
    /// 0-based index, within the chunk, of the line the record starts on.
    /// The absolute line is `chunk.firstLine + lineOffset`.
    public var lineOffset: Int
    /// Physical lines the record spans (more than 1 when a quoted field
    /// holds line breaks).
    public var lineCount: Int
    /// Number of fields (at least 1).
    public var fieldCount: Int
    /// Some byte of the record is NUL.
    public var hasNUL: Bool
    /// Some byte of the record is ≥ 0x80. Records without this flag are
    /// plain ASCII and need no UTF-8 validation. For the others, validate
    /// the whole record span `start..<end` once with ``UTF8Validation``:
    /// delimiters and quotes are ASCII, so they can never sit inside a
    /// multi-byte sequence, and the record is valid exactly when each of
    /// its fields is (one call per record is much cheaper than one per
    /// field).
    public var hasNonASCII: Bool
    /// The first problem found in the record, if any.
    public var error: CSVRecordError?
}
