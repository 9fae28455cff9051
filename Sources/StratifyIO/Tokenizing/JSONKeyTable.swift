#if canImport(Glibc)
import Glibc
import StratifyCore
#endif

/// The keys a ``JSONLineParser`` knows by name, so that it can report each
/// member's key as an index instead of bytes: NDJSON keys are looked up once
/// per value, millions of times a batch.
///
/// Each key is stored quoted (`"name"`), so that the parser can match a
/// whole key token with one comparison when it guesses the key from the
/// one before it (exporters write keys in one order). Immutable after
/// init, in flat buffers.
final class JSONKeyTable: Sendable {
    let count: Int
    /// `"key"` for each key, back to back; key `i` spans `offsets[i]..<offsets[i + 1]`.
    private let quoted: FixedBuffer<UInt8>
    private let offsets: FixedBuffer<Int>
    /// Whether key `i` can be matched as raw bytes: it holds nothing a JSON
    /// string would have to escape, so equal bytes mean an equal, valid key.
    private let plain: FixedBuffer<Bool>
    /// Open addressing over a power-of-two table of key indexes (-1: empty).
    private let slots: FixedBuffer<Int32>
    private let mask: Int
    /// With `normalizing`: the keys' normalised names (``FieldNameMatching``),
    /// at the same indexes, for a key that matches no key exactly.
    private let normalized: JSONKeyTable?

    /// A table of `keys`; with `normalizing`, a key that matches none of
    /// them exactly is looked up again by its normalised name
    /// (``index(normalizing:into:)``).
    convenience init(_ keys: [String], normalizing: Bool = false) {
        let normalized = normalizing ? JSONKeyTable(FieldNameMatching.normalizedNames(keys), normalized: nil) : nil
        self.init(keys.map { Optional($0) }, normalized: normalized)
    }

    /// A nil key takes its index but is never found.
    private init(_ keys: [String?], normalized: JSONKeyTable?) {
        count = keys.count
        self.normalized = normalized
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for key in keys {
            offsets.append(bytes.count)
            bytes.append(ASCII.quote)
            bytes += (key ?? "").utf8
            bytes.append(ASCII.quote)
        }
        offsets.append(bytes.count)
        self.offsets = FixedBuffer(offsets)
        plain = FixedBuffer(keys.map { key in key != nil && !key!.utf8.contains { $0 < 0x20 || $0 == ASCII.quote || $0 == ASCII.backslash } })
        quoted = FixedBuffer(bytes)

        var size = 16
        while size < keys.count * 4 { size *= 2 }
        slots = FixedBuffer(repeating: -1, count: size)
        mask = size - 1
        for index in 0..<keys.count where keys[index] != nil && self.index(of: self.key(index)) == nil {
            var slot = Self.hash(self.key(index)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// Key `index`, without its quotes.
    @inline(__always)
    func key(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: quoted.baseAddress + offsets[index] + 1, count: offsets[index + 1] - offsets[index] - 2)
    }

    /// Whether `"key"` for key `index` is exactly the bytes at `p` (which
    /// has `available` bytes); if so, how many, else 0.
    @inline(__always)
    func matchQuoted(_ index: Int, at p: UnsafePointer<UInt8>, available: Int) -> Int {
        let start = offsets[index]
        let length = offsets[index + 1] - start
        guard length <= available, plain[index] else { return 0 }
        return Self.equal(UnsafeRawPointer(quoted.baseAddress + start), UnsafeRawPointer(p), length) ? length : 0
    }

    /// The index of the key whose unescaped bytes are `key`, or nil.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let candidate = self.key(index)
            if candidate.count == key.count,
                candidate.isEmpty || Self.equal(candidate.baseAddress!, key.baseAddress!, key.count)
            {
                return index
            }
            slot = (slot + 1) & mask
        }
    }

    /// The index of the key whose normalised name is that of `key` (which
    /// matched no key exactly), or nil; nil at once for a table made
    /// without `normalizing`. `out` has room for `key.count` bytes and may
    /// be `key`'s own storage.
    var isNormalizing: Bool { normalized != nil }

    func index(normalizing key: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let normalized else { return nil }
        let count = FieldNameMatching.normalize(key, into: out)
        return normalized.index(of: UnsafeRawBufferPointer(start: out, count: count))
    }

    /// Keys are short: two overlapping loads per side cover any length
    /// between one word and two, which costs less than a call to memcmp or
    /// a loop, and reads nothing outside either span.
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        if length >= 8 {
            if length <= 16 {
                return (a.loadUnaligned(as: UInt64.self) ^ b.loadUnaligned(as: UInt64.self))
                    | (a.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) == 0
            }
            if length <= 32 {
                let head = a.loadUnaligned(as: SIMD16<UInt8>.self) .== b.loadUnaligned(as: SIMD16<UInt8>.self)
                let tail =
                    a.loadUnaligned(fromByteOffset: length - 16, as: SIMD16<UInt8>.self)
                    .== b.loadUnaligned(fromByteOffset: length - 16, as: SIMD16<UInt8>.self)
                return all(head .& tail)
            }
            return memcmp(a, b, length) == 0
        }
        if length >= 4 {
            return (a.loadUnaligned(as: UInt32.self) ^ b.loadUnaligned(as: UInt32.self))
                | (a.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self) ^ b.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)) == 0
        }
        for offset in 0..<length where a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
    }

    /// FNV-1a.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash >> 1)
    }
}
