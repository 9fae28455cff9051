/// A block of `count` elements that owns its memory: allocated and
/// initialized in `init`, deinitialized and freed in `deinit`. It is the one
/// place in the package that frees memory by hand; everything else that
/// needs raw memory (flat tables, register files, scratch space) holds one.
///
/// Non-copyable, so it has exactly one owner and cannot be freed twice or
/// outlive its memory. Elements are read and written in place, like an
/// `UnsafeMutableBufferPointer` (the setter is `nonmutating`): a hot loop can
/// keep one in a `let` property of a class and pay no exclusivity check per
/// access. Index checks are `assert`s: on in debug builds and tests, gone in
/// release builds, where the hot paths index these buffers millions of times.
///
/// To grow, make a bigger buffer and assign it over the old one (see
/// ``init(copying:count:)``); the old one is freed by the assignment.
public struct FixedBuffer<Element>: ~Copyable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    public let count: Int

    /// `count` copies of `value`.
    @inlinable
    public init(repeating value: Element, count: Int) {
        precondition(count >= 0, "negative FixedBuffer count")
        // Never a zero-byte allocation, so `baseAddress` is always a real,
        // distinct address (some callers compare or offset it when empty).
        base = .allocate(capacity: max(1, count))
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// The elements of `elements`, in order.
    @inlinable
    public init(_ elements: some Collection<Element>) {
        let count = elements.count
        base = .allocate(capacity: max(1, count))
        let initialized = UnsafeMutableBufferPointer(start: base, count: count).initialize(fromContentsOf: elements)
        precondition(initialized == count, "collection changed its count while being copied")
        self.count = count
    }

    /// The first `min(count, old.count)` elements of `old`, then copies of
    /// `padding`: how a growable buffer grows.
    @inlinable
    public init(copying old: borrowing FixedBuffer<Element>, count: Int, padding: Element) {
        precondition(count >= 0, "negative FixedBuffer count")
        base = .allocate(capacity: max(1, count))
        let kept = Swift.min(count, old.count)
        base.initialize(from: old.base, count: kept)
        (base + kept).initialize(repeating: padding, count: count - kept)
        self.count = count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inlinable
    public var indices: Range<Int> { 0..<count }

    /// Element `index`, read and written in place (no copy of the element,
    /// so `buffer[i].field += 1` updates one field).
    @inlinable
    public subscript(index: Int) -> Element {
        @inline(__always) unsafeAddress {
            assert(index >= 0 && index < count, "FixedBuffer index out of range")
            return UnsafePointer(base + index)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            assert(index >= 0 && index < count, "FixedBuffer index out of range")
            return base + index
        }
    }

    /// The first element's address, for hot loops that index the elements
    /// through a local pointer. Valid while this buffer is alive: do not
    /// keep it beyond the owner's lifetime.
    @inlinable
    public var baseAddress: UnsafeMutablePointer<Element> {
        @inline(__always) get { base }
    }

    /// The elements as a buffer pointer, valid while this buffer is alive.
    @inlinable
    public var elements: UnsafeMutableBufferPointer<Element> {
        @inline(__always) get { UnsafeMutableBufferPointer(start: base, count: count) }
    }

    /// Sets every element to `value`.
    @inlinable
    public func fill(with value: Element) {
        base.update(repeating: value, count: count)
    }
}

extension FixedBuffer where Element: BitwiseCopyable {
    /// `count` elements left as the allocator gave them, for buffers that
    /// are always written before they are read (output, blocks being read
    /// into), where filling them first would cost a pass over the memory.
    /// Sound because such elements need no deinitialization.
    @inlinable
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative FixedBuffer count")
        base = .allocate(capacity: max(1, count))
        self.count = count
    }
}

extension FixedBuffer where Element == UInt8 {
    /// The bytes as a raw buffer, valid while this buffer is alive.
    @inlinable
    public var rawBytes: UnsafeMutableRawBufferPointer {
        @inline(__always) get { UnsafeMutableRawBufferPointer(start: base, count: count) }
    }
}

// Sending a FixedBuffer moves its only owner to the other thread, as with an
// Array. Types in this package that share one between threads (the tables
// built once per program) write it only in their `init`.
extension FixedBuffer: @unchecked Sendable where Element: Sendable {}

/// A ``FixedBuffer`` that grows by copying, for stores whose size is
/// learnt while they fill (a record's fields, a line's members). Callers
/// keep ``baseAddress`` and ``capacity`` in locals for their hot loops and
/// refresh them after ``grow(to:)``.
public final class GrowableBuffer<Element> {
    private var storage: FixedBuffer<Element>
    /// What new elements hold until they are written.
    private let padding: Element

    public init(capacity: Int, padding: Element) {
        storage = FixedBuffer(repeating: padding, count: capacity)
        self.padding = padding
    }

    @inlinable
    public var baseAddress: UnsafeMutablePointer<Element> { storageBase }
    public var capacity: Int { storage.count }
    @usableFromInline var storageBase: UnsafeMutablePointer<Element> { storage.baseAddress }

    /// Grows to `capacity` elements (at least the current one), keeping
    /// the elements; returns the new address. The old one is freed.
    @discardableResult
    public func grow(to capacity: Int) -> UnsafeMutablePointer<Element> {
        storage = FixedBuffer(copying: storage, count: Swift.max(capacity, storage.count), padding: padding)
        return storage.baseAddress
    }
}

/// One value at a stable address, owned by a class so that a value type or a
/// long-lived object can share it. Mutable state reached through `value`
/// costs no dynamic exclusivity check, unlike stored `var`s of a class (one
/// `swift_beginAccess` per access): the scanners and parsers keep all their
/// per-record state in one box. Use from one thread at a time.
public final class StateBox<State> {
    @usableFromInline let storage: FixedBuffer<State>

    @inlinable
    public init(_ initial: State) {
        storage = FixedBuffer(repeating: initial, count: 1)
    }

    /// The boxed value, read and written in place.
    @inlinable
    public var value: State {
        @inline(__always) unsafeAddress { UnsafePointer(storage.base) }
        @inline(__always) unsafeMutableAddress { storage.base }
    }

    /// The value's address, for C APIs that keep a pointer to their state
    /// (zlib's stream, libyaml's parser). Valid while the box is alive.
    @inlinable
    public var pointer: UnsafeMutablePointer<State> { storage.base }
}
