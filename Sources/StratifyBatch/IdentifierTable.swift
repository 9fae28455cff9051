#if canImport(Glibc)
import Glibc
#endif

/// The identifiers seen so far in a batch, to report one used twice.
///
/// Compact, for batches of millions of records: an open-addressing table
/// (linear probing) of 64-bit identifier hashes (``ScoredIdentifiers/hash(_:)``)
/// and 32-bit record numbers, side by side so that a lookup touches one
/// cache line, 16 bytes a slot. It remembers at most `capacity` identifiers
/// (``defaultCapacity``: 1,048,576) in twice as many slots (32 MiB), so it
/// is never more than half full and probes stay short.
/// Past that, identifiers are still looked up, so a repeat of one of the
/// first `capacity` is still found, but no longer added.
///
/// The slots are mapped once, at full size, as anonymous memory: pages cost
/// nothing until an identifier lands on them, and the table never grows, so
/// there is no moment with an old and a new table both in memory. Huge pages
/// are asked for: lookups land anywhere in the table, and with 4 KiB pages
/// nearly each one would miss the TLB (and, the first time, fault).
///
/// Identifiers are compared by hash. With 64-bit keyed hashes, the chance
/// that some lookup in a batch of 8 million records mistakes two different
/// identifiers for one is below 1 in 2 million (2^20 × 2^23 / 2^64), and
/// such a mistake only adds a warning: both records are scored either way.
final class IdentifierTable {
    static let defaultCapacity = 1 << 20

    /// Most identifiers remembered.
    let capacity: Int
    private(set) var count = 0
    private let slots: Int
    private let shift: UInt64
    /// nil if the memory could not be mapped: then nothing is remembered.
    private let table: UnsafeMutablePointer<Slot>?

    private struct Slot {
        /// 0: empty.
        var hash: UInt64
        var record: UInt64
    }

    init(capacity: Int = IdentifierTable.defaultCapacity) {
        self.capacity = max(1, min(capacity, Int(UInt32.max)))
        var slots = 8
        while slots < 2 * self.capacity { slots *= 2 }
        self.slots = slots
        shift = UInt64(64 - slots.trailingZeroBitCount)
        table = Self.map(Slot.self, count: slots)
    }

    deinit {
        if let table { munmap(table, slots * MemoryLayout<Slot>.stride) }
    }

    /// True once `capacity` identifiers are remembered: later ones are only
    /// looked up.
    var isFull: Bool { count >= capacity }

    /// Looks `hash` up; if an earlier record had it, returns that record's
    /// number. Otherwise remembers it for `record` (unless the table is
    /// full) and returns nil.
    func check(_ hash: UInt64, record: Int) -> Int? {
        guard let table else { return nil }
        let hash = hash == 0 ? 1 : hash
        let mask = slots - 1
        var slot = Int(truncatingIfNeeded: hash >> shift)
        while true {
            let stored = table[slot].hash
            if stored == 0 { break }
            if stored == hash { return Int(table[slot].record) }
            slot = (slot + 1) & mask
        }
        guard !isFull, record >= 0 else { return nil }
        table[slot] = Slot(hash: hash, record: UInt64(record))
        count += 1
        return nil
    }

    /// Zeroed memory for `count` values, mapped lazily by the kernel.
    private static func map<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
        let bytes = count * MemoryLayout<T>.stride
        guard let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { return nil }
        _ = madvise(memory, bytes, MADV_HUGEPAGE)   // advice only: ignored where unsupported
        return memory.bindMemory(to: T.self, capacity: count)
    }
}
