/// Finds an input by the bytes of its name without making a `String`:
/// NDJSON keys are looked up once per value, millions of times a batch.
///
/// Immutable after init, in flat allocations (no reference counting per
/// lookup), hence `@unchecked Sendable`.
final class InputNameTable: @unchecked Sendable {
    private let names: ByteTable
    /// Open addressing over a power-of-two table of input indexes (-1: empty).
    private let slots: UnsafeMutablePointer<Int32>
    private let mask: Int

    init(_ names: [String]) {
        self.names = ByteTable(names)
        var size = 16
        while size < names.count * 4 { size *= 2 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        for index in 0..<self.names.count {
            var slot = Self.hash(self.names[index]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    deinit {
        slots.deallocate()
    }

    /// Whether input `index` is named `key`.
    @inline(__always)
    func name(_ index: Int, equals key: UnsafeRawBufferPointer) -> Bool {
        let name = names[index]
        let length = name.count
        guard length == key.count else { return false }
        guard length > 0, let base = key.baseAddress, let stored = name.baseAddress else { return true }
        // Names are short: comparing 8 bytes at a time here costs less than
        // a call to memcmp.
        var offset = 0
        while length - offset >= 8 {
            if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < length {
            if stored.load(fromByteOffset: offset, as: UInt8.self) != base.load(fromByteOffset: offset, as: UInt8.self) { return false }
            offset += 1
        }
        return true
    }

    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if name(index, equals: key) { return index }
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
