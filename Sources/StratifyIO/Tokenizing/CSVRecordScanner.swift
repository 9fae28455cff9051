import StratifyCore
/// Tokenizes the records of a CSV chunk (RFC 4180) into field spans,
/// without copying and without allocating per record.
///
/// Grammar, as implemented:
/// - Fields are separated by `,`; records end at LF or CR LF. A CR that is
///   not followed by LF is data (it is stripped only at the end of the
///   chunk, where a final line may lack its LF).
/// - A field that *starts* with `"` is quoted: inside it `""` stands for
///   one quote and commas, CR and LF are data.
/// - A `"` elsewhere in an unquoted field is literal (lenient: `ab"c` is the
///   value `ab"c`).
/// - Text after a closing quote before the next comma or line end
///   (`"ab"c`) makes the record an error
///   (``RecordErrorKind/unexpectedCharacterAfterQuote``); the rest of the
///   field is read as unquoted text so the record still ends where
///   ``CSVChunker`` thinks it does.
/// - A quoted field that is never closed, or whose apparent closing quote is
///   on a later line and followed by text, is an unterminated quote: the
///   record ends at the end of the line where the quote opened (the same
///   rule as ``CSVChunker``).
/// - Blank lines (empty or a lone CR) are skipped; they are not records.
/// - A trailing comma means an empty last field.
///
/// Use one scanner per thread and reuse it for every chunk:
/// ```swift
/// chunk.bytes.withUnsafeBytes { buf in
///     scanner.reset()
///     while let record = scanner.nextRecord(in: buf) {
///         for field in scanner.fields { let v = scanner.value(of: field, in: buf) … }
///     }
/// }
/// ```
public final class CSVRecordScanner {
    public let options: CSVScannerOptions

    /// All mutable state lives in one box: stored `var`s of a class would
    /// each cost a dynamic exclusivity check (`swift_beginAccess`) per
    /// access, about 15 per record; state reached through the box is not
    /// checked at run time. The scanner is single-threaded anyway.
    @usableFromInline let state: StateBox<ScannerState>
    /// The field spans of the current record (`state.value.fields` points
    /// here); replaced by a bigger copy when a record has more fields.
    private let fieldStorage = GrowableBuffer(
        capacity: 64, padding: CSVField(start: 0, end: 0, isQuoted: false, hasEscapedQuotes: false))
    private let scratch = ScratchBuffer()

    @usableFromInline
    struct ScannerState {
        var position = 0
        var line = 0
        @usableFromInline var fieldCount = 0
        @usableFromInline var fields: UnsafeMutablePointer<CSVField>
        var capacity: Int
        // The 64-byte window of the word path, kept between calls so the
        // bytes after one record's line feed are not examined twice. Bit i
        // of each mask stands for byte `windowBase + i`.
        var windowBuffer: UnsafeRawPointer?
        var windowBase = 0
        var windowCommas: UInt64 = 0
        var windowLineFeeds: UInt64 = 0
        var windowQuotes: UInt64 = 0
        var windowNULs: UInt64 = 0
        var windowNonASCII: UInt64 = 0
        /// Tests turn this off to check the word path against the byte loop.
        var usesWordScan = true
    }

    /// Where the scan of one record stands, handed from the word path to
    /// the byte loop.
    private struct RecordScan {
        let recordStart: Int
        let recordLine: Int
        var pos: Int
        var line: Int
        var fieldStart: Int
        var fields: UnsafeMutablePointer<CSVField>
        var capacity: Int
        var fieldCount = 0
        var byteClasses: UInt8 = 0
        var error: CSVRecordError? = nil
    }

    /// Offset in the chunk where the next record scan starts.
    public var position: Int { state.value.position }
    /// 0-based line index (within the chunk) of `position`.
    public var line: Int { state.value.line }
    /// Number of fields of the last record returned.
    public var fieldCount: Int {
        @inlinable get { state.value.fieldCount }
    }

    public init(options: CSVScannerOptions = CSVScannerOptions()) {
        self.options = options
        state = StateBox(ScannerState(fields: fieldStorage.baseAddress, capacity: fieldStorage.capacity))
    }

