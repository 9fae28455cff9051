/// The bytes of a rule file together with its path, so that a diagnostic can
/// quote the offending line.
public struct SourceFile: Sendable {
    /// The path as the user gave it; diagnostics print it unchanged.
    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The length of a UTF-8 byte order mark at the start of the file, or 0.
    /// Editors hide the BOM, so columns on line 1 start after it.
    package var bomLength: Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// The text of 1-based line `line`, without its line break (nor a leading
    /// UTF-8 BOM), or nil when the file has no such line. Invalid UTF-8 is
    /// shown with replacement characters.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1 else { return nil }
        var current = 1
        var start = bomLength
        var index = start
        while index < bytes.count, current < line {
            if bytes[index] == UInt8(ascii: "\n") {
                current += 1
                start = index + 1
            }
            index += 1
        }
        guard current == line, start <= bytes.count else { return nil }
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The location of byte `offset`, computed by scanning from the start.
    /// Columns count Unicode scalars; a leading UTF-8 BOM is not counted.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let target = min(max(offset, 0), bytes.count)
        // Offsets inside the BOM are column 1, like the first character.
        return walk(from: SourceLocation(line: 1, column: 1, offset: min(bomLength, target)), to: target)
    }

    /// The location of byte `offset`, found by walking forward from a known
    /// location rather than from the start of the file (the YAML loader
    /// resolves many positions in file order). Falls back to a scan from the
    /// start when `offset` lies before `known`.
    package func location(from known: SourceLocation, advancingTo offset: Int) -> SourceLocation {
        let target = min(max(offset, 0), bytes.count)
        guard known.offset >= 0, known.offset <= target else { return location(ofOffset: target) }
        return walk(from: known, to: target)
    }

    private func walk(from known: SourceLocation, to target: Int) -> SourceLocation {
        var line = known.line
        var column = known.column
        var index = known.offset
        while index < target {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(line: line, column: column, offset: target)
    }
}
