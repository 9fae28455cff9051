#if canImport(Glibc)
import Glibc
#endif

/// The identifiers seen so far in a batch, to report one used twice.
///
/// Compact, for batches of millions of records: an open-addressing table
/// (linear probing) of 64-bit identifier hashes (``ScoredIdentifiers/hash(_:)``)
/// and 32-bit record numbers, packed side by side (12 bytes a slot) so that
/// a lookup touches one cache line, or two at most. It remembers at most
/// `capacity` identifiers (``defaultCapacity``: 1,048,576) in twice as many
/// slots (24 MiB), so it is never more than half full and probes stay short.
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
    /// Slot `i` is at byte `12 * i`: the hash (0: empty), then the record.
    private let table: UnsafeMutableRawPointer?
    private static let slotBytes = 12

    init(capacity: Int = IdentifierTable.defaultCapacity) {
        self.capacity = max(1, min(capacity, Int(UInt32.max)))
        var slots = 8
        while slots < 2 * self.capacity { slots *= 2 }
        self.slots = slots
        shift = UInt64(64 - slots.trailingZeroBitCount)
        table = Self.map(bytes: slots * Self.slotBytes)
    }

    deinit {
        if let table { munmap(table, slots * Self.slotBytes) }
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
            let stored = table.loadUnaligned(fromByteOffset: slot * Self.slotBytes, as: UInt64.self)
            if stored == 0 { break }
            if stored == hash { return Int(table.loadUnaligned(fromByteOffset: slot * Self.slotBytes + 8, as: UInt32.self)) }
            slot = (slot + 1) & mask
        }
        guard !isFull, record >= 0, record <= Int(UInt32.max) else { return nil }
        table.storeBytes(of: hash, toByteOffset: slot * Self.slotBytes, as: UInt64.self)
        table.storeBytes(of: UInt32(record), toByteOffset: slot * Self.slotBytes + 8, as: UInt32.self)
        count += 1
        return nil
    }

    /// Zeroed memory, mapped lazily by the kernel.
    private static func map(bytes: Int) -> UnsafeMutableRawPointer? {
        guard let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            memory != MAP_FAILED
        else { return nil }
        _ = madvise(memory, bytes, MADV_HUGEPAGE)  // advice only: ignored where unsupported
        return memory
    }
}
