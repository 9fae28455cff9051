/// Rewrites CSV whose fields are separated by another byte (`;`, a tab)
/// into the comma CSV that ``CSVChunker`` reads, as it streams, so that the
/// comma reader (and its speed) stays as it is for every other file.
///
/// RFC 4180 with delimiter D becomes RFC 4180 with a comma: each D that
/// separates fields becomes `,`; a quoted field is copied as it is (a comma
/// in it is already data); an unquoted field that holds a comma is quoted,
/// its quotes doubled. Line feeds are copied, so line numbers stay true
/// (byte offsets and columns shift by the quotes added). Text after a
/// closing quote (`"ab"c`) is copied, so the comma reader reports it as it
/// would in a comma file.
///
/// Memory: one input block, its output, and the unquoted field being read.
/// A field longer than `fieldLimit` (longer than any field the batch
/// accepts) is written quoted from there on rather than held.
public final class DelimiterStage: TranscodingStage {
    private enum State {
        /// At the first byte of a field.
        case fieldStart
        /// In an unquoted field, held in `field` until its end shows
        /// whether it needs quotes.
        case unquoted
        /// In an unquoted field longer than `fieldLimit`, being written
        /// with an opening quote already out.
        case unquotedWrittenQuoted
        case quoted
        /// Just after a quote inside a quoted field.
        case quoteSeen
        /// After text that followed a closing quote: copied as it is.
        case afterQuote
    }

    private let delimiter: UInt8
    private let fieldLimit: Int
    private var field: [UInt8] = []
    private var fieldHasComma = false
    private var state = State.fieldStart

    private static let comma: UInt8 = 0x2C
    private static let quote: UInt8 = 0x22
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    /// - Parameter delimiter: the byte between fields; not `,`, `"`, CR or LF.
    public init(reading inner: ByteSource, delimiter: UInt8, blockBytes: Int = 64 << 10, fieldLimit: Int = (64 << 10) + 1) {
        precondition(delimiter != Self.comma && delimiter != Self.quote && delimiter != Self.lineFeed
            && delimiter != Self.carriageReturn, "not a delimiter to transcode")
        self.delimiter = delimiter
        self.fieldLimit = max(1, fieldLimit)
        super.init(reading: inner, blockBytes: blockBytes)
    }

    override func start() throws(IOError) {
        // A byte-order mark stays in front, where the chunker skips it,
        // even when the first field gets quotes.
        if try inner.skipByteOrderMark() { output.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    override func transcode(_ block: UnsafeRawBufferPointer) throws(IOError) {
        for byte in block { transcode(byte) }
    }

    override func finish() throws(IOError) {
        switch state {
        case .unquoted: writeField(endingLine: false)
        case .unquotedWrittenQuoted: output.append(Self.quote)
        default: break
        }
    }

    @inline(__always)
    private func transcode(_ byte: UInt8) {
        switch state {
        case .fieldStart:
            if byte == Self.quote {
                output.append(byte)
                state = .quoted
                return
            }
            state = .unquoted
            fieldHasComma = false
            transcode(byte)
        case .unquoted:
            if byte == delimiter {
                writeField(endingLine: false)
                output.append(Self.comma)
                state = .fieldStart
            } else if byte == Self.lineFeed {
                writeField(endingLine: true)
                output.append(byte)
                state = .fieldStart
            } else {
                field.append(byte)
                if byte == Self.comma { fieldHasComma = true }
                if field.count >= fieldLimit {
                    output.append(Self.quote)
                    appendDoublingQuotes(field)
                    field.removeAll(keepingCapacity: true)
                    state = .unquotedWrittenQuoted
                }
            }
        case .unquotedWrittenQuoted:
            if byte == delimiter || byte == Self.lineFeed {
                output.append(Self.quote)
                output.append(byte == delimiter ? Self.comma : byte)
                state = .fieldStart
            } else {
                output.append(byte)
                if byte == Self.quote { output.append(byte) }
            }
        case .quoted:
            output.append(byte)
            if byte == Self.quote { state = .quoteSeen }
        case .quoteSeen:
            if byte == Self.quote {
                output.append(byte)
                state = .quoted
            } else {
                state = .afterQuote
                transcode(byte)
            }
        case .afterQuote:
            if byte == delimiter {
                output.append(Self.comma)
                state = .fieldStart
            } else {
                output.append(byte)
                if byte == Self.lineFeed { state = .fieldStart }
            }
        }
    }

    /// Writes the held unquoted field, quoted when it holds a comma. At a
    /// line's end a CR before the LF stays outside the quotes.
    private func writeField(endingLine: Bool) {
        defer { field.removeAll(keepingCapacity: true) }
        guard fieldHasComma else {
            output.append(contentsOf: field)
            return
        }
        let keepsCR = endingLine && field.last == Self.carriageReturn
        output.append(Self.quote)
        appendDoublingQuotes(keepsCR ? field.dropLast() : field[...])
        output.append(Self.quote)
        if keepsCR { output.append(Self.carriageReturn) }
    }

    private func appendDoublingQuotes<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        for byte in bytes {
            output.append(byte)
            if byte == Self.quote { output.append(byte) }
        }
    }
}
