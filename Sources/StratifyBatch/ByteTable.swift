import StratifyCore
import StratifyIO

/// Byte strings prepared once and appended by index, kept in one flat
/// buffer so that writing a record copies bytes without touching any
/// reference-counted storage.
final class ByteTable: Sendable {
    // Immutable after init.
    private let storage: FixedBuffer<UInt8>
    private let offsets: FixedBuffer<Int>
    let count: Int
    /// The length of the longest string, and of all of them together.
    let longest: Int
    let total: Int

    init(_ strings: [[UInt8]]) {
        storage = FixedBuffer(strings.joined())
        var offsets = [0]
        for string in strings { offsets.append(offsets.last! + string.count) }
        self.offsets = FixedBuffer(offsets)
        let offset = offsets.last!
        count = strings.count
        longest = strings.map(\.count).max() ?? 0
        self.total = offset
    }

    convenience init(_ strings: [String]) {
        self.init(strings.map { Array($0.utf8) })
    }

    @inline(__always)
    subscript(index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.baseAddress + offsets[index], count: offsets[index + 1] - offsets[index])
    }

    /// Copies string `index` to `p` (which has room for it); returns the end.
    @inline(__always)
    func copy(_ index: Int, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let start = offsets[index]
        return OutputBuffer.copy(storage.baseAddress + start, count: offsets[index + 1] - start, to: p)
    }

    /// The JSON string literal of `text`, quotes included.
    static func jsonQuoted(_ text: String) -> [UInt8] {
        let buffer = OutputBuffer(capacity: text.utf8.count + 8)
        buffer.appendJSONString(text)
        return buffer.bytes
    }
}
