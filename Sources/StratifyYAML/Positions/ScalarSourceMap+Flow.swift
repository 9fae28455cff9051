/// Plain and quoted scalars, after libyaml's `yaml_parser_scan_plain_scalar`
/// and `yaml_parser_scan_flow_scalar`.
extension ScalarSourceMap {
    // MARK: - Plain

    static func plain(_ bytes: [UInt8], start: Int, end: Int) -> ScalarSourceMap {
        var map = ScalarSourceMap()
        var position = start
        var folding = Folding()
        while position < end {
            if let next = folding.take(bytes, position, end) {
                position = next
            } else {
                if folding.leadingBlanks || !folding.whitespaces.isEmpty {
                    folding.join(into: &map)
                }
                let width = width(bytes, position, end)
                map.emit(bytes[position..<(position + width)], from: position)
                position += width
            }
        }
        map.endOrigin = end
        return map
    }

    /// The blanks and line breaks between two runs of text, which YAML
    /// folds (libyaml's `leading_blanks`, `leading_break`, `trailing_breaks`
    /// and `whitespaces`): one copy for plain and quoted scalars.
    struct Folding {
        var leadingBlanks = false
        var leadingBreak: Piece?
        var trailingBreaks: [Piece] = []
        var whitespaces: [Piece] = []

        /// Takes the blank or line break at `position` and returns the
        /// position after it; nil at anything else.
        mutating func take(_ bytes: [UInt8], _ position: Int, _ end: Int) -> Int? {
            if ScalarSourceMap.isBlank(bytes, position, end) {
                // Blanks that start a continuation line are indentation.
                if !leadingBlanks { whitespaces.append(Piece(bytes: [bytes[position]], origin: position)) }
                return position + 1
            }
            guard let lineBreak = ScalarSourceMap.lineBreak(bytes, position, end) else { return nil }
            let piece = Piece(bytes: lineBreak.value, origin: position)
            if !leadingBlanks {
                whitespaces.removeAll()
                leadingBreak = piece
                leadingBlanks = true
            } else {
                trailingBreaks.append(piece)
            }
            return position + lineBreak.length
        }

        /// Emits the folded whitespace into `map` and starts over.
        mutating func join(into map: inout ScalarSourceMap) {
            map.join(leadingBlanks: leadingBlanks, leadingBreak: leadingBreak, trailingBreaks: trailingBreaks, whitespaces: whitespaces)
            self = Folding()
        }
    }

    // MARK: - Quoted

    /// `start..<end` is the text between the quotes.
    static func quoted(_ bytes: [UInt8], start: Int, end: Int, single: Bool) -> ScalarSourceMap? {
        var map = ScalarSourceMap()
        var position = start
        var folding = Folding()
        while true {
            while position < end, !isBlank(bytes, position, end), lineBreak(bytes, position, end) == nil {
                let byte = bytes[position]
                if single, byte == UInt8(ascii: "'") {
                    // Inside the quotes a quote only appears doubled.
                    guard position + 1 < end, bytes[position + 1] == UInt8(ascii: "'") else { return nil }
                    map.emit([byte], from: position)
                    position += 2
                } else if !single, byte == UInt8(ascii: "\\") {
                    if let lineBreak = lineBreak(bytes, position + 1, end) {
                        // An escaped line break joins the lines with nothing between.
                        position += 1 + lineBreak.length
                        folding.leadingBlanks = true
                        break
                    }
                    guard let escape = Self.escape(bytes, at: position, end: end) else { return nil }
                    map.emit(escape.value, from: position)
                    position += escape.length
                } else {
                    let width = width(bytes, position, end)
                    map.emit(bytes[position..<(position + width)], from: position)
                    position += width
                }
            }
            if position >= end { break }
            while position < end, let next = folding.take(bytes, position, end) {
                position = next
            }
            folding.join(into: &map)
        }
        map.endOrigin = end
        return map
    }

    /// A double-quoted escape at `at` (the backslash): its value and how many
    /// source bytes it spans. nil for an escape libyaml would not accept.
    private static func escape(_ bytes: [UInt8], at: Int, end: Int) -> (value: [UInt8], length: Int)? {
        guard at + 1 < end else { return nil }
        let simple: [UInt8]?
        var digits = 0
        switch bytes[at + 1] {
        case UInt8(ascii: "0"): simple = [0x00]
        case UInt8(ascii: "a"): simple = [0x07]
        case UInt8(ascii: "b"): simple = [0x08]
        case UInt8(ascii: "t"), 0x09: simple = [0x09]
        case UInt8(ascii: "n"): simple = [0x0A]
        case UInt8(ascii: "v"): simple = [0x0B]
        case UInt8(ascii: "f"): simple = [0x0C]
        case UInt8(ascii: "r"): simple = [0x0D]
        case UInt8(ascii: "e"): simple = [0x1B]
        case UInt8(ascii: " "): simple = [0x20]
        case UInt8(ascii: "\""): simple = [0x22]
        case UInt8(ascii: "'"): simple = [0x27]
        case UInt8(ascii: "/"): simple = [0x2F]
        case UInt8(ascii: "\\"): simple = [0x5C]
        case UInt8(ascii: "N"): simple = [0xC2, 0x85]
        case UInt8(ascii: "_"): simple = [0xC2, 0xA0]
        case UInt8(ascii: "L"): simple = [0xE2, 0x80, 0xA8]
        case UInt8(ascii: "P"): simple = [0xE2, 0x80, 0xA9]
        case UInt8(ascii: "x"):
            simple = nil
            digits = 2
        case UInt8(ascii: "u"):
            simple = nil
            digits = 4
        case UInt8(ascii: "U"):
            simple = nil
            digits = 8
        default: return nil
        }
        if let simple { return (simple, 2) }
        guard at + 2 + digits <= end else { return nil }
        var code: UInt32 = 0
        for index in (at + 2)..<(at + 2 + digits) {
            guard let digit = hexValue(bytes[index]) else { return nil }
            code = code << 4 | digit
        }
        guard let scalar = Unicode.Scalar(code) else { return nil }
        return (Array(String(Character(scalar)).utf8), 2 + digits)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
