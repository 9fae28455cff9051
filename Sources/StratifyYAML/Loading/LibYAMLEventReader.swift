internal import CYAML
import StratifyCore

/// Pulls events from libyaml's event API, one at a time.
///
/// libyaml keeps a pointer to the input and (through the string read handler)
/// to the parser struct itself, so both live at fixed addresses: the parser
/// and the current event are kept in one heap object here, and the caller
/// keeps `input` alive for the reader's whole life (create and use the
/// reader inside `withUnsafeBufferPointer`).
final class LibYAMLEventReader {
    /// The parser and the current event at fixed addresses, owned by
    /// StratifyCore's `StateBox` (no manual deallocation). The event is a
    /// plain C struct that libyaml fills before it is read.
    private let parserBox = StateBox(yaml_parser_t())
    private let eventBox = StateBox(yaml_event_t())
    private var parser: UnsafeMutablePointer<yaml_parser_t> { parserBox.pointer }
    private var event: UnsafeMutablePointer<yaml_event_t> { eventBox.pointer }
    private var initialized = false

    init(input: UnsafeBufferPointer<UInt8>) throws(LibYAMLFailure) {
        guard yaml_parser_initialize(parser) != 0 else {
            throw LibYAMLFailure(problem: "out of memory while starting the YAML parser", position: .byteOffset(0))
        }
        initialized = true
        // An empty buffer may have no base address; libyaml reads nothing
        // from a zero-length input, so any valid pointer will do.
        if let base = input.baseAddress {
            yaml_parser_set_input_string(parser, base, input.count)
        } else {
            withUnsafePointer(to: 0 as UInt8) { yaml_parser_set_input_string(parser, $0, 0) }
        }
    }

    deinit {
        if initialized { yaml_parser_delete(parser) }
    }

    /// The next event. Do not call again after `.streamEnd` or a failure.
    func next() throws(LibYAMLFailure) -> LibYAMLEvent {
        guard yaml_parser_parse(parser, event) != 0 else {
            throw failure()
        }
        // yaml_event_delete zeroes the event, so copy everything out first.
        defer { yaml_event_delete(event) }
        let raw = event.pointee
        let kind: LibYAMLEvent.Kind
        switch raw.type {
        case YAML_STREAM_START_EVENT:
            kind = .streamStart
        case YAML_STREAM_END_EVENT:
            kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            kind = .documentStart
        case YAML_DOCUMENT_END_EVENT:
            kind = .documentEnd
        case YAML_ALIAS_EVENT:
            kind = .alias(anchor: Self.string(raw.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            let value =
                scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
            kind = .scalar(
                value: value,
                style: Self.style(scalar.style),
                anchor: Self.string(scalar.anchor),
                tag: Self.string(scalar.tag)
            )
        case YAML_SEQUENCE_START_EVENT:
            let start = raw.data.sequence_start
            kind = .sequenceStart(anchor: Self.string(start.anchor), tag: Self.string(start.tag))
        case YAML_SEQUENCE_END_EVENT:
            kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = raw.data.mapping_start
            kind = .mappingStart(anchor: Self.string(start.anchor), tag: Self.string(start.tag))
        case YAML_MAPPING_END_EVENT:
            kind = .mappingEnd
        default:
            // YAML_NO_EVENT: libyaml returns it only after the stream has
            // ended; treat it as the end so that a caller cannot loop forever.
            kind = .streamEnd
        }
        return LibYAMLEvent(kind: kind, start: Self.mark(raw.start_mark), end: Self.mark(raw.end_mark))
    }

    private func failure() -> LibYAMLFailure {
        let state = parser.pointee
        let problem = Self.cString(state.problem) ?? "invalid YAML"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return LibYAMLFailure(problem: "out of memory while parsing YAML", position: .mark(Self.mark(state.mark)))
        case YAML_READER_ERROR:
            let value = state.problem_value >= 0 ? Int(state.problem_value) : nil
            return LibYAMLFailure(problem: problem, position: .byteOffset(state.problem_offset), value: value)
        default:
            let context = Self.cString(state.context)
            return LibYAMLFailure(
                problem: problem,
                position: .mark(Self.mark(state.problem_mark)),
                context: context,
                contextMark: context == nil ? nil : Self.mark(state.context_mark)
            )
        }
    }

    private static func mark(_ mark: yaml_mark_t) -> LibYAMLMark {
        LibYAMLMark(index: mark.index, line: mark.line, column: mark.column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
