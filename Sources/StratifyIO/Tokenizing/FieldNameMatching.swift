/// How a field's name in an intake file (a CSV column, an NDJSON key) that
/// is not exactly an input's name can still be read as that input:
/// exporters write `Assessed On`, ` age ` or `PHQ9-Total` for `assessed_on`,
/// `age` and `phq9_total`. A name is normalised by trimming ASCII whitespace,
/// lowering ASCII letters, and turning spaces and hyphens into `_`; it then
/// matches the input whose name normalises the same way.
///
/// The one definition used both for CSV headers (once per file) and for
/// NDJSON keys (per line, on the parser's miss path), so that a file reads
/// the same in either format.
public enum FieldNameMatching {
    /// Writes the normalised form of `name` to `out` (room for
    /// `name.count` bytes; `out` may be `name`'s own storage, as no byte
    /// moves later) and returns its length.
    @inline(__always)
    public static func normalize(_ name: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var start = 0
        var end = name.count
        while start < end, isWhitespace(name[start]) { start += 1 }
        while end > start, isWhitespace(name[end - 1]) { end -= 1 }
        for offset in start..<end {
            let byte = name[offset]
            out[offset - start] =
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
                case UInt8(ascii: " "), UInt8(ascii: "-"): UInt8(ascii: "_")
                default: byte
                }
        }
        return end - start
    }

    public static func normalized(_ name: String) -> String {
        guard !name.isEmpty else { return name }
        let bytes = Array(name.utf8)
        var out = [UInt8](repeating: 0, count: bytes.count)
        let count = bytes.withUnsafeBytes { source in
            out.withUnsafeMutableBufferPointer { normalize(source, into: $0.baseAddress!) }
        }
        return String(decoding: out[..<count], as: UTF8.self)
    }

    /// Each input name's normalised form, or nil where two inputs normalise
    /// alike (`age` and `Age`): neither is then matched by normalising, as
    /// the file's name could mean either.
    public static func normalizedNames(_ names: [String]) -> [String?] {
        let forms = names.map(normalized)
        var uses: [String: Int] = [:]
        for form in forms { uses[form, default: 0] += 1 }
        return forms.map { uses[$0] == 1 ? $0 : nil }
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
