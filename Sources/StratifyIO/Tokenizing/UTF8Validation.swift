/// Strict UTF-8 validation (Unicode 15, table 3-7): rejects overlong forms,
/// surrogates (U+D800…U+DFFF), code points above U+10FFFF, stray
/// continuation bytes and truncated sequences. NUL is valid UTF-8; CSV
/// records flag it separately (``CSVRecordInfo/hasNUL``).
public enum UTF8Validation {
    /// Offset of the first byte of the first invalid (or truncated) sequence
    /// in `bytes`, or nil when all of `bytes` is valid UTF-8.
    public static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let raw = bytes.baseAddress else { return nil }
        let n = bytes.count
        let u = raw.assumingMemoryBound(to: UInt8.self)
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < n {
            // ASCII runs, 16 bytes at a time.
            while n - i >= 16 {
                let a = (raw + i).loadUnaligned(as: UInt64.self)
                let b = (raw + i + 8).loadUnaligned(as: UInt64.self)
                if (a | b) & high != 0 { break }
                i += 16
            }
            if i >= n { break }
            if u[i] < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(u, i, n)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    /// True when all of `bytes` is valid UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidOffset(in: bytes) == nil
    }

    /// Length of the valid multi-byte sequence starting at `u[i]` (a byte
    /// ≥ 0x80), or 0 if it is invalid or runs past `n`.
    @inline(__always)
    static func sequenceLength(_ u: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = u[i]
        @inline(__always) func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && u[i + k] >= lo && u[i + k] <= hi
        }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xED:
            return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0:
            return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:
            return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }
}
