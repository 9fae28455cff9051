/// Unescaping of JSON string content (the bytes between the quotes).
public enum JSONString {
    /// Writes the unescaped UTF-8 of `content` to `out` and returns the
    /// number of bytes written, at most `content.count` (unescaping never
    /// lengthens), so `out` needs room for `content.count` bytes.
    ///
    /// Handles `\" \\ \/ \b \f \n \r \t` and `\uXXXX`, joining surrogate
    /// pairs; a lone surrogate or a malformed escape throws (column is
    /// 1-based within `content`). Bytes other than escapes are copied as they
    /// are (``JSONLineParser`` has already validated them).
    public static func unescape(_ content: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) throws(JSONParseError) -> Int {
        guard let raw = content.baseAddress else { return 0 }
        let u = raw.assumingMemoryBound(to: UInt8.self)
        let n = content.count
        var i = 0
        var o = 0
        while i < n {
            let b = u[i]
            if b != 0x5C {
                out[o] = b
                o += 1
                i += 1
                continue
            }
            guard i + 1 < n else { throw JSONParseError(column: i + 1, message: "incomplete escape") }
            let e = u[i + 1]
            var simple: UInt8 = 0
            switch e {
            case 0x22: simple = 0x22
            case 0x5C: simple = 0x5C
            case 0x2F: simple = 0x2F
            case 0x62: simple = 0x08
            case 0x66: simple = 0x0C
            case 0x6E: simple = 0x0A
            case 0x72: simple = 0x0D
            case 0x74: simple = 0x09
            case 0x75: break
            default: throw JSONParseError(column: i + 1, message: "invalid escape")
            }
            if e != 0x75 {
                out[o] = simple
                o += 1
                i += 2
                continue
            }
            guard var scalar = JSONCursor.hexValue(u, i + 2, n) else {
                throw JSONParseError(column: i + 1, message: "invalid \\u escape: expected 4 hex digits")
            }
            let escapeStart = i
            i += 6
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard i + 1 < n, u[i] == 0x5C, u[i + 1] == 0x75,
                    let low = JSONCursor.hexValue(u, i + 2, n), low >= 0xDC00 && low <= 0xDFFF
                else {
                    throw JSONParseError(column: escapeStart + 1, message: "lone surrogate \\u\(hex4Text(scalar))")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                i += 6
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw JSONParseError(column: escapeStart + 1, message: "lone surrogate \\u\(hex4Text(scalar))")
            }
            o += encodeUTF8(scalar, out + o)
        }
        return o
    }

    /// Appends the unescaped UTF-8 of `content` to `out` (see
    /// ``unescape(_:into:)``).
    public static func appendUnescaped(_ content: UnsafeRawBufferPointer, to out: inout [UInt8]) throws(JSONParseError) {
        let old = out.count
        out.append(contentsOf: repeatElement(0, count: content.count))
        let written: Int
        do {
            written = try out.withUnsafeMutableBufferPointer { (dst) throws(JSONParseError) -> Int in
                try unescape(content, into: dst.baseAddress! + old)
            }
        } catch {
            out.removeLast(content.count)
            throw error
        }
        out.removeLast(content.count - written)
    }

    @inline(__always)
    static func encodeUTF8(_ v: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
        switch v {
        case 0..<0x80:
            out[0] = UInt8(v)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | (v >> 6))
            out[1] = UInt8(0x80 | (v & 0x3F))
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | (v >> 12))
            out[1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[2] = UInt8(0x80 | (v & 0x3F))
            return 3
        default:
            out[0] = UInt8(0xF0 | (v >> 18))
            out[1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            out[2] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[3] = UInt8(0x80 | (v & 0x3F))
            return 4
        }
    }
}
