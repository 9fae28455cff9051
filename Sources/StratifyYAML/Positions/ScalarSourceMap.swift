/// Re-decodes a scalar from its source text, remembering for every byte of
/// the decoded value the source byte it came from.
///
/// The decoders follow libyaml 0.2.5's scanner (`yaml_parser_scan_plain_scalar`,
/// `_flow_scalar`, `_block_scalar`) step by step: folding, escapes and
/// indentation are done the same way, so the map is exact. The result is
/// only trusted when the re-decoded value equals the value libyaml produced;
/// otherwise there is no map and callers fall back to the scalar's start.
struct ScalarSourceMap {
    /// For each byte of the value, the source byte offset of the character
    /// (or escape, or line break) that produced it.
    private(set) var origins: [Int] = []
    /// The source offset just after the value's last character.
    var endOrigin = 0
    private(set) var value: [UInt8] = []

    /// Maps `node`'s value, or returns nil when the source does not decode to
    /// exactly that value (a node from another file, an unexpected form).
    init?(source bytes: [UInt8], node: YAMLNode) {
        guard case .scalar(let text, let style) = node.kind else { return nil }
        let start = node.location.offset
        let end = node.end.offset
        guard start >= 0, start <= end, end <= bytes.count else { return nil }
        let expected = Array(text.utf8)
        let decoded: ScalarSourceMap?
        switch style {
        case .plain:
            decoded = Self.plain(bytes, start: start, end: end)
        case .singleQuoted, .doubleQuoted:
            // The location is after the opening quote; the end is after the closing one.
            let quote = UInt8(ascii: style == .singleQuoted ? "'" : "\"")
            guard start >= 1, end >= 1, bytes[start - 1] == quote, bytes[end - 1] == quote, start <= end - 1 else {
                return nil
            }
            decoded = Self.quoted(bytes, start: start, end: end - 1, single: style == .singleQuoted)
        case .literal, .folded:
            decoded = Self.block(bytes, start: start, end: end, expected: expected)
        }
        guard let decoded, decoded.value == expected else { return nil }
        self = decoded
    }

    /// An empty map, for the decoders to fill.
    init() {}

    /// The source offset of the character that produced value byte `offset`;
    /// an offset at or past the end maps to just after the value.
    func sourceOffset(forValueOffset offset: Int) -> Int {
        if offset >= origins.count { return endOrigin }
        return origins[max(0, offset)]
    }

    // MARK: - Emitting

    mutating func emit(_ bytes: some Sequence<UInt8>, from origin: Int) {
        for byte in bytes {
            value.append(byte)
            origins.append(origin)
        }
    }

    mutating func emit(_ piece: Piece) {
        emit(piece.bytes, from: piece.origin)
    }

    mutating func emit(_ pieces: [Piece]) {
        for piece in pieces { emit(piece) }
    }

    /// A run of value bytes and where it came from.
    struct Piece {
        var bytes: [UInt8]
        var origin: Int
        var isLineFeed: Bool { bytes == [0x0A] }
    }

    // MARK: - Character classes (as libyaml's IS_BLANK, IS_BREAK)

    static func isBlank(_ bytes: [UInt8], _ at: Int, _ end: Int) -> Bool {
        at < end && (bytes[at] == 0x20 || bytes[at] == 0x09)
    }

    /// The length of the line break at `at` and what libyaml's READ_LINE
    /// makes of it (CR LF, CR, LF and NEL become LF; LS and PS stay), or nil.
    static func lineBreak(_ bytes: [UInt8], _ at: Int, _ end: Int) -> (length: Int, value: [UInt8])? {
        guard at < end else { return nil }
        switch bytes[at] {
        case 0x0D:
            return at + 1 < end && bytes[at + 1] == 0x0A ? (2, [0x0A]) : (1, [0x0A])
        case 0x0A:
            return (1, [0x0A])
        case 0xC2 where at + 1 < end && bytes[at + 1] == 0x85:
            return (2, [0x0A])
        case 0xE2 where at + 2 < end && bytes[at + 1] == 0x80 && (bytes[at + 2] == 0xA8 || bytes[at + 2] == 0xA9):
            return (3, Array(bytes[at..<(at + 3)]))
        default:
            return nil
        }
    }

    static func width(_ bytes: [UInt8], _ at: Int, _ end: Int) -> Int {
        let lead = bytes[at]
        let width = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(width, end - at)
    }

    /// Joins the blanks and breaks between two runs of text as libyaml does
    /// for plain and quoted scalars: one LF break alone folds to a space, LF
    /// followed by empty lines becomes those lines' breaks, and blanks on one
    /// line are kept as they are.
    mutating func join(leadingBlanks: Bool, leadingBreak: Piece?, trailingBreaks: [Piece], whitespaces: [Piece]) {
        if leadingBlanks {
            if let leadingBreak, leadingBreak.isLineFeed {
                if trailingBreaks.isEmpty {
                    emit([0x20], from: leadingBreak.origin)
                } else {
                    emit(trailingBreaks)
                }
            } else {
                if let leadingBreak { emit(leadingBreak) }
                emit(trailingBreaks)
            }
        } else {
            emit(whitespaces)
        }
    }
}
