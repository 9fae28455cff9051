#if canImport(Glibc)
import Glibc
#endif
/// Finds an input by the bytes of its name without making a `String`:
/// NDJSON keys are looked up once per value, millions of times a batch.
struct InputNameTable: Sendable {
    private let names: [[UInt8]]
    /// Open addressing over a power-of-two table of input indexes (-1: empty).
    private let slots: [Int32]
    private let mask: Int

    init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
        var size = 16
        while size < names.count * 4 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (index, name) in self.names.enumerated() {
            var slot = name.withUnsafeBytes { Self.hash($0) } & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index)
        }
        self.slots = slots
        self.mask = size - 1
    }

    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let name = names[index]
            if name.count == key.count, name.withUnsafeBytes({ $0.elementsEqual(key) }) {
                return index
            }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash >> 1)
    }
}
