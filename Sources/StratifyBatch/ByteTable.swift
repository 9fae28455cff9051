import StratifyIO

/// Byte strings prepared once and appended by index, kept in one flat
/// allocation so that writing a record copies bytes without touching any
/// reference-counted storage.
final class ByteTable: @unchecked Sendable {
    // Immutable after init.
    private let storage: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int>
    let count: Int
    /// The length of the longest string, and of all of them together.
    let longest: Int
    let total: Int

    init(_ strings: [[UInt8]]) {
        let bytes = strings.reduce(0) { $0 + $1.count }
        storage = .allocate(capacity: max(1, bytes))
        offsets = .allocate(capacity: strings.count + 1)
        var offset = 0
        for (index, string) in strings.enumerated() {
            offsets[index] = offset
            (storage + offset).initialize(from: string, count: string.count)
            offset += string.count
        }
        offsets[strings.count] = offset
        count = strings.count
        longest = strings.map(\.count).max() ?? 0
        self.total = offset
    }

    convenience init(_ strings: [String]) {
        self.init(strings.map { Array($0.utf8) })
    }

    deinit {
        storage.deallocate()
        offsets.deallocate()
    }

    @inline(__always)
    subscript(index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + offsets[index], count: offsets[index + 1] - offsets[index])
    }

    /// Copies string `index` to `p` (which has room for it); returns the end.
    @inline(__always)
    func copy(_ index: Int, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let start = offsets[index]
        return OutputBuffer.copy(storage + start, count: offsets[index + 1] - start, to: p)
    }

    /// The JSON string literal of `text`, quotes included.
    static func jsonQuoted(_ text: String) -> [UInt8] {
        let buffer = OutputBuffer(capacity: text.utf8.count + 8)
        buffer.appendJSONString(text)
        return buffer.bytes
    }
}
