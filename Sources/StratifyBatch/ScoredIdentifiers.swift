/// The identifiers of a chunk's scored records, kept so that the writer
/// (which sees chunks in input order) can find an identifier used twice in a
/// batch without the worker threads sharing anything.
///
/// Each identifier is kept as a 64-bit keyed hash (``hash(_:)``), with the
/// record's number within the chunk and its line; its text is kept too, but
/// only to name it in a warning. When a ``RepeatedIdentifierFinder`` finds
/// the repeats, only the numbers and lines are kept (``appendPosition(record:line:)``).
struct ScoredIdentifiers: Sendable {
    /// The intake file of the chunk.
    var file = ""
    var hashes: [UInt64] = []
    /// The record's number within its chunk, from 1.
    var records: [Int32] = []
    var lines: [Int] = []
    private var text: [UInt8] = []
    private var textEnds: [Int32] = []

    /// Scored records kept.
    var count: Int { records.count }

    mutating func append(_ identifier: UnsafeRawBufferPointer, record: Int, line: Int) {
        hashes.append(Self.hash(identifier))
        records.append(Int32(truncatingIfNeeded: record))
        lines.append(line)
        text.append(contentsOf: identifier)
        textEnds.append(Int32(truncatingIfNeeded: text.count))
    }

    /// A scored record whose identifier the batch does not check.
    mutating func appendPosition(record: Int, line: Int) {
        records.append(Int32(truncatingIfNeeded: record))
        lines.append(line)
    }

    /// The identifier of entry `index`, as text.
    func identifier(at index: Int) -> String {
        let start = index == 0 ? 0 : Int(textEnds[index - 1])
        return String(decoding: text[start..<Int(textEnds[index])], as: UTF8.self)
    }

    /// SipHash-1-3 (the standard library's `Hasher`), keyed with a random
    /// seed per process: two different identifiers get the same hash with
    /// probability 2^-64, and no input can be crafted to collide. Never 0
    /// (``IdentifierTable`` uses 0 for an empty slot).
    static func hash(_ identifier: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(bytes: identifier)
        let value = UInt64(bitPattern: Int64(hasher.finalize()))
        return value == 0 ? 1 : value
    }
}
