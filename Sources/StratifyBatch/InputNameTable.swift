/// Finds an input by the bytes of its name without making a `String`:
/// NDJSON keys are looked up once per value, millions of times a batch.
///
/// Immutable after init, in flat allocations (no reference counting per
/// lookup), hence `@unchecked Sendable`.
final class InputNameTable: @unchecked Sendable {
    /// Every name's bytes, one after another; name `i` is
    /// `bytes[offsets[i]..<offsets[i + 1]]`.
    private let bytes: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int>
    /// Open addressing over a power-of-two table of input indexes (-1: empty).
    private let slots: UnsafeMutablePointer<Int32>
    private let mask: Int
    let count: Int

    init(_ names: [String]) {
        let utf8 = names.map { Array($0.utf8) }
        count = utf8.count
        let total = utf8.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(1, total))
        offsets = .allocate(capacity: utf8.count + 1)
        var offset = 0
        for (index, name) in utf8.enumerated() {
            offsets[index] = offset
            (bytes + offset).initialize(from: name, count: name.count)
            offset += name.count
        }
        offsets[utf8.count] = offset
        var size = 16
        while size < names.count * 4 { size *= 2 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        for (index, name) in utf8.enumerated() {
            var slot = name.withUnsafeBytes { Self.hash($0) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
        slots.deallocate()
    }

    /// Whether input `index` is named `key`.
    @inline(__always)
    func name(_ index: Int, equals key: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[index]
        let length = offsets[index + 1] - start
        guard length == key.count else { return false }
        guard length > 0, let base = key.baseAddress else { return true }
        // Names are short: comparing 8 bytes at a time here costs less than
        // a call to memcmp.
        let name = UnsafeRawPointer(bytes + start)
        var offset = 0
        while length - offset >= 8 {
            if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < length {
            if name.load(fromByteOffset: offset, as: UInt8.self) != base.load(fromByteOffset: offset, as: UInt8.self) { return false }
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