    /// Starts over, for a new chunk (or at `position` / `line` of one).
    public func reset(position: Int = 0, line: Int = 0) {
        state.value.position = position
        state.value.line = line
        state.value.fieldCount = 0
        state.value.windowBuffer = nil
    }

    /// The fields of the last record returned by ``nextRecord(in:)``; valid
    /// until the next call.
    @inlinable
    public var fields: CSVFieldList { CSVFieldList(base: state.value.fields, count: state.value.fieldCount) }

    /// Field `index` of the last record returned.
    @inlinable
    public subscript(field index: Int) -> CSVField {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        return state.value.fields[index]
    }

    /// Doubles the field store, keeping the fields so far; returns the new
    /// store and its capacity.
    private func grow() -> (UnsafeMutablePointer<CSVField>, Int) {
        let capacity = fieldStorage.capacity * 2
        let fields = fieldStorage.grow(to: capacity)
        state.value.fields = fields
        state.value.capacity = capacity
        return (fields, capacity)
    }

    /// Scans the next record of `chunk` starting at ``position``, fills
    /// ``fields`` and returns its description, or nil at the end of the
    /// chunk. Pass the same buffer on every call for one chunk, and call
    /// ``reset(position:line:)`` before starting on another chunk (the
    /// scanner caches bit masks of the bytes it has looked at).
    public func nextRecord(in chunk: UnsafeRawBufferPointer) -> CSVRecordInfo? {
        let n = chunk.count
        var pos = state.value.position
        var line = state.value.line
        guard pos < n, let raw = chunk.baseAddress else {
            state.value.fieldCount = 0
            return nil
        }
        let u = raw.assumingMemoryBound(to: UInt8.self)

        // Blank lines (empty, or a lone CR) are not records.
        while pos < n {
            let b = u[pos]
            if b == ASCII.lineFeed {
                pos += 1
                line += 1
                continue
            }
            if b == ASCII.carriageReturn {
                if pos + 1 == n {
                    pos = n
                    break
                }
                if u[pos + 1] == ASCII.lineFeed {
                    pos += 2
                    line += 1
                    continue
                }
            }
            break
        }
        if pos >= n {
            state.value.position = n
            state.value.line = line
            state.value.fieldCount = 0
            return nil
        }

        var scan = RecordScan(
            recordStart: pos, recordLine: line, pos: pos, line: line, fieldStart: pos,
            fields: state.value.fields, capacity: state.value.capacity)
        if state.value.usesWordScan, let record = scanWords(raw, n, &scan) {
            return record
        }
        return scanBytes(u, n, scan)
    }

