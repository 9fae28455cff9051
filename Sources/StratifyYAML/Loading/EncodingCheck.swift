/// Checks that a rule file is UTF-8 before libyaml sees it.
///
/// libyaml would decode UTF-16 (when it finds a BOM) and reports a bad byte
/// only as a raw offset with a terse message; checking first lets us refuse
/// other encodings outright and point at the exact line and column.
enum EncodingCheck {
    /// The name of the encoding announced by a UTF-16 or UTF-32 byte order
    /// mark at the start of `bytes`, or nil.
    static func foreignBOM(_ bytes: [UInt8]) -> String? {
        // UTF-32 LE starts like UTF-16 LE, so test the longer marks first.
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 (little-endian)" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        return nil
    }

    /// The byte offset of the first byte that does not belong to a well-formed
    /// UTF-8 sequence (no overlong forms, no surrogates, nothing past
    /// U+10FFFF), or nil when all of `bytes` is valid.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            let count = buffer.count
            var index = 0
            while index < count {
                let lead = buffer[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                // The allowed range of the second byte depends on the lead byte
                // (Unicode Table 3-7); later bytes are always 0x80...0xBF.
                let length: Int
                var secondLow: UInt8 = 0x80
                var secondHigh: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0:
                    length = 3
                    secondLow = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED:
                    length = 3
                    secondHigh = 0x9F
                case 0xF0:
                    length = 4
                    secondLow = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4:
                    length = 4
                    secondHigh = 0x8F
                default: return index
                }
                guard index + 1 < count else { return index }
                let second = buffer[index + 1]
                guard second >= secondLow, second <= secondHigh else { return index }
                var next = index + 2
                while next < index + length {
                    guard next < count, buffer[next] & 0xC0 == 0x80 else { return index }
                    next += 1
                }
                index += length
            }
            return nil
        }
    }
}
