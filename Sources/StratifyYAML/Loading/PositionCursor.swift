import StratifyCore
/// Turns libyaml marks into `SourceLocation`s.
///
/// libyaml counts characters (its `index` is a character count that starts
/// after any BOM, and it also breaks lines at a lone CR, NEL, LS and PS),
/// whereas a `SourceLocation` holds a byte offset and counts lines the way
/// `SourceFile.lineText` does (at `\n` only, with a leading BOM not counted
/// as a column). So the cursor walks the bytes
/// to the mark's character index and derives all three numbers itself.
///
/// The marks of successive events almost always move forward, so the cursor
/// remembers where it is and walks only the distance to the next mark: the
/// cost of locating every event of a file is linear in the file's size.
struct PositionCursor {
    private let bytes: [UInt8]
    private let firstOffset: Int
    /// libyaml's character index of `offset`.
    private var index: Int
    private var offset: Int
    private var line = 1
    private var column = 1

    /// `bytes` must be valid UTF-8 (checked before parsing); `bomLength` is
    /// the length of a UTF-8 BOM that libyaml skipped, or 0.
    init(bytes: [UInt8], bomLength: Int) {
        self.bytes = bytes
        self.firstOffset = bomLength
        self.index = 0
        self.offset = bomLength
    }

    private var here: SourceLocation {
        SourceLocation(line: line, column: column, offset: offset)
    }

    /// The location of libyaml character index `target`.
    mutating func location(ofCharacterIndex target: Int) -> SourceLocation {
        while index < target, stepForward() {}
        while index > target, stepBackward() {}
        return here
    }

    private func width(at position: Int) -> Int {
        let lead = bytes[position]
        return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    private mutating func stepForward() -> Bool {
        guard offset < bytes.count else { return false }
        if bytes[offset] == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
        offset = min(offset + width(at: offset), bytes.count)
        index += 1
        return true
    }

    private mutating func stepBackward() -> Bool {
        guard offset > firstOffset else { return false }
        offset -= 1
        while offset > 0, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
        index -= 1
        if bytes[offset] == UInt8(ascii: "\n") {
            line -= 1
            // Rare (marks seldom move back across a line), so rescanning the
            // previous line is fine.
            var start = offset
            while start > firstOffset, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            column = 1
            for position in start..<offset where bytes[position] & 0xC0 != 0x80 {
                column += 1
            }
        } else {
            column -= 1
        }
        return true
    }
}
