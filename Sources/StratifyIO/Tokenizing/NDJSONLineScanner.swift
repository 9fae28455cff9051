/// One non-blank line of an NDJSON chunk.
public struct NDJSONLine: Sendable, Equatable {
    /// Offset of the line's first byte in the chunk.
    public var start: Int
    /// One past its last byte; a CR before the LF is excluded.
    public var end: Int
    /// 0-based line index within the chunk (add the chunk's `firstLine`).
    public var lineOffset: Int

    public var count: Int { end - start }
}

/// Iterates over the records (lines) of an NDJSON chunk. Every LF ends a
/// record (JSON strings cannot hold a raw line break); a CR before the LF is
/// stripped; lines that are empty or hold only spaces, tabs and CRs are
/// skipped and are not records.
public struct NDJSONLineScanner: Sendable {
    /// Offset where the next search starts.
    public private(set) var position = 0
    /// 0-based line index of `position`.
    public private(set) var line = 0

    public init() {}

    /// Starts over, for a new chunk.
    public mutating func reset() {
        position = 0
        line = 0
    }

    /// The next non-blank line of `chunk`, or nil at its end.
    public mutating func nextLine(in chunk: UnsafeRawBufferPointer) -> NDJSONLine? {
        guard let raw = chunk.baseAddress else { return nil }
        let u = raw.assumingMemoryBound(to: UInt8.self)
        let n = chunk.count
        while position < n {
            let start = position
            let lf = findByte(10, raw, from: start, to: n)
            var end = lf ?? n
            let lineOffset = line
            if let lf {
                position = lf + 1
                line += 1
            } else {
                position = n
            }
            if end > start && u[end - 1] == ASCII.carriageReturn { end -= 1 }
            // Blank? The first byte decides for almost every line.
            var i = start
            while i < end && (u[i] == ASCII.space || u[i] == ASCII.tab || u[i] == ASCII.carriageReturn) { i += 1 }
            if i == end { continue }
            return NDJSONLine(start: start, end: end, lineOffset: lineOffset)
        }
        return nil
    }
}
