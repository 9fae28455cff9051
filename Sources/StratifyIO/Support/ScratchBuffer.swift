import StratifyCore
/// A growable block of raw memory that keeps its address until it grows,
/// used to return unescaped values as `UnsafeRawBufferPointer` without a
/// heap allocation per value. Owned by a scanner or parser (one thread).
final class ScratchBuffer {
    private var storage: FixedBuffer<UInt8>

    init(capacity: Int = 256) {
        storage = FixedBuffer(uninitializedCount: max(capacity, 16))
    }

    var capacity: Int { storage.count }
    var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(storage.baseAddress) }

    /// Makes room for at least `count` bytes; the old contents are lost.
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if count > storage.count {
            storage = FixedBuffer(uninitializedCount: max(count, storage.count * 2))
        }
        return UnsafeMutableRawPointer(storage.baseAddress)
    }
}
