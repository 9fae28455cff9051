/// Literal (`|`) and folded (`>`) block scalars, after libyaml's
/// `yaml_parser_scan_block_scalar`.
extension ScalarSourceMap {
    // MARK: - Block

    /// `start` is the `|` or `>` indicator. libyaml's indentation for the
    /// content depends on the parent's indentation when the header has an
    /// explicit indentation digit, which the node does not record; so the
    /// candidates are tried in turn and the one that reproduces the value wins.
    static func block(_ bytes: [UInt8], start: Int, end: Int, expected: [UInt8]) -> ScalarSourceMap? {
        guard start < end, bytes[start] == UInt8(ascii: "|") || bytes[start] == UInt8(ascii: ">") else { return nil }
        let literal = bytes[start] == UInt8(ascii: "|")
        var position = start + 1
        var chomping = 0
        var increment = 0
        func readChomping() {
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                chomping = bytes[position] == UInt8(ascii: "+") ? 1 : -1
                position += 1
            }
        }
        func readIncrement() {
            if position < end, bytes[position] >= UInt8(ascii: "1"), bytes[position] <= UInt8(ascii: "9") {
                increment = Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
        }
        readChomping()
        readIncrement()
        if chomping == 0 { readChomping() }
        while isBlank(bytes, position, end) { position += 1 }
        if position < end, bytes[position] == UInt8(ascii: "#") {
            while position < end, lineBreak(bytes, position, end) == nil { position += 1 }
        }
        if let lineBreak = lineBreak(bytes, position, end) {
            position += lineBreak.length
        } else if position < end {
            return nil
        }
        let header = BlockHeader(literal: literal, chomping: chomping, contentStart: position, end: end)

        guard increment > 0 else {
            return blockContent(bytes, header: header, indent: 0)
        }
        // libyaml's indent is the enclosing block collection's column (or -1
        // at the top level) + increment. That collection's entry (`key:`,
        // `- `, `: `) starts on the header line, at a column after a blank.
        for parent in parentColumnCandidates(bytes, indicator: start) {
            if let map = blockContent(bytes, header: header, indent: max(parent, 0) + increment), map.value == expected {
                return map
            }
        }
        return nil
    }

    /// Columns on the header line where a token starts, before the indicator;
    /// at most a few dozen (nesting is limited), each tried once.
    private static func parentColumnCandidates(_ bytes: [UInt8], indicator: Int) -> [Int] {
        var lineStart = indicator
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        // libyaml's columns do not count a BOM.
        if lineStart == 0, indicator >= 3, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { lineStart = 3 }
        var candidates = [0]
        var column = 0
        var previousIsBlank = true
        for position in lineStart..<indicator where bytes[position] & 0xC0 != 0x80 {
            let isBlank = bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")
            if !isBlank, previousIsBlank, column > 0, candidates.count < 100 {
                candidates.append(column)
            }
            previousIsBlank = isBlank
            column += 1
        }
        return candidates
    }

    private struct BlockHeader {
        var literal: Bool
        var chomping: Int
        var contentStart: Int
        var end: Int
    }

    /// Decodes the lines of a block scalar; `indent` 0 means auto-detect.
    private static func blockContent(_ bytes: [UInt8], header: BlockHeader, indent explicit: Int) -> ScalarSourceMap? {
        var map = ScalarSourceMap()
        let end = header.end
        var position = header.contentStart
        var column = 0
        var indent = explicit
        var leadingBreak: Piece?
        var trailingBreaks: [Piece] = []
        var leadingBlank = false

        // Eats indentation and empty lines, like yaml_parser_scan_block_scalar_breaks.
        func scanBreaks() -> Bool {
            var maxIndent = 0
            while true {
                while indent == 0 || column < indent, position < end, bytes[position] == UInt8(ascii: " ") {
                    position += 1
                    column += 1
                }
                maxIndent = max(maxIndent, column)
                if indent == 0 || column < indent, position < end, bytes[position] == UInt8(ascii: "\t") {
                    return false
                }
                guard let lineBreak = lineBreak(bytes, position, end) else { break }
                trailingBreaks.append(Piece(bytes: lineBreak.value, origin: position))
                position += lineBreak.length
                column = 0
            }
            if indent == 0 {
                // libyaml also raises this to the parent's indentation + 1,
                // which matters only when there is no content line at all.
                indent = max(maxIndent, 1)
            }
            return true
        }

        guard scanBreaks() else { return nil }
        while column == indent, position < end {
            let trailingBlank = isBlank(bytes, position, end)
            if !header.literal, let pending = leadingBreak, pending.isLineFeed, !leadingBlank, !trailingBlank {
                // Folding: a single break between two normal lines is a space.
                if trailingBreaks.isEmpty { map.emit([0x20], from: pending.origin) }
            } else if let pending = leadingBreak {
                map.emit(pending)
            }
            leadingBreak = nil
            map.emit(trailingBreaks)
            trailingBreaks.removeAll()
            leadingBlank = isBlank(bytes, position, end)
            while position < end, lineBreak(bytes, position, end) == nil {
                let width = width(bytes, position, end)
                map.emit(bytes[position..<(position + width)], from: position)
                position += width
            }
            map.endOrigin = position
            guard let lineBreak = lineBreak(bytes, position, end) else { break }
            leadingBreak = Piece(bytes: lineBreak.value, origin: position)
            position += lineBreak.length
            column = 0
            guard scanBreaks() else { return nil }
        }
        if map.origins.isEmpty { map.endOrigin = header.contentStart }
        if header.chomping != -1, let pending = leadingBreak { map.emit(pending) }
        if header.chomping == 1 { map.emit(trailingBreaks) }
        return map
    }
}
