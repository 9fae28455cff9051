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
/// would in a comma file. A CR before a line feed stays outside the quotes.
///
/// Memory: one input block, its output, and the part of an unquoted field
/// that runs past the end of a block. A field of `fieldLimit` bytes or more
/// (longer than any field the batch accepts) is always written quoted, so
/// that such a field need not be held whole: the output is the same
/// wherever the blocks end.
public final class DelimiterStage: TranscodingStage {
    private enum State {
        /// At the first byte of a field.
        case fieldStart
        /// In an unquoted field whose start is held in `field` until its
        /// end shows whether it needs quotes.
        case unquoted
        /// In an unquoted field of `fieldLimit` bytes or more, being
        /// written with its opening quote already out.
        case unquotedWrittenQuoted
        case quoted
        /// Just after a quote inside a quoted field.
        case quoteSeen
        /// After text that followed a closing quote: copied as it is.
        case afterQuote
    }

    private let delimiter: UInt8
    private let fieldLimit: Int
    /// Whether whole fields may be copied without a look at their length:
    /// a field within one block is then shorter than `fieldLimit`.
    private let copiesWholeFields: Bool
    /// Per byte: 2 ends an unquoted field (the delimiter, LF), 1 is a comma
    /// (the field will need quotes), 0 anything else.
    private let classes: [UInt8]
    private var field: [UInt8] = []
    private var fieldHasComma = false
    /// A CR seen in an ``State/unquotedWrittenQuoted`` field: it goes
    /// outside the closing quote if a line feed follows.
    private var heldCR = false
    private var state = State.fieldStart

    /// - Parameter delimiter: the byte between fields; not `,`, `"`, CR or LF.
    public init(reading inner: ByteSource, delimiter: UInt8, blockBytes: Int = 64 << 10, fieldLimit: Int = (64 << 10) + 1) {
        precondition(
            delimiter != ASCII.comma && delimiter != ASCII.quote && delimiter != ASCII.lineFeed
                && delimiter != ASCII.carriageReturn, "not a delimiter to transcode")
        self.delimiter = delimiter
        self.fieldLimit = max(1, fieldLimit)
        copiesWholeFields = self.fieldLimit > blockBytes
        var classes = [UInt8](repeating: 0, count: 256)
        classes[Int(delimiter)] = 2
        classes[Int(ASCII.lineFeed)] = 2
        classes[Int(ASCII.comma)] = 1
        self.classes = classes
        super.init(reading: inner, blockBytes: blockBytes)
    }

    override func start() throws(IOError) {
        // A byte-order mark stays in front, where the chunker skips it,
        // even when the first field gets quotes.
        if try inner.skipByteOrderMark() { output.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    override func finish() throws(IOError) {
        switch state {
        case .unquoted:
            let held = field
            field.removeAll()
            held.withUnsafeBytes { writeField($0, hasComma: fieldHasComma, endingLine: true) }
        case .unquotedWrittenQuoted:
            output.append(ASCII.quote)
            if heldCR { output.append(ASCII.carriageReturn) }
        default:
            break
        }
    }

    override func transcode(_ block: UnsafeRawBufferPointer) throws(IOError) {
        guard let base = block.baseAddress else { return }
        let u = base.assumingMemoryBound(to: UInt8.self)
        let n = block.count
        classes.withUnsafeBufferPointer { classes in
            var i = 0
            while i < n {
                switch state {
                case .fieldStart:
                    if u[i] == ASCII.quote {
                        output.append(ASCII.quote)
                        state = .quoted
                        i += 1
                        continue
                    }
                    // Most bytes: whole fields with neither a quote nor a
                    // comma, copied at once with D made a comma. The field
                    // in which such a byte (or the block's end) comes is
                    // left to the field-by-field path.
                    let special = copiesWholeFields ? Self.findQuoteOrComma(base, from: i, to: n) : i
                    let lastStart =
                        max(
                            findLastByte(delimiter, base, from: i, to: special) ?? (i - 1),
                            findLastByte(ASCII.lineFeed, base, from: i, to: special) ?? (i - 1)) + 1
                    if lastStart > i {
                        appendReplacingDelimiter(UnsafeRawBufferPointer(start: base + i, count: lastStart - i))
                        i = lastStart
                        continue
                    }
                    state = .unquoted
                    fieldHasComma = false
                case .unquoted:
                    // To the field's end, noting commas.
                    var j = i
                    var hasComma = false
                    while j < n {
                        let c = classes[Int(u[j])]
                        if c == 2 { break }
                        if c == 1 { hasComma = true }
                        j += 1
                    }
                    fieldHasComma = fieldHasComma || hasComma
                    let run = UnsafeRawBufferPointer(start: base + i, count: j - i)
                    if j == n {
                        holdFieldPart(run)
                        i = n
                        continue
                    }
                    let endsLine = u[j] == ASCII.lineFeed
                    if field.isEmpty {
                        writeField(run, hasComma: fieldHasComma, endingLine: endsLine)
                    } else {
                        field.append(contentsOf: run)
                        let held = field
                        field.removeAll(keepingCapacity: true)
                        held.withUnsafeBytes { writeField($0, hasComma: fieldHasComma, endingLine: endsLine) }
                    }
                    output.append(endsLine ? ASCII.lineFeed : ASCII.comma)
                    state = .fieldStart
                    i = j + 1
                case .unquotedWrittenQuoted:
                    let byte = u[i]
                    i += 1
                    if heldCR {
                        heldCR = false
                        if byte == ASCII.lineFeed {
                            output.append(contentsOf: [ASCII.quote, ASCII.carriageReturn, ASCII.lineFeed])
                            state = .fieldStart
                            continue
                        }
                        output.append(ASCII.carriageReturn)
                    }
                    if byte == delimiter || byte == ASCII.lineFeed {
                        output.append(ASCII.quote)
                        output.append(byte == delimiter ? ASCII.comma : byte)
                        state = .fieldStart
                    } else if byte == ASCII.carriageReturn {
                        heldCR = true
                    } else {
                        output.append(byte)
                        if byte == ASCII.quote { output.append(byte) }
                    }
                case .quoted:
                    // Copied up to and with the next quote.
                    let end = findByte(ASCII.quote, base, from: i, to: n)
                    output.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: (end.map { $0 + 1 } ?? n) - i))
                    if let end {
                        state = .quoteSeen
                        i = end + 1
                    } else {
                        i = n
                    }
                case .quoteSeen:
                    if u[i] == ASCII.quote {
                        output.append(ASCII.quote)
                        state = .quoted
                        i += 1
                    } else {
                        state = .afterQuote
                    }
                case .afterQuote:
                    let byte = u[i]
                    i += 1
                    if byte == delimiter {
                        output.append(ASCII.comma)
                        state = .fieldStart
                    } else {
                        output.append(byte)
                        if byte == ASCII.lineFeed { state = .fieldStart }
                    }
                }
            }
        }
    }

