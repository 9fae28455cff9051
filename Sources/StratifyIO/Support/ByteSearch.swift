import Glibc

// Byte searches on raw memory, used by the chunkers and line scanners.
// Glibc's `memchr` is SIMD-optimised; `memrchr` is a GNU extension that the
// Swift Glibc module does not export, so the backward search is written
// here with 8-byte words.

/// Offset of the first `byte` in `p[from..<to]`, or nil.
@inline(__always)
func findByte(_ byte: UInt8, _ p: UnsafeRawPointer, from: Int, to: Int) -> Int? {
    guard to > from, let hit = memchr(p + from, Int32(byte), to - from) else { return nil }
    return UnsafeRawPointer(hit) - p
}

/// Offset of the last `byte` in `p[from..<to]`, or nil.
@inline(__always)
func findLastByte(_ byte: UInt8, _ p: UnsafeRawPointer, from: Int, to: Int) -> Int? {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let pattern = UInt64(byte) &* ones
    var i = to
    while i - from >= 8 {
        let w = (p + (i - 8)).loadUnaligned(as: UInt64.self) ^ pattern
        // Exact zero-byte mask (no false positives, unlike the shorter
        // `(w - ones) & ~w` trick): high bit set exactly where w's byte is 0.
        let zero = ~(((w & low7) &+ low7) | w | low7)
        if zero != 0 {
            // Little-endian: the highest address is the most significant byte.
            return i - 8 + (63 - zero.leadingZeroBitCount) >> 3
        }
        i -= 8
    }
    let u = p.assumingMemoryBound(to: UInt8.self)
    while i > from {
        i -= 1
        if u[i] == byte { return i }
    }
    return nil
}

/// Number of line feeds in `p[from..<to]`.
@inline(__always)
func countLineFeeds(_ p: UnsafeRawPointer, from: Int, to: Int) -> Int {
    var i = from
    var total = 0
    let u = p.assumingMemoryBound(to: UInt8.self)
    // 32 bytes per step, byte-wide counters flushed before they can wrap.
    let lf = SIMD32<UInt8>(repeating: 10)
    let one = SIMD32<UInt8>(repeating: 1)
    let zero = SIMD32<UInt8>(repeating: 0)
    while to - i >= 32 {
        var acc = SIMD32<UInt8>(repeating: 0)
        var steps = 0
        while to - i >= 32 && steps < 255 {
            let v = (p + i).loadUnaligned(as: SIMD32<UInt8>.self)
            acc &+= zero.replacing(with: one, where: v .== lf)
            i += 32
            steps += 1
        }
        total += Int(SIMD32<UInt16>(truncatingIfNeeded: acc).wrappedSum())
    }
    while i < to {
        if u[i] == 10 { total += 1 }
        i += 1
    }
    return total
}
