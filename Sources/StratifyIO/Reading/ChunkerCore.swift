import Glibc
import StratifyCore

/// The engine shared by ``CSVChunker`` and ``NDJSONChunker``: reads blocks
/// into one working buffer, finds record boundaries, counts lines, applies
/// the length limits and recovery rules, and copies out chunks of whole
/// records. The rules are documented on ``CSVChunker``.
///
/// All stored positions are offsets into `buffer`; `base` is the stream
/// offset of `buffer[0]`. Compaction (in `fill`) slides the unfinished tail
/// to the front and shifts every position by the same amount.
///
/// Invariant after `scan()`: `filled - recStart <= maxRecord + 1` (longer
/// records have been reported and are being skipped) and, once `next()`
/// has emitted, `recStart - chunkStart < target`; so the buffer never needs
/// more than `target + maxRecord + 2 * block` bytes whatever the input.
final class ChunkerCore {
    /// Where the CSV scan is relative to quoting. Only these four states
    /// matter for finding record ends; they mirror ``CSVRecordScanner``
    /// exactly so that chunk boundaries and record boundaries agree.
    enum QuoteState {
        /// At the first byte of a field: a `"` here opens a quoted field.
        case fieldStart
        /// Inside an unquoted field (or after stray text following a closing
        /// quote): a `"` is a literal byte.
        case unquoted
        /// Inside a quoted field: line feeds and commas are data.
        case quoted
        /// Just after a `"` inside a quoted field: `""` is an escaped quote,
        /// anything else means the field was closed.
        case quoteSeen
    }

    enum UnterminatedReason {
        case endOfInput, tooLong, strayTextAfterClose
    }

    let source: ByteSource
    let csv: Bool
    let target: Int
    let block: Int
    let maxRecord: Int
    let capacity: Int
    /// The working buffer; `buffer` is its address.
    private let storage: FixedBuffer<UInt8>
    let buffer: UnsafeMutableRawPointer

    // Buffer window
    var base = 0
    var filled = 0
    var atEOF = false
    var finished = false
    var bomChecked = false

    // Scan state
    var scanPos = 0
    /// Absolute line number of the byte at `scanPos`.
    var line = 1
    var lineStart = 0
    var chunkStart = 0
    var chunkLine = 1
    var recStart = 0
    var recLine = 1
    var quote = QuoteState.fieldStart
    var quoteOpen = 0
    var quoteLine = 0
    var quoteColumn = 0
    /// Streaming through the rest of an over-long line without keeping it.
    var skipping = false

    // Output queue: a chunk and the error after it can be ready at once.
    var pending: [IntakeItem] = []
    var pendingHead = 0

    init(source: ByteSource, csv: Bool, options: ChunkerOptions) {
        precondition(
            options.targetChunkBytes > 0 && options.readBlockBytes > 0 && options.maxRecordBytes > 0,
            "chunker sizes must be positive")
        self.source = source
        self.csv = csv
        self.target = options.targetChunkBytes
        self.block = options.readBlockBytes
        self.maxRecord = options.maxRecordBytes
        self.capacity = target + maxRecord + 2 * block + 64
        self.storage = FixedBuffer(uninitializedCount: capacity)
        self.buffer = UnsafeMutableRawPointer(storage.baseAddress)
        pending.reserveCapacity(4)
    }

