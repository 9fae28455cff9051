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
    /// Offset in the chunk where the next record scan starts.
    public private(set) var position = 0
    /// 0-based line index (within the chunk) of `position`.
    public private(set) var line = 0
    /// Number of fields of the last record returned.
    public private(set) var fieldCount = 0

    private(set) var storage: UnsafeMutablePointer<CSVField>
    private var capacity: Int
    private let scratch = ScratchBuffer()

    public init(options: CSVScannerOptions = CSVScannerOptions()) {
        self.options = options
        self.capacity = 64
        self.storage = UnsafeMutablePointer<CSVField>.allocate(capacity: 64)
    }

    deinit {
        storage.deallocate()   // CSVField is trivial: nothing to deinitialize
    }

    /// Starts over, for a new chunk (or at `position` / `line` of one).
    public func reset(position: Int = 0, line: Int = 0) {
        self.position = position
        self.line = line
        self.fieldCount = 0
    }

    /// The fields of the last record returned by ``nextRecord(in:)``; valid
    /// until the next call.
    public var fields: CSVFieldList { CSVFieldList(scanner: self, count: fieldCount) }

    /// Field `index` of the last record returned.
    public subscript(field index: Int) -> CSVField {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        return storage[index]
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<CSVField>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: capacity)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Scans the next record of `chunk` starting at ``position``, fills
    /// ``fields`` and returns its description, or nil at the end of the
    /// chunk. Pass the same buffer on every call for one chunk.
    public func nextRecord(in chunk: UnsafeRawBufferPointer) -> CSVRecordInfo? {
        let n = chunk.count
        var pos = position
        var line = self.line
        guard pos < n, let raw = chunk.baseAddress else {
            fieldCount = 0
            return nil
        }
        let u = raw.assumingMemoryBound(to: UInt8.self)

        // Blank lines (empty, or a lone CR) are not records.
        while pos < n {
            let b = u[pos]
            if b == 10 { pos += 1; line += 1; continue }
            if b == 13 {
                if pos + 1 == n { pos = n; break }
                if u[pos + 1] == 10 { pos += 2; line += 1; continue }
            }
            break
        }
        if pos >= n {
            position = n
            self.line = line
            fieldCount = 0
            return nil
        }

        // The hot loop works on locals only: class properties would cost an
        // exclusivity check per access.
        let tbl = CSVByteClass.table
        let stopUnquoted = CSVByteClass.comma | CSVByteClass.lineFeed
        let stopQuoted = CSVByteClass.quote | CSVByteClass.lineFeed
        let maxField = options.maxFieldBytes
        var fields = storage
        var cap = capacity
        var nf = 0
        var acc: UInt8 = 0
        let recordStart = pos
        let recordLine = line
        var lineStart = pos
        var end = n
        var endedByLineFeed = false
        var error: CSVRecordError? = nil

        fieldLoop: while true {
            if nf == cap {
                grow()
                fields = storage
                cap = capacity
            }
            var fieldStart = pos
            if pos < n && u[pos] == 34 {
                let openPos = pos
                let openLine = line
                let openLineStart = lineStart
                var q = pos + 1
                var escaped = false
                var closed = false
                while q < n {
                    let c = tbl[Int(u[q])]
                    acc |= c
                    if c & stopQuoted == 0 { q += 1; continue }
                    if c == CSVByteClass.lineFeed {
                        line += 1
                        q += 1
                        lineStart = q
                        continue
                    }
                    if q + 1 < n && u[q + 1] == 34 {
                        escaped = true
                        q += 2
                        continue
                    }
                    closed = true
                    break
                }
                let after = q + 1
                if closed {
                    let b: UInt8 = after < n ? u[after] : 10
                    if b == 44 || b == 10 || (b == 13 && (after + 1 == n || u[after + 1] == 10)) {
                        fields[nf] = CSVField(start: openPos + 1, end: q, isQuoted: true, hasEscapedQuotes: escaped)
                        nf += 1
                        if q - openPos - 1 > maxField && error == nil {
                            error = fieldTooLong(nf, lineOffset: openLine, column: openPos - openLineStart + 1)
                        }
                        if after >= n { pos = n; end = n; break fieldLoop }
                        end = after
                        if b == 44 { pos = after + 1; continue fieldLoop }
                        endedByLineFeed = after + (b == 13 ? 1 : 0) < n
                        pos = after + (b == 13 ? 2 : 1)
                        if endedByLineFeed { line += 1 } else { pos = n }
                        break fieldLoop
                    }
                    if b != 13 && line > openLine {
                        // The "closing" quote is on a later line and stray
                        // text follows: most likely a stray opening quote.
                        return unterminated(
                            u, n, openPos: openPos, openLine: openLine, openLineStart: openLineStart,
                            fields: fields, nf: nf, acc: acc, recordStart: recordStart, recordLine: recordLine,
                            message: "unterminated quoted field: the quote that would close it, \(line - openLine) line(s) later, is followed by text")
                    }
                    // "ab"c : report, then read the rest as unquoted text.
                    if error == nil {
                        let column = after - lineStart + 1
                        error = CSVRecordError(kind: .unexpectedCharacterAfterQuote, lineOffset: line, column: column,
                                               message: "unexpected character after closing quote at column \(column)")
                    }
                    fieldStart = openPos
                    pos = after
                } else {
                    return unterminated(
                        u, n, openPos: openPos, openLine: openLine, openLineStart: openLineStart,
                        fields: fields, nf: nf, acc: acc, recordStart: recordStart, recordLine: recordLine,
                        message: "unterminated quoted field: the quote is never closed")
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
            let atComma = pos < n && u[pos] == 44
            if !atComma && fieldEnd > fieldStart && u[fieldEnd - 1] == 13 {
                fieldEnd -= 1                      // the CR of CR LF
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

        position = pos
        self.line = line
        fieldCount = nf
        return CSVRecordInfo(
            start: recordStart, end: end, lineOffset: recordLine,
            lineCount: line - recordLine + (endedByLineFeed ? 0 : 1),
            fieldCount: nf,
            hasNUL: acc & CSVByteClass.nul != 0,
            hasNonASCII: acc & CSVByteClass.nonASCII != 0,
            error: error)
    }

    private func fieldTooLong(_ fieldNumber: Int, lineOffset: Int, column: Int) -> CSVRecordError {
        CSVRecordError(kind: .fieldTooLong, lineOffset: lineOffset, column: column,
                       message: "field \(fieldNumber) is longer than \(options.maxFieldBytes) bytes")
    }

    /// Ends the record at the end of the line where the quote opened (the
    /// rule ``CSVChunker`` applies), and keeps the broken field as one raw
    /// unquoted span so the record still has its fields.
    private func unterminated(
        _ u: UnsafePointer<UInt8>, _ n: Int, openPos: Int, openLine: Int, openLineStart: Int,
        fields: UnsafeMutablePointer<CSVField>, nf: Int, acc: UInt8, recordStart: Int, recordLine: Int,
        message: String
    ) -> CSVRecordInfo {
        var nf = nf
        var acc = acc
        let lf = findByte(10, UnsafeRawPointer(u), from: openPos + 1, to: n)
        var end = lf ?? n
        if end > openPos && u[end - 1] == 13 { end -= 1 }
        // Recompute the flags over the part of the record that is kept.
        acc = 0
        let tbl = CSVByteClass.table
        for i in recordStart..<end { acc |= tbl[Int(u[i])] }
        fields[nf] = CSVField(start: openPos, end: end, isQuoted: false, hasEscapedQuotes: false)
        nf += 1
        position = lf.map { $0 + 1 } ?? n
        line = openLine + (lf == nil ? 0 : 1)
        fieldCount = nf
        return CSVRecordInfo(
            start: recordStart, end: end, lineOffset: recordLine,
            lineCount: openLine - recordLine + 1,
            fieldCount: nf,
            hasNUL: acc & CSVByteClass.nul != 0,
            hasNonASCII: acc & CSVByteClass.nonASCII != 0,
            error: CSVRecordError(kind: .unterminatedQuote, lineOffset: openLine,
                                  column: openPos - openLineStart + 1, message: message))
    }

    /// The value of `field`: the bytes themselves for an unquoted field or a
    /// quoted one without `""` (zero-copy), else the unescaped bytes in the
    /// scanner's scratch buffer, valid until the next call of this method
    /// (copy them if two escaped values are needed at once).
    public func value(of field: CSVField, in chunk: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = chunk.baseAddress, field.end > field.start else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        if !field.hasEscapedQuotes {
            return UnsafeRawBufferPointer(start: base + field.start, count: field.end - field.start)
        }
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
            i += (b == 34 && i + 1 < field.end && u[i + 1] == 34) ? 2 : 1
        }
        return o
    }
}

/// The fields of the current record of a ``CSVRecordScanner``.
public struct CSVFieldList: RandomAccessCollection {
    let scanner: CSVRecordScanner
    public let count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> CSVField {
        precondition(index >= 0 && index < count, "field index out of range")
        return scanner.storage[index]
    }
}
