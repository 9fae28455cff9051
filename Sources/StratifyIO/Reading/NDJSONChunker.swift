/// Cuts an NDJSON byte stream (one JSON object per line) into chunks of
/// whole lines, reading it block by block with bounded memory.
///
/// Rules (for the user documentation):
/// - Every LF ends a record: JSON strings cannot hold a raw line break, so
///   no quote tracking is needed. A CR before the LF is stripped
///   (``NDJSONLineScanner``). A UTF-8 byte-order mark at the very start is
///   skipped. There is no header.
/// - Blank lines (empty, or only spaces, tabs and CR) are not records but
///   count as lines. Line numbers are 1-based and absolute.
/// - A line longer than `maxRecordBytes` (default 1 MiB, LF excluded) is
///   one error item of kind ``RecordErrorKind/recordTooLong``; the rest of
///   it is streamed through without being buffered.
///
/// Items are numbered and ordered as described at ``IntakeItem``.
public final class NDJSONChunker {
    private let core: ChunkerCore
    private var nextSequence = 0

    public let options: ChunkerOptions

    public init(source: ByteSource, options: ChunkerOptions = ChunkerOptions()) {
        self.options = options
        self.core = ChunkerCore(source: source, csv: false, options: options)
    }

    /// The next chunk of whole lines or record error, in stream order,
    /// numbered from 0; nil at the end. Read failures throw.
    public func next() throws(IOError) -> IntakeItem? {
        guard let item = try core.next() else { return nil }
        defer { nextSequence += 1 }
        return item.renumbered(nextSequence)
    }
}