    /// Keeps the part of an unquoted field that reaches the end of a block;
    /// once the field is `fieldLimit` bytes long it is written quoted.
    private func holdFieldPart(_ run: UnsafeRawBufferPointer) {
        field.append(contentsOf: run)
        guard field.count >= fieldLimit else { return }
        output.append(ASCII.quote)
        field.withUnsafeBytes { held in
            let keepsCR = held.last == ASCII.carriageReturn
            appendDoublingQuotes(UnsafeRawBufferPointer(rebasing: held[..<(held.count - (keepsCR ? 1 : 0))]))
            heldCR = keepsCR
        }
        field.removeAll(keepingCapacity: true)
        state = .unquotedWrittenQuoted
    }

    /// Writes an unquoted field, quoted when it holds a comma or is
    /// `fieldLimit` bytes or longer. At a line's end a CR before the LF
    /// stays outside the quotes.
    private func writeField(_ value: UnsafeRawBufferPointer, hasComma: Bool, endingLine: Bool) {
        guard hasComma || value.count >= fieldLimit else {
            output.append(contentsOf: value)
            return
        }
        let keepsCR = endingLine && value.last == ASCII.carriageReturn
        output.append(ASCII.quote)
        appendDoublingQuotes(keepsCR ? UnsafeRawBufferPointer(rebasing: value.dropLast()) : value)
        output.append(ASCII.quote)
        if keepsCR { output.append(ASCII.carriageReturn) }
    }

    /// Appends `bytes`, each delimiter made a comma, a word at a time.
    private func appendReplacingDelimiter(_ bytes: UnsafeRawBufferPointer) {
        let start = output.count
        output.append(contentsOf: bytes)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiters = UInt64(delimiter) &* ones
        let flip = UInt64(delimiter ^ ASCII.comma) &* ones
        let delimiter = self.delimiter
        output.withUnsafeMutableBytes { out in
            let p = out.baseAddress!
            var i = start
            while out.count - i >= 8 {
                let w = (p + i).loadUnaligned(as: UInt64.self)
                let m = zeroByteMask(w ^ delimiters)
                if m != 0 {
                    // 0x80 in each matching byte → 0xFF, then flip D to ','.
                    (p + i).storeBytes(of: w ^ (((m >> 7) &* 0xFF) & flip), as: UInt64.self)
                }
                i += 8
            }
            while i < out.count {
                if out[i] == delimiter { out[i] = ASCII.comma }
                i += 1
            }
        }
    }

    /// Offset of the first `"` or `,` in `p[from..<to]`, or `to`.
    private static func findQuoteOrComma(_ p: UnsafeRawPointer, from: Int, to: Int) -> Int {
        let quotes = ASCII.inEveryByte(ASCII.quote)
        let commas = ASCII.inEveryByte(ASCII.comma)
        var i = from
        while to - i >= 8 {
            let w = (p + i).loadUnaligned(as: UInt64.self)
            let m = zeroByteMask(w ^ quotes) | zeroByteMask(w ^ commas)
            if m != 0 { return i + m.trailingZeroBitCount / 8 }
            i += 8
        }
        let u = p.assumingMemoryBound(to: UInt8.self)
        while i < to, u[i] != ASCII.quote, u[i] != ASCII.comma { i += 1 }
        return i
    }

    private func appendDoublingQuotes(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var start = 0
        while let quote = findByte(ASCII.quote, base, from: start, to: bytes.count) {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...quote]))
            output.append(ASCII.quote)
            start = quote + 1
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
    }
}
