import StratifyCore
/// A growable byte buffer for building output, reused across records and
/// chunks (``removeAll()`` keeps the storage), with appends for the pieces
/// of CSV and JSON output that allocate nothing once the buffer is warm.
///
/// A class, so appends pay neither copy-on-write uniqueness checks nor (its
/// state being behind a `let` pointer) dynamic exclusivity checks: they are
/// the innermost loop of output. A buffer is used by one thread at a time:
/// a worker fills it for a chunk and hands it (the reference) to the writer
/// thread, which passes it to ``ByteSink/write(_:)-(OutputBuffer)`` and can
/// then return it to a pool.
// @unchecked: one thread at a time; the compiler cannot see the hand-over.
public final class OutputBuffer: @unchecked Sendable {
    @usableFromInline
    struct State {
        @usableFromInline var base: UnsafeMutablePointer<UInt8>
        @usableFromInline var count: Int
        @usableFromInline var capacity: Int
    }

    /// The bytes; replaced by a bigger copy when the buffer grows.
    /// The bytes, written before they are read; replaced by a bigger copy
    /// when the buffer grows.
    private var storage: FixedBuffer<UInt8>
    private let stateBox: StateBox<State>
    /// `stateBox`'s address, kept so appends reach the state in one load.
    @usableFromInline let state: UnsafeMutablePointer<State>

