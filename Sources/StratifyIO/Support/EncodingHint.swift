/// Names the encoding of text that is not UTF-8, for messages that say how
/// to convert it. Only called on error paths and once per input.
public enum EncodingHint {
    /// "UTF-16 LE" or "UTF-16 BE" when the first bytes of a stream are
    /// UTF-16: a byte-order mark (FF FE, FE FF), or a NUL in every other
    /// byte position (ASCII text in UTF-16 without a mark); else nil.
    public static func utf16(_ head: [UInt8]) -> String? {
        if head.count >= 2 {
            if head[0] == 0xFF && head[1] == 0xFE { return "UTF-16 LE" }
            if head[0] == 0xFE && head[1] == 0xFF { return "UTF-16 BE" }
        }
        let pairs = min(head.count / 2, 32)
        guard pairs >= 2 else { return nil }
        var little = 0
        var big = 0
        for pair in 0..<pairs {
            let first = head[2 * pair], second = head[2 * pair + 1]
            if first != 0 && second == 0 { little += 1 }
            if first == 0 && second != 0 { big += 1 }
        }
        // Text that is not UTF-16 has no NUL bytes at all; allow a few
        // characters outside Latin-1 in UTF-16 text.
        if little * 4 >= pairs * 3 && big == 0 { return "UTF-16 LE" }
        if big * 4 >= pairs * 3 && little == 0 { return "UTF-16 BE" }
        return nil
    }

    /// The `iconv` source name for an encoding ``utf16(_:)`` named.
    public static func iconvName(_ encoding: String) -> String {
        String(encoding.filter { $0 != " " })
    }

    /// Words to add to "not valid UTF-8" when the invalid byte `byte`
    /// (followed by `next`, if any) looks like a single-byte encoding: a
    /// byte ≥ 0x80 that neither starts nor continues a UTF-8 sequence is
    /// what Latin-1 and Windows-1252 write for é, ü, ’ and the like.
    public static func singleByte(byte: UInt8, next: UInt8?) -> String? {
        guard byte >= 0x80 else { return nil }
        let startsSequence = byte >= 0xC2 && byte <= 0xF4
        let followedByContinuation = next.map { $0 >= 0x80 && $0 < 0xC0 } ?? false
        guard !(startsSequence && followedByContinuation) else { return nil }
        return "the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8"
    }

    /// `byte 0xE9 at position 3; the file looks like …` for a value whose
    /// byte at `offset` is not UTF-8.
    public static func describeInvalidUTF8(in bytes: UnsafeRawBufferPointer, at offset: Int, positionBase: Int? = 1) -> String {
        let byte = bytes[offset]
        var text = "byte 0x\(String(byte, radix: 16, uppercase: true))"
        if let positionBase { text += " at position \(offset + positionBase)" }
        if let hint = singleByte(byte: byte, next: offset + 1 < bytes.count ? bytes[offset + 1] : nil) {
            text += "; \(hint)"
        }
        return text
    }
}