    /// The word path: from `scan`, cuts fields at the delimiters found 64
    /// bytes at a time. Returns the record, or nil with `scan` at the start
    /// of the field where the byte loop must take over.
    ///
    /// Delimiters are found 64 bytes at a time as bit masks
    /// (SWAR), and fields are cut at the set bits: no per-byte branch, so
    /// no branch misprediction per field. Windows without quotes take a
    /// tight loop over the commas; windows with quotes walk the quote,
    /// comma and line feed bits in order, which covers clean quoted
    /// fields (`"…"` then `,` LF or CR LF, `""` escapes, one line). For
    /// anything else (a line break inside quotes, text after a closing
    /// quote, the last 63 bytes of the chunk) the byte loop below takes
    /// over from the start of the current field.
    @inline(__always)
    private func scanWords(_ raw: UnsafeRawPointer, _ n: Int, _ scan: inout RecordScan) -> CSVRecordInfo? {
        let u = raw.assumingMemoryBound(to: UInt8.self)
        let maxField = options.maxFieldBytes
        let recordStart = scan.recordStart
        let line = scan.line
        var pos = scan.pos
        var fields = scan.fields
        var cap = scan.capacity
        var nf = 0
        var acc: UInt8 = 0
        var error: CSVRecordError? = nil
        var fieldStart = pos
        var base = state.value.windowBase
        var commas = state.value.windowCommas
        var lineFeeds = state.value.windowLineFeeds
        var quotes = state.value.windowQuotes
        var nuls = state.value.windowNULs
        var nonASCII = state.value.windowNonASCII
        var haveWindow = state.value.windowBuffer == UnsafeRawPointer(raw)
        defer {
            state.value.windowBuffer = haveWindow ? UnsafeRawPointer(raw) : nil
            state.value.windowBase = base
            state.value.windowCommas = commas
            state.value.windowLineFeeds = lineFeeds
            state.value.windowQuotes = quotes
            state.value.windowNULs = nuls
            state.value.windowNonASCII = nonASCII
        }
        var inQuotes = false  // inside the current field's quotes
        var closedAt = -1  // the current field's closing quote
        var escaped = false
        var skipQuoteAt = -1  // second quote of a "" split across windows
        fast: while true {
            if !(haveWindow && pos >= base && pos &- base < 64) {
                guard n &- pos >= 64 else { break fast }  // short tail: byte loop
                base = pos
                (commas, lineFeeds, quotes, nuls, nonASCII) = CSVRecordScanner.window(raw + pos)
                haveWindow = true
            }
            let offset = pos &- base
            let live = ~UInt64(0) &<< UInt64(offset)
            // Up to 64 fields end in this window: make room once.
            if cap &- nf < 65 {
                (fields, cap) = grow()
            }
            if quotes & live == 0 && !inQuotes && closedAt < 0 {
                // No quote: every delimiter before the first line feed is
                // a comma.
                let firstLineFeed = (lineFeeds & live).trailingZeroBitCount  // 64: none
                var d = commas & live & (firstLineFeed >= 64 ? ~UInt64(0) : (UInt64(1) &<< UInt64(firstLineFeed)) &- 1)
                while d != 0 {
                    let p = base &+ d.trailingZeroBitCount
                    fields[nf] = CSVField(start: fieldStart, end: p, isQuoted: false, hasEscapedQuotes: false)
                    nf &+= 1
                    if p &- fieldStart > maxField && error == nil {
                        error = fieldTooLong(nf, lineOffset: line, column: fieldStart &- recordStart &+ 1)
                    }
                    fieldStart = p &+ 1
                    d &= d &- 1
                }
                if firstLineFeed < 64 {
                    let p = base &+ firstLineFeed
                    var fieldEnd = p
                    if fieldEnd > fieldStart && u[fieldEnd &- 1] == ASCII.carriageReturn { fieldEnd &-= 1 }
                    fields[nf] = CSVField(start: fieldStart, end: fieldEnd, isQuoted: false, hasEscapedQuotes: false)
                    nf &+= 1
                    if fieldEnd &- fieldStart > maxField && error == nil {
                        error = fieldTooLong(nf, lineOffset: line, column: fieldStart &- recordStart &+ 1)
                    }
                    return recordEndingAtLineFeed(
                        p, start: recordStart, end: fieldEnd, line: line, fieldCount: nf, byteClasses: acc,
                        window: (nuls, nonASCII), span: live & ((UInt64(1) &<< UInt64(firstLineFeed)) &- 1), error: error)
                }
            } else {
                var events = (commas | lineFeeds | quotes) & live
                while events != 0 {
                    let bit = events.trailingZeroBitCount
                    events &= events &- 1
                    let p = base &+ bit
                    let b = u[p]
                    if inQuotes {
                        if b == ASCII.comma { continue }  // a comma inside quotes
                        if b == ASCII.lineFeed { break fast }  // multi-line field: byte loop
                        if p == skipQuoteAt { continue }
                        if p &+ 1 < n && u[p &+ 1] == ASCII.quote {  // "" : an escaped quote
                            escaped = true
                            if bit < 63 {
                                events &= ~(UInt64(1) &<< UInt64(bit &+ 1))
                            } else {
                                skipQuoteAt = p &+ 1
                            }
                            continue
                        }
                        // The closing quote: only `,` LF or CR LF may follow.
                        inQuotes = false
                        closedAt = p
                        guard p &+ 1 < n else { break fast }
                        let a = u[p &+ 1]
                        if a == ASCII.comma || a == ASCII.lineFeed { continue }
                        if a == ASCII.carriageReturn && p &+ 2 < n && u[p &+ 2] == ASCII.lineFeed { continue }
                        break fast  // "ab"c and the like
                    }
                    if b == ASCII.quote {
                        if p == fieldStart { inQuotes = true }  // opens a quoted field
                        continue  // ab"c : a literal quote
                    }
                    // A comma or line feed ends the field.
                    var start = fieldStart
                    var fieldEnd = p
                    let quoted = closedAt >= 0
                    if quoted {
                        start = fieldStart &+ 1
                        fieldEnd = closedAt
                    } else if b == ASCII.lineFeed && fieldEnd > fieldStart && u[fieldEnd &- 1] == ASCII.carriageReturn {
                        fieldEnd &-= 1
                    }
                    fields[nf] = CSVField(start: start, end: fieldEnd, isQuoted: quoted, hasEscapedQuotes: quoted && escaped)
                    nf &+= 1
                    if fieldEnd &- start > maxField && error == nil {
                        error = fieldTooLong(nf, lineOffset: line, column: fieldStart &- recordStart &+ 1)
                    }
                    closedAt = -1
                    escaped = false
                    if b == ASCII.lineFeed {
                        return recordEndingAtLineFeed(
                            p, start: recordStart, end: quoted ? fieldEnd &+ 1 : fieldEnd, line: line, fieldCount: nf,
                            byteClasses: acc, window: (nuls, nonASCII), span: live & ((UInt64(1) &<< UInt64(bit)) &- 1),
                            error: error)
                    }
                    fieldStart = p &+ 1
                }
            }
            if nuls & live != 0 { acc |= CSVByteClass.nul }
            if nonASCII & live != 0 { acc |= CSVByteClass.nonASCII }
            pos = base &+ 64
        }
        // Hand over to the byte loop at the start of the current field;
        // note the flags of the bytes before it that this window saw.
        if haveWindow && pos >= base && pos &- base < 64 {
            let offset = pos &- base
            let upTo = fieldStart &- base
            if upTo > offset {
                let live = ~UInt64(0) &<< UInt64(offset)
                let span = live & (upTo >= 64 ? ~UInt64(0) : (UInt64(1) &<< UInt64(upTo)) &- 1)
                if nuls & span != 0 { acc |= CSVByteClass.nul }
                if nonASCII & span != 0 { acc |= CSVByteClass.nonASCII }
            }
        }
        scan.pos = fieldStart
        scan.fieldStart = fieldStart
        scan.fields = fields
        scan.capacity = cap
        scan.fieldCount = nf
        scan.byteClasses = acc
        scan.error = error
        return nil
    }

