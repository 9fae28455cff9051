/// A position as libyaml reports it: 0-based, in characters.
struct LibYAMLMark: Sendable {
    /// Characters from the start of the input, after any BOM.
    var index: Int
    var line: Int
    var column: Int
}

/// One libyaml event, copied out of libyaml's memory so that the C event can
/// be freed at once.
struct LibYAMLEvent {
    enum Kind {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias(anchor: String)
        case scalar(value: String, style: YAMLNode.ScalarStyle, anchor: String?, tag: String?)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    var start: LibYAMLMark
    var end: LibYAMLMark
}

/// An error that libyaml reported.
struct LibYAMLFailure: Error {
    enum Position {
        /// Scanner and parser errors carry a mark.
        case mark(LibYAMLMark)
        /// Reader (decoding) errors carry only a byte offset into the input.
        case byteOffset(Int)
    }

    var problem: String
    var position: Position
    /// For a reader error, the offending character (such as a control
    /// character), when libyaml names one.
    var value: Int?
    /// What libyaml was doing, such as "while parsing a block mapping".
    var context: String?
    var contextMark: LibYAMLMark?
}
