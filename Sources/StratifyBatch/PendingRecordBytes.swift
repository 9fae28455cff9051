/// Hands a decoder only whole records. A binary record formatter's output
/// reaches the writer thread a write at a time, and a record may be cut
/// between two writes: the cut end is kept until the rest arrives.
public struct PendingRecordBytes {
    private var pending: [UInt8] = []

    public init() {}

    /// Whether every byte received made whole records.
    public var isEmpty: Bool { pending.isEmpty }

    /// `decode` reads the whole records at the start of the bytes it is
    /// given and returns how many bytes they took.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, _ decode: (UnsafeRawBufferPointer) -> Int) {
        if pending.isEmpty {
            let used = decode(bytes)
            if used < bytes.count { pending.append(contentsOf: bytes[used...]) }
        } else {
            pending.append(contentsOf: bytes)
            let used = pending.withUnsafeBytes { decode($0) }
            pending.removeFirst(used)
        }
    }
}