    /// The one-line record the word path ends at the line feed at
    /// `lineFeed` (its first line is `line`), with the NUL and non-ASCII
    /// bits of the window's bytes in `span` added to `byteClasses`; the
    /// next scan starts after the line feed.
    @inline(__always)
    private func recordEndingAtLineFeed(
        _ lineFeed: Int, start: Int, end: Int, line: Int, fieldCount: Int, byteClasses: UInt8,
        window: (nuls: UInt64, nonASCII: UInt64), span: UInt64, error: CSVRecordError?
    ) -> CSVRecordInfo {
        var acc = byteClasses
        if window.nuls & span != 0 { acc |= CSVByteClass.nul }
        if window.nonASCII & span != 0 { acc |= CSVByteClass.nonASCII }
        state.value.position = lineFeed &+ 1
        state.value.line = line &+ 1
        state.value.fieldCount = fieldCount
        return CSVRecordInfo(
            start: start, end: end, lineOffset: line, lineCount: 1, fieldCount: fieldCount,
            hasNUL: acc & CSVByteClass.nul != 0, hasNonASCII: acc & CSVByteClass.nonASCII != 0, error: error)
    }

    /// The byte loop: the full grammar, quotes included, from `scan` to the
    /// end of the record.
    @inline(__always)
    private func scanBytes(_ u: UnsafePointer<UInt8>, _ n: Int, _ scan: RecordScan) -> CSVRecordInfo {
        let maxField = options.maxFieldBytes
        let recordStart = scan.recordStart
        let recordLine = scan.recordLine
        var pos = scan.pos
        var line = scan.line
        var fields = scan.fields
        var cap = scan.capacity
        var nf = scan.fieldCount
        var acc = scan.byteClasses
        var error = scan.error
        var fieldStart = scan.fieldStart
        let tbl = CSVByteClass.table
        let stopUnquoted = CSVByteClass.comma | CSVByteClass.lineFeed
        let stopQuoted = CSVByteClass.quote | CSVByteClass.lineFeed
        var lineStart = recordStart
        var end = n
        var endedByLineFeed = false

        fieldLoop: while true {
            if nf == cap {
                (fields, cap) = grow()
            }
            fieldStart = pos
            if pos < n && u[pos] == ASCII.quote {
                let openPos = pos
                let openLine = line
                let openLineStart = lineStart
                var q = pos + 1
                var escaped = false
                var closed = false
                while q < n {
                    let c = tbl[Int(u[q])]
                    acc |= c
                    if c & stopQuoted == 0 {
                        q += 1
                        continue
                    }
                    if c == CSVByteClass.lineFeed {
                        line += 1
                        q += 1
                        lineStart = q
                        continue
                    }
                    if q + 1 < n && u[q + 1] == ASCII.quote {
                        escaped = true
                        q += 2
                        continue
                    }
                    closed = true
                    break
                }
                let after = q + 1
                if closed {
                    let b = after < n ? u[after] : ASCII.lineFeed
                    if b == ASCII.comma || b == ASCII.lineFeed || (b == ASCII.carriageReturn && (after + 1 == n || u[after + 1] == ASCII.lineFeed)) {
                        fields[nf] = CSVField(start: openPos + 1, end: q, isQuoted: true, hasEscapedQuotes: escaped)
                        nf += 1
                        if q - openPos - 1 > maxField && error == nil {
                            error = fieldTooLong(nf, lineOffset: openLine, column: openPos - openLineStart + 1)
                        }
                        if after >= n {
                            pos = n
                            end = n
                            break fieldLoop
                        }
                        end = after
                        if b == ASCII.comma {
                            pos = after + 1
                            continue fieldLoop
                        }
                        endedByLineFeed = after + (b == ASCII.carriageReturn ? 1 : 0) < n
                        pos = after + (b == ASCII.carriageReturn ? 2 : 1)
                        if endedByLineFeed { line += 1 } else { pos = n }
                        break fieldLoop
                    }
                    if b != ASCII.carriageReturn && line > openLine {
                        // The "closing" quote is on a later line and stray
                        // text follows: most likely a stray opening quote.
                        return unterminated(
                            u, n, openPos: openPos, openLine: openLine, openLineStart: openLineStart,
                            fields: fields, nf: nf, acc: acc, recordStart: recordStart, recordLine: recordLine,
                            linesToClose: line - openLine)
                    }
                    // "ab"c : report, then read the rest as unquoted text.
                    if error == nil {
                        error = CSVRecordError(
                            kind: .unexpectedCharacterAfterQuote, lineOffset: line,
                            column: after - lineStart + 1)
                    }
                    fieldStart = openPos
                    pos = after
                } else {
                    return unterminated(
                        u, n, openPos: openPos, openLine: openLine, openLineStart: openLineStart,
                        fields: fields, nf: nf, acc: acc, recordStart: recordStart, recordLine: recordLine,
                        linesToClose: 0)
                }
            }

            // Unquoted field (or the rest of one after stray text).
            while pos < n {
                let c = tbl[Int(u[pos])]
                acc |= c
                if c & stopUnquoted != 0 { break }
                pos += 1
            }
            var fieldEnd = pos
            let atComma = pos < n && u[pos] == ASCII.comma
            if !atComma && fieldEnd > fieldStart && u[fieldEnd - 1] == ASCII.carriageReturn {
                fieldEnd -= 1  // the CR of CR LF
            }
            fields[nf] = CSVField(start: fieldStart, end: fieldEnd, isQuoted: false, hasEscapedQuotes: false)
            nf += 1
            if fieldEnd - fieldStart > maxField && error == nil {
                error = fieldTooLong(nf, lineOffset: line, column: fieldStart - lineStart + 1)
            }
            if atComma {
                pos += 1
                continue fieldLoop
            }
            end = fieldEnd
            if pos < n {
                pos += 1
                line += 1
                endedByLineFeed = true
            }
            break fieldLoop
        }

        state.value.position = pos
        state.value.line = line
        state.value.fieldCount = nf
        return CSVRecordInfo(
            start: recordStart, end: end, lineOffset: recordLine,
            lineCount: line - recordLine + (endedByLineFeed ? 0 : 1),
            fieldCount: nf,
            hasNUL: acc & CSVByteClass.nul != 0,
            hasNonASCII: acc & CSVByteClass.nonASCII != 0,
            error: error)
    }

