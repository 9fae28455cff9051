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

/// High bit set in exactly the bytes of `x` that are zero (no false
/// positives, unlike the shorter `(x - ones) & ~x` trick).
@inline(__always)
func zeroByteMask(_ x: UInt64) -> UInt64 {
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((x & low7) &+ low7) | x | low7)
}

/// Gathers the high bits of the 8 bytes of `m` (as from ``zeroByteMask``)
/// into the low 8 bits: bit i is the high bit of byte i. Every partial
/// product lands on a distinct bit, so nothing carries.
@inline(__always)
func byteMaskBits(_ m: UInt64) -> UInt64 {
    ((m >> 7) &* 0x0102_0408_1020_4080) >> 56
}

/// Number of line feeds in `p[from..<to]`.
///
/// Word-at-a-time (SWAR): generic `SIMD` types are scalarized by the
/// compiler for this target, and `popcnt` is not in the x86-64 baseline, so
/// matches are summed in byte lanes and folded every 255 words.
@inline(__always)
func countLineFeeds(_ p: UnsafeRawPointer, from: Int, to: Int) -> Int {
    let lf: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    let lanes: UInt64 = 0x00FF_00FF_00FF_00FF
    var i = from
    var total = 0
    while to - i >= 32 {
        var acc: UInt64 = 0
        var steps = 0
        while to - i >= 32 && steps < 63 {  // 4 per lane per step: ≤ 252
            let a = zeroByteMask((p + i).loadUnaligned(as: UInt64.self) ^ lf) >> 7
            let b = zeroByteMask((p + i + 8).loadUnaligned(as: UInt64.self) ^ lf) >> 7
            let c = zeroByteMask((p + i + 16).loadUnaligned(as: UInt64.self) ^ lf) >> 7
            let d = zeroByteMask((p + i + 24).loadUnaligned(as: UInt64.self) ^ lf) >> 7
            acc &+= a &+ b &+ c &+ d
            i += 32
            steps += 1
        }
        let pairs = (acc & lanes) &+ ((acc >> 8) & lanes)
        total += Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }
    let u = p.assumingMemoryBound(to: UInt8.self)
    while i < to {
        if u[i] == ASCII.lineFeed { total += 1 }
        i += 1
    }
    return total
}
