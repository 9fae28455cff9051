/// Recognises a file with nothing but blanks, line breaks and comments.
///
/// Such a file is refused as empty before libyaml sees it, because libyaml
/// 0.2.5 rejects a tab on an otherwise blank line with a confusing message
/// ("found character that cannot start any token") instead of reading an
/// empty stream.
enum BlankFileCheck {
    static func isBlank(_ bytes: [UInt8], from start: Int) -> Bool {
        var position = start
        var inComment = false
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\n"):
                inComment = false
            case _ where inComment:
                break
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "#"):
                inComment = true
            default:
                return false
            }
            position += 1
        }
        return true
    }
}