    /// Bit masks of the 64 bytes at `p`: commas, line feeds, quotes, NULs
    /// and non-ASCII bytes. The last three are computed only when some such
    /// byte is present, which for typical intake is almost never.
    @inline(__always)
    private static func window(_ p: UnsafeRawPointer) -> (UInt64, UInt64, UInt64, UInt64, UInt64) {
        let commaBytes = ASCII.inEveryByte(ASCII.comma)
        let lineFeedBytes = ASCII.inEveryByte(ASCII.lineFeed)
        let quoteBytes = ASCII.inEveryByte(ASCII.quote)
        let high: UInt64 = 0x8080_8080_8080_8080
        var commas: UInt64 = 0
        var lineFeeds: UInt64 = 0
        var special: UInt64 = 0
        @inline(__always) func word(_ k: Int) {
            let w = (p + 8 &* k).loadUnaligned(as: UInt64.self)
            commas |= byteMaskBits(zeroByteMask(w ^ commaBytes)) &<< UInt64(8 &* k)
            lineFeeds |= byteMaskBits(zeroByteMask(w ^ lineFeedBytes)) &<< UInt64(8 &* k)
            special |= zeroByteMask(w ^ quoteBytes) | zeroByteMask(w) | (w & high)
        }
        word(0)
        word(1)
        word(2)
        word(3)
        word(4)
        word(5)
        word(6)
        word(7)
        if special == 0 { return (commas, lineFeeds, 0, 0, 0) }
        var quotes: UInt64 = 0
        var nuls: UInt64 = 0
        var nonASCII: UInt64 = 0
        for k in 0..<8 {
            let w = (p + 8 &* k).loadUnaligned(as: UInt64.self)
            quotes |= byteMaskBits(zeroByteMask(w ^ quoteBytes)) &<< UInt64(8 &* k)
            nuls |= byteMaskBits(zeroByteMask(w)) &<< UInt64(8 &* k)
            nonASCII |= byteMaskBits(w & high) &<< UInt64(8 &* k)
        }
        return (commas, lineFeeds, quotes, nuls, nonASCII)
    }

