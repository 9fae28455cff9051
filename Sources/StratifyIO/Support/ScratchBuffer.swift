/// A growable block of raw memory that keeps its address until it grows,
/// used to return unescaped values as `UnsafeRawBufferPointer` without a
/// heap allocation per value. Owned by a scanner or parser (one thread).
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        self.pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { pointer.deallocate() }

    /// Makes room for at least `count` bytes; the old contents are lost.
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity * 2)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        return pointer
    }
}