    /// The next item, or nil after the last one. Sequence numbers are left
    /// at 0; the public wrappers number the items they hand out.
    func next() throws(IOError) -> IntakeItem? {
        while true {
            if pendingHead < pending.count {
                let item = pending[pendingHead]
                pendingHead += 1
                if pendingHead == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingHead = 0
                }
                return item
            }
            if finished { return nil }
            if atEOF {
                scan()
                if quote == .quoted {
                    // Recovery rescans the lines after the opening quote,
                    // which may hold further records (and further errors).
                    unterminated(.endOfInput)
                    continue
                }
                // The last record may lack its line feed.
                emitChunk(upTo: filled, lineAtEnd: line)
                finished = true
                continue
            }
            try fill()
            scan()
            if recStart - chunkStart >= target {
                emitChunk(upTo: recStart, lineAtEnd: recLine)
            }
        }
    }

    // MARK: Reading

    private func fill() throws(IOError) {
        if capacity - filled < block {
            // Slide the unfinished part to the front. After a chunk has been
            // emitted that is only a partial record, so the copy is small.
            let shift = chunkStart
            if shift > 0 {
                if filled > shift { memmove(buffer, buffer + shift, filled - shift) }
                base += shift
                filled -= shift
                scanPos -= shift
                lineStart -= shift
                chunkStart -= shift
                recStart -= shift
                quoteOpen -= shift
            }
        }
        let want = min(block, capacity - filled)
        precondition(want > 0, "chunker buffer invariant broken")
        let got = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: want))
        if got == 0 { atEOF = true } else { filled += got }
    }

    // MARK: Scanning

    /// Scans `[scanPos, filled)`, moving `recStart` to the last record
    /// boundary seen and queuing error items (with the chunk before them).
    private func scan() {
        let p = UnsafeRawPointer(buffer)
        let u = p.assumingMemoryBound(to: UInt8.self)
        if !bomChecked {
            if filled < 3 && !atEOF { return }
            bomChecked = true
            if filled >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF {
                scanPos = 3
                lineStart = 3
                chunkStart = 3
                recStart = 3
            }
        }
        while scanPos < filled {
            if skipping {
                if let lf = findByte(ASCII.lineFeed, p, from: scanPos, to: filled) {
                    scanPos = lf + 1
                    line += 1
                    lineStart = scanPos
                    chunkStart = scanPos
                    recStart = scanPos
                    chunkLine = line
                    recLine = line
                    skipping = false
                    quote = .fieldStart
                } else {
                    // Drop what we have; compaction will reclaim the space.
                    scanPos = filled
                    chunkStart = filled
                    recStart = filled
                }
                continue
            }
            switch quote {
            case .quoted:
                if filled - scanPos >= 64 {
                    scanWindows()
                    continue
                }
                let close = findByte(ASCII.quote, p, from: scanPos, to: filled)
                let end = close ?? filled
                countLines(from: scanPos, to: end)
                if (close.map { $0 + 1 } ?? filled) - recStart > maxRecord {
                    unterminated(.tooLong)
                    continue
                }
                if let close {
                    scanPos = close + 1
                    quote = .quoteSeen
                } else {
                    scanPos = filled
                }
            case .quoteSeen:
                let b = u[scanPos]
                if b == ASCII.quote {  // "" : an escaped quote
                    quote = .quoted
                    scanPos += 1
                } else if b == ASCII.comma || b == ASCII.lineFeed || b == ASCII.carriageReturn {
                    quote = .unquoted  // the byte itself is handled below
                } else if line > quoteLine {
                    // A quoted run that crossed a line end and then "closes"
                    // onto stray text is far likelier a stray quote than a
                    // real multi-line field: recover as for an unterminated
                    // quote instead of swallowing lines into one record.
                    unterminated(.strayTextAfterClose)
                } else {
                    quote = .unquoted  // "ab"c : the scanner reports it
                }
            case .fieldStart, .unquoted:
                let regionStart = scanPos
                let q = csv ? findByte(ASCII.quote, p, from: scanPos, to: filled) : nil
                if let q, q - scanPos < 64, filled - scanPos >= 64 {
                    // Quotes close together: bit masks beat a memchr per quote.
                    // (The first window holds this quote, so it makes progress.)
                    scanWindows()
                    continue
                }
                let end = q ?? filled
                if end > scanPos && !outside(from: scanPos, to: end) {
                    continue  // over-long record: now skipping
                }
                guard let q else {
                    let last = u[end - 1]
                    quote = (last == ASCII.comma || last == ASCII.lineFeed) ? .fieldStart : .unquoted
                    continue
                }
                let opens =
                    q == regionStart
                    ? quote == .fieldStart
                    : (u[q - 1] == ASCII.comma || u[q - 1] == ASCII.lineFeed)
                scanPos = q + 1
                if opens {
                    quote = .quoted
                    quoteOpen = q
                    quoteLine = line
                    quoteColumn = q - lineStart + 1
                } else {
                    quote = .unquoted  // ab"c : a literal quote
                    if scanPos - recStart > maxRecord { tooLong(resumeAt: scanPos) }
                }
            }
        }
    }

    /// CSV with quotes close together: scans from `scanPos` 64 bytes at a
    /// time. Quotes and line feeds are found as bit masks and only those
    /// bytes are visited, with the same state machine and the same length
    /// decisions as the memchr path: with `P = recStart + maxRecord`, a
    /// quoted field still open at P is unterminated, and a record outside
    /// quotes at P with no line feed up to P is too long (skipped from
    /// P + 1). Returns when fewer than 64 bytes are left, at a window
    /// without quotes outside quotes (the memchr path is faster there), at
    /// a closing-quote candidate at the end of the data, or when skipping.
    private func scanWindows() {
        let p = UnsafeRawPointer(buffer)
        let u = p.assumingMemoryBound(to: UInt8.self)
        let maxRecord = self.maxRecord
        let filled = self.filled
        // Locals: class properties would each cost an exclusivity check.
        var pos = 0
        var state = QuoteState.fieldStart
        var line = 0
        var lineStart = 0
        var recStart = 0
        var recLine = 0
        var quoteOpen = 0
        var quoteLine = 0
        var quoteColumn = 0
        var outsideFrom = 0  // where the current run outside quotes began
        func load() {
            pos = scanPos
            state = quote
            line = self.line
            lineStart = self.lineStart
            recStart = self.recStart
            recLine = self.recLine
            quoteOpen = self.quoteOpen
            quoteLine = self.quoteLine
            quoteColumn = self.quoteColumn
            outsideFrom = pos
        }
        func save() {
            scanPos = pos
            if state == .fieldStart || state == .unquoted {
                // What the memchr path needs to know about `pos`.
                state =
                    pos == outsideFrom
                    ? state
                    : (u[pos - 1] == ASCII.comma || u[pos - 1] == ASCII.lineFeed) ? .fieldStart : .unquoted
            }
            quote = state
            self.line = line
            self.lineStart = lineStart
            self.recStart = recStart
            self.recLine = recLine
            self.quoteOpen = quoteOpen
            self.quoteLine = quoteLine
            self.quoteColumn = quoteColumn
        }
        load()
        windows: while filled - pos >= 64 && !skipping {
            let base = pos
            var quotes: UInt64 = 0
            var lineFeeds: UInt64 = 0
            for k in 0..<8 {
                let w = (p + (base + 8 * k)).loadUnaligned(as: UInt64.self)
                quotes |= byteMaskBits(zeroByteMask(w ^ ASCII.inEveryByte(ASCII.quote))) &<< UInt64(8 * k)
                lineFeeds |= byteMaskBits(zeroByteMask(w ^ ASCII.inEveryByte(ASCII.lineFeed))) &<< UInt64(8 * k)
            }
            if quotes == 0 && state != .quoted { break windows }
            var events = quotes | lineFeeds
            var windowEnd = base + 64
            while events != 0 {
                let bit = events.trailingZeroBitCount
                events &= events &- 1
                let e = base + bit
                let isLineFeed = (lineFeeds &>> UInt64(bit)) & 1 != 0
                if state == .quoted {
                    if isLineFeed {
                        line += 1
                        lineStart = e + 1
                        continue
                    }
                    if e - recStart >= maxRecord {  // still open at P
                        save()
                        unterminated(.tooLong)
                        load()
                        continue windows
                    }
                    let next = e + 1
                    if next >= filled {
                        state = .quoteSeen
                        pos = next
                        save()
                        return
                    }
                    let b = u[next]
                    if b == ASCII.quote {  // "" : escaped
                        if next < windowEnd {
                            events &= ~(UInt64(1) &<< UInt64(next - base))
                            continue
                        }
                        windowEnd = next + 1  // it was the next window's first byte
                        break
                    }
                    if b == ASCII.comma || b == ASCII.lineFeed || b == ASCII.carriageReturn || line == quoteLine {
                        state = .unquoted  // closed ("ab"c is the scanner's business)
                        outsideFrom = next
                        continue
                    }
                    // Closes on a later line onto stray text: a stray quote.
                    pos = next
                    save()
                    unterminated(.strayTextAfterClose)
                    load()
                    continue windows
                }
                // Outside quotes.
                if isLineFeed {
                    if e - recStart > maxRecord {  // no boundary up to P
                        pos = e
                        save()
                        tooLong(resumeAt: recStart + maxRecord + 1)
                        return
                    }
                    line += 1
                    lineStart = e + 1
                    recStart = e + 1
                    recLine = line
                    state = .fieldStart
                    outsideFrom = e + 1
                    continue
                }
                if e - recStart > maxRecord {  // outside quotes at P
                    pos = e
                    save()
                    tooLong(resumeAt: recStart + maxRecord + 1)
                    return
                }
                let opens = e == outsideFrom ? state == .fieldStart : (u[e - 1] == ASCII.comma || u[e - 1] == ASCII.lineFeed)
                if opens {
                    state = .quoted
                    quoteOpen = e
                    quoteLine = line
                    quoteColumn = e - lineStart + 1
                } else {
                    state = .unquoted  // ab"c : literal
                    if e - recStart >= maxRecord {
                        pos = e + 1
                        save()
                        tooLong(resumeAt: e + 1)
                        return
                    }
                }
            }
            // Leaving the window: did the record reach P inside it?
            pos = windowEnd
            if pos - 1 >= recStart + maxRecord {
                if state == .quoted {
                    save()
                    unterminated(.tooLong)
                    load()
                    continue windows
                }
                save()
                tooLong(resumeAt: recStart + maxRecord + 1)
                return
            }
        }
        save()
    }

    /// Handles `[from, to)`, which holds no `"` and lies outside quotes, so
    /// every line feed in it ends a record. Returns false if a record there
    /// is longer than `maxRecord` (the scan is then skipping).
    private func outside(from start: Int, to end: Int) -> Bool {
        let p = UnsafeRawPointer(buffer)
        var from = start
        while true {
            if end - recStart <= maxRecord {
                // Common case: no record here can be too long.
                if let last = findLastByte(ASCII.lineFeed, p, from: from, to: end) {
                    line += countLineFeeds(p, from: from, to: last + 1)
                    lineStart = last + 1
                    recStart = last + 1
                    recLine = line
                }
                scanPos = end
                return true
            }
            // The record at recStart is acceptable only if it ends within
            // maxRecord bytes, i.e. a line feed lies at or before this point.
            let windowEnd = recStart + maxRecord + 1
            if from < windowEnd, let last = findLastByte(ASCII.lineFeed, p, from: from, to: windowEnd) {
                line += countLineFeeds(p, from: from, to: last + 1)
                lineStart = last + 1
                recStart = last + 1
                recLine = line
                from = last + 1
                continue
            }
            tooLong(resumeAt: max(from, windowEnd))
            return false
        }
    }

    private func countLines(from start: Int, to end: Int) {
        let p = UnsafeRawPointer(buffer)
        if let last = findLastByte(ASCII.lineFeed, p, from: start, to: end) {
            line += countLineFeeds(p, from: start, to: last + 1)
            lineStart = last + 1
        }
    }

    // MARK: Errors and recovery

    /// The record at `recStart` is too long: report it and stream through
    /// the rest of the physical line from `resumeAt` without buffering it.
    private func tooLong(resumeAt position: Int) {
        emitChunk(upTo: recStart, lineAtEnd: recLine)
        pending.append(
            .recordError(
                IntakeRecordError(
                    kind: .recordTooLong, line: recLine, errorLine: recLine, column: nil,
                    byteOffset: base + recStart,
                    message: "record longer than \(maxRecord) bytes")))
        skipping = true
        quote = .fieldStart
        scanPos = position
        chunkStart = position
        recStart = position
    }

    /// The quote at `quoteOpen` is unterminated: report the record, end it
    /// at the end of the line where the quote opened, and rescan from the
    /// next line so the rest of the input is not swallowed into one field.
    private func unterminated(_ reason: UnterminatedReason) {
        emitChunk(upTo: recStart, lineAtEnd: recLine)
        let message: String
        switch reason {
        case .endOfInput:
            message = "unterminated quoted field: the quote is never closed"
        case .tooLong:
            message = "unterminated quoted field: the quote is not closed within \(maxRecord) bytes"
        case .strayTextAfterClose:
            message = "unterminated quoted field: the quote that would close it, on line \(line), is followed by text"
        }
        pending.append(
            .recordError(
                IntakeRecordError(
                    kind: .unterminatedQuote, line: recLine, errorLine: quoteLine, column: quoteColumn,
                    byteOffset: base + recStart, message: message)))
        quote = .fieldStart
        if let lf = findByte(ASCII.lineFeed, UnsafeRawPointer(buffer), from: quoteOpen, to: filled) {
            scanPos = lf + 1
            line = quoteLine + 1
            lineStart = scanPos
        } else {
            // The opening line goes on past what is buffered.
            scanPos = filled
            line = quoteLine
            if !atEOF { skipping = true }
        }
        chunkStart = scanPos
        recStart = scanPos
        chunkLine = line
        recLine = line
    }

    private func emitChunk(upTo end: Int, lineAtEnd: Int) {
        guard end > chunkStart else { return }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: buffer + chunkStart, count: end - chunkStart))
        pending.append(
            .chunk(
                IntakeChunk(
                    bytes: bytes, firstLine: chunkLine, lineCount: lineAtEnd - chunkLine,
                    byteOffset: base + chunkStart, sequenceNumber: 0)))
        chunkStart = end
        chunkLine = lineAtEnd
    }
}

extension IntakeItem {
    func renumbered(_ n: Int) -> IntakeItem {
        switch self {
        case .chunk(var c):
            c.sequenceNumber = n
            return .chunk(c)
        case .recordError(var e):
            e.sequenceNumber = n
            return .recordError(e)
        }
    }
}
