/// Finds a node's properties (`&anchor`, `!tag`) in the source.
///
/// libyaml's event for a node with properties starts at the first property,
/// not at the content, and it does not say where the tag is. A diagnostic
/// about a tag must point at the tag, and a scalar's location must be its
/// first character, so we re-read the few bytes of the properties ourselves.
struct NodeProperties {
    /// The byte range of the tag as written (`!!str`, `!<...>`), if any.
    var tag: Range<Int>?
    /// The byte offset of the node's content after the properties.
    var contentOffset: Int

    /// Scans properties starting at byte `offset`, not past `limit`.
    init(bytes: [UInt8], from offset: Int, limit: Int) {
        let limit = min(limit, bytes.count)
        var position = max(0, offset)
        var tag: Range<Int>?
        scan: while position < limit {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "#"):
                // Properties may be followed by a comment before the content.
                while position < limit, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "&"):
                position = Self.endOfShorthand(bytes, from: position + 1, limit: limit)
            case UInt8(ascii: "!"):
                let start = position
                if position + 1 < limit, bytes[position + 1] == UInt8(ascii: "<") {
                    position += 2
                    while position < limit, bytes[position] != UInt8(ascii: ">") { position += 1 }
                    position = min(position + 1, limit)
                } else {
                    position = Self.endOfShorthand(bytes, from: position + 1, limit: limit)
                }
                if tag == nil { tag = start..<position }
            default:
                break scan
            }
        }
        self.tag = tag
        self.contentOffset = position
    }

    /// Anchors and shorthand tags end at a blank, a line break or a flow
    /// indicator (libyaml 0.2.5 accepts flow indicators only in verbatim tags).
    private static func endOfShorthand(_ bytes: [UInt8], from start: Int, limit: Int) -> Int {
        var position = start
        while position < limit {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                return position
            default:
                position += 1
            }
        }
        return position
    }
}