    private func fieldTooLong(_ fieldNumber: Int, lineOffset: Int, column: Int) -> CSVRecordError {
        CSVRecordError(
            kind: .fieldTooLong, lineOffset: lineOffset, column: column,
            detail: fieldNumber, limit: options.maxFieldBytes)
    }

    /// Ends the record at the end of the line where the quote opened (the
    /// rule ``CSVChunker`` applies), and keeps the broken field as one raw
    /// unquoted span so the record still has its fields.
    private func unterminated(
        _ u: UnsafePointer<UInt8>, _ n: Int, openPos: Int, openLine: Int, openLineStart: Int,
        fields: UnsafeMutablePointer<CSVField>, nf: Int, acc: UInt8, recordStart: Int, recordLine: Int,
        linesToClose: Int
    ) -> CSVRecordInfo {
        var nf = nf
        var acc = acc
        let lf = findByte(ASCII.lineFeed, UnsafeRawPointer(u), from: openPos + 1, to: n)
        var end = lf ?? n
        if end > openPos && u[end - 1] == ASCII.carriageReturn { end -= 1 }
        // Recompute the flags over the part of the record that is kept.
        acc = 0
        let tbl = CSVByteClass.table
        for i in recordStart..<end { acc |= tbl[Int(u[i])] }
        fields[nf] = CSVField(start: openPos, end: end, isQuoted: false, hasEscapedQuotes: false)
        nf += 1
        state.value.position = lf.map { $0 + 1 } ?? n
        state.value.line = openLine + (lf == nil ? 0 : 1)
        state.value.fieldCount = nf
        return CSVRecordInfo(
            start: recordStart, end: end, lineOffset: recordLine,
            lineCount: openLine - recordLine + 1,
            fieldCount: nf,
            hasNUL: acc & CSVByteClass.nul != 0,
            hasNonASCII: acc & CSVByteClass.nonASCII != 0,
            error: CSVRecordError(
                kind: .unterminatedQuote, lineOffset: openLine,
                column: openPos - openLineStart + 1, detail: linesToClose))
    }