    /// Creates an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 64 << 10) {
        let capacity = max(capacity, 64)
        storage = FixedBuffer(uninitializedCount: capacity)
        stateBox = StateBox(State(base: storage.baseAddress, count: 0, capacity: capacity))
        state = stateBox.pointer
    }

    /// Number of bytes written.
    @inlinable public var count: Int { state.pointee.count }
    @inlinable public var isEmpty: Bool { state.pointee.count == 0 }
    /// Bytes the buffer can hold before it grows.
    public var capacity: Int { state.pointee.capacity }

    /// Forgets the contents, keeping the storage.
    @inlinable
    public func removeAll() { state.pointee.count = 0 }

    /// Drops the last `k` bytes (e.g. a trailing separator).
    public func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= state.pointee.count, "removeLast count out of range")
        state.pointee.count -= k
    }

    /// Calls `body` with the bytes written so far (valid only inside it).
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: state.pointee.base, count: state.pointee.count))
    }

    /// Calls `body` with the bytes written so far, to change in place (a
    /// reader renumbering the records it wrote; valid only inside it).
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: state.pointee.base, count: state.pointee.count))
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Makes room for `extra` more bytes.
    @inlinable @inline(__always)
    public func reserve(_ extra: Int) {
        if state.pointee.capacity &- state.pointee.count < extra { grow(extra) }
    }

    @usableFromInline
    func grow(_ extra: Int) {
        var newCapacity = max(state.pointee.capacity * 2, 64)
        while newCapacity - state.pointee.count < extra { newCapacity *= 2 }
        var bigger = FixedBuffer<UInt8>(uninitializedCount: newCapacity)
        bigger.baseAddress.initialize(from: state.pointee.base, count: state.pointee.count)
        swap(&storage, &bigger)
        state.pointee.base = storage.baseAddress
        state.pointee.capacity = newCapacity
    }

    /// Reserves `maxCount` bytes, lets `body` write at most that many at the
    /// pointer it is given, and keeps the number it returns.
    @inlinable @inline(__always)
    public func write(maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maxCount)
        let written = body(state.pointee.base + state.pointee.count)
        assert(written >= 0 && written <= maxCount)
        state.pointee.count &+= written
    }

    /// For a writer that keeps its own cursor: makes room for `extra`
    /// more bytes and returns where the next byte goes. Write at most
    /// `extra` bytes from there, then call ``commit(end:)``.
    @inlinable @inline(__always)
    public func cursor(reserving extra: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(extra)
        return state.pointee.base + state.pointee.count
    }

    /// Keeps the bytes written from ``cursor(reserving:)`` up to `end`.
    @inlinable @inline(__always)
    public func commit(end: UnsafeMutablePointer<UInt8>) {
        assert(end >= state.pointee.base + state.pointee.count && end <= state.pointee.base + state.pointee.capacity)
        state.pointee.count = end - state.pointee.base
    }

    // MARK: Raw bytes and text

    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        state.pointee.base[state.pointee.count] = byte
        state.pointee.count &+= 1
    }

    @inlinable @inline(__always)
    public func append(bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, let src = bytes.baseAddress else { return }
        reserve(n)
        Self.copy(src.assumingMemoryBound(to: UInt8.self), count: n, to: state.pointee.base + state.pointee.count)
        state.pointee.count &+= n
    }

    /// Copies `count` bytes from `source` to `destination` and returns the
    /// end: for writers that keep their own cursor.
    @inlinable @inline(__always)
    @discardableResult
    public static func copy(_ source: UnsafePointer<UInt8>, count n: Int, to destination: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Short strings (most fields and keys): a call to memmove costs
        // more. Two overlapping loads and stores cover any length between
        // one word and two, without reading or writing outside either span.
        let s = UnsafeRawPointer(source)
        let d = UnsafeMutableRawPointer(destination)
        if n >= 8 {
            if n <= 16 {
                let head = s.loadUnaligned(as: UInt64.self)
                let tail = s.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                d.storeBytes(of: head, as: UInt64.self)
                d.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
            } else if n <= 32 {
                let head = s.loadUnaligned(as: SIMD16<UInt8>.self)
                let tail = s.loadUnaligned(fromByteOffset: n - 16, as: SIMD16<UInt8>.self)
                d.storeBytes(of: head, as: SIMD16<UInt8>.self)
                d.storeBytes(of: tail, toByteOffset: n - 16, as: SIMD16<UInt8>.self)
            } else {
                d.copyMemory(from: s, byteCount: n)
            }
        } else if n >= 4 {
            let head = s.loadUnaligned(as: UInt32.self)
            let tail = s.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            d.storeBytes(of: head, as: UInt32.self)
            d.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            for i in 0..<n { destination[i] = source[i] }
        }
        return destination + n
    }

    public func append(bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(bytes: $0) }
    }

    /// Appends the contents of another buffer.
    public func append(_ other: OutputBuffer) {
        other.withUnsafeBytes { append(bytes: $0) }
    }

    @inlinable @inline(__always)
    public func append(_ text: StaticString) {
        if text.hasPointerRepresentation {
            append(bytes: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        } else {
            append(String(describing: text))
        }
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    // MARK: Numbers and dates

    /// Appends `value` in the JSON form of ``NumberText/write(_:to:)``.
    public func append(number value: Double) {
        write(maxCount: NumberText.maxBytes) { p in NumberText.write(value, to: p) - p }
    }

    /// Appends `value` in decimal (`-` for negatives; `Int.min` included).
    public func append(decimal value: Int) {
        write(maxCount: 20) { dst in NumberText.writeDecimal(value, at: dst) - dst }
    }

    /// Appends the day count since 1970-01-01 as `YYYY-MM-DD` (proleptic
    /// Gregorian). Years outside 0…9999 get a `-` sign and/or more digits
    /// (`-0001-01-01`, `10000-01-01`). Valid for |days| < 2^52.
    public func appendDate(daysSince1970 days: Int) {
        write(maxCount: ISODate.maxBytes) { dst in ISODate.write(daysSince1970: days, to: dst) - dst }
    }

    // MARK: CSV

    /// Appends one CSV field, quoted only when needed: when it contains
    /// `,` `"` CR or LF, or starts or ends with a space or tab (which
    /// readers may trim). Quotes inside are doubled. An empty value is
    /// written as nothing.
    @inlinable
    public func appendCSVField(_ value: UnsafeRawBufferPointer) {
        let n = value.count
        guard n > 0, let raw = value.baseAddress else { return }
        let u = raw.assumingMemoryBound(to: UInt8.self)
        if u[0] == 0x20 || u[0] == 0x09 || u[n &- 1] == 0x20 || u[n &- 1] == 0x09 || Self.needsCSVQuotes(raw, n) {
            appendQuotedCSVField(u, n)
            return
        }
        reserve(n)
        (state.pointee.base + state.pointee.count).update(from: u, count: n)
        state.pointee.count &+= n
    }

    /// Whether `p[0..<n]` holds a `"` `,` LF or CR: eight bytes a step
    /// (a byte equal to one of them makes its lane of `x ^ pattern` zero).
    @inlinable
    static func needsCSVQuotes(_ p: UnsafeRawPointer, _ n: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { ~(((x & low7) &+ low7) | x | low7) }
        var i = 0
        while n &- i >= 8 {
            let w = (p + i).loadUnaligned(as: UInt64.self)
            if zeros(w ^ (0x22 &* ones)) | zeros(w ^ (0x2C &* ones)) | zeros(w ^ (0x0A &* ones)) | zeros(w ^ (0x0D &* ones)) != 0 {
                return true
            }
            i &+= 8
        }
        let u = p.assumingMemoryBound(to: UInt8.self)
        while i < n {
            let b = u[i]
            if b == 0x22 || b == 0x2C || b == 0x0A || b == 0x0D { return true }
            i &+= 1
        }
        return false
    }

    @usableFromInline
    func appendQuotedCSVField(_ u: UnsafePointer<UInt8>, _ n: Int) {
        var quotes = 0
        for i in 0..<n where u[i] == 0x22 { quotes += 1 }
        write(maxCount: n + quotes + 2) { dst in
            dst[0] = 0x22
            var o = 1
            for i in 0..<n {
                let b = u[i]
                dst[o] = b
                o += 1
                if b == 0x22 {
                    dst[o] = 0x22
                    o += 1
                }
            }
            dst[o] = 0x22
            return o + 1
        }
    }

    /// ``appendCSVField(_:)-(UnsafeRawBufferPointer)`` for a string.
    public func appendCSVField(_ value: String) {
        var value = value
        value.withUTF8 { appendCSVField(UnsafeRawBufferPointer($0)) }
    }

    // MARK: JSON

    /// Appends `value` as a JSON string literal, quotes included: `"` and
    /// `\` are escaped, control characters become `\n` `\r` `\t` `\b` `\f`
    /// or `\u00XX`; other bytes (UTF-8 included) pass through unchanged, so
    /// the value should be valid UTF-8.
    public func appendJSONString(_ value: UnsafeRawBufferPointer) {
        let n = value.count
        let u = value.baseAddress?.assumingMemoryBound(to: UInt8.self)
        write(maxCount: n * 6 + 2) { dst in
            dst[0] = 0x22
            var o = 1
            let hex: StaticString = "0123456789abcdef"
            let h = hex.utf8Start
            for i in 0..<n {
                let b = u![i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    dst[o] = b
                    o += 1
                    continue
                }
                dst[o] = 0x5C
                switch b {
                case 0x22: dst[o + 1] = 0x22
                case 0x5C: dst[o + 1] = 0x5C
                case 0x0A: dst[o + 1] = 0x6E
                case 0x0D: dst[o + 1] = 0x72
                case 0x09: dst[o + 1] = 0x74
                case 0x08: dst[o + 1] = 0x62
                case 0x0C: dst[o + 1] = 0x66
                default:
                    dst[o + 1] = 0x75
                    dst[o + 2] = 0x30
                    dst[o + 3] = 0x30
                    dst[o + 4] = h[Int(b >> 4)]
                    dst[o + 5] = h[Int(b & 15)]
                    o += 6
                    continue
                }
                o += 2
            }
            dst[o] = 0x22
            return o + 1
        }
    }

    /// ``appendJSONString(_:)-(UnsafeRawBufferPointer)`` for a string.
    public func appendJSONString(_ value: String) {
        var value = value
        value.withUTF8 { appendJSONString(UnsafeRawBufferPointer($0)) }
    }
}