    /// The value of `field`: the bytes themselves for an unquoted field or a
    /// quoted one without `""` (zero-copy), else the unescaped bytes in the
    /// scanner's scratch buffer, valid until the next call of this method
    /// (copy them if two escaped values are needed at once).
    @inlinable
    public func value(of field: CSVField, in chunk: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = chunk.baseAddress, field.end > field.start else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        if !field.hasEscapedQuotes {
            return UnsafeRawBufferPointer(start: base + field.start, count: field.end - field.start)
        }
        return unescapedValue(of: field, base: base)
    }

    @usableFromInline
    func unescapedValue(of field: CSVField, base: UnsafeRawPointer) -> UnsafeRawBufferPointer {
        let out = scratch.reserve(field.count).assumingMemoryBound(to: UInt8.self)
        let count = CSVRecordScanner.unescape(base.assumingMemoryBound(to: UInt8.self), field, into: out)
        return UnsafeRawBufferPointer(start: out, count: count)
    }

    /// Appends the value of `field` (unescaped) to `out`.
    public static func appendValue(of field: CSVField, in chunk: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        guard let base = chunk.baseAddress, field.end > field.start else { return }
        if !field.hasEscapedQuotes {
            out.append(contentsOf: UnsafeRawBufferPointer(start: base + field.start, count: field.count))
            return
        }
        let old = out.count
        out.append(contentsOf: repeatElement(0, count: field.count))
        let written = out.withUnsafeMutableBufferPointer { dst in
            unescape(base.assumingMemoryBound(to: UInt8.self), field, into: dst.baseAddress! + old)
        }
        out.removeLast(field.count - written)
    }

    /// Copies the field's bytes, turning each `""` into `"`; returns the
    /// number of bytes written.
    private static func unescape(_ u: UnsafePointer<UInt8>, _ field: CSVField, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        var i = field.start
        while i < field.end {
            let b = u[i]
            out[o] = b
            o += 1
            i += (b == ASCII.quote && i + 1 < field.end && u[i + 1] == ASCII.quote) ? 2 : 1
        }
        return o
    }
}

/// The fields of the current record of a ``CSVRecordScanner``: a view of
/// the scanner's field store, valid until its next ``CSVRecordScanner/nextRecord(in:)``
/// call (it holds no reference, so taking it costs nothing per record; do
/// not keep it beyond that, nor beyond the scanner's life).
public struct CSVFieldList: RandomAccessCollection {
    @usableFromInline let base: UnsafePointer<CSVField>
    public let count: Int

    @usableFromInline init(base: UnsafeMutablePointer<CSVField>, count: Int) {
        self.base = UnsafePointer(base)
        self.count = count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(index: Int) -> CSVField {
        precondition(index >= 0 && index < count, "field index out of range")
        return base[index]
    }
}
