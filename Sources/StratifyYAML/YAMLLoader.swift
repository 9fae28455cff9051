import StratifyCore
/// Loads a rule file into a located `YAMLNode` tree.
///
/// The loader is the only place that reads YAML, and it is strict: it
/// accepts one UTF-8 document of plain data (core-schema tags only, no
/// duplicate keys) within `YAMLLimits`, expands aliases, and refuses anything
/// else with a `Diagnostic` that points at the offending line and column.
public enum YAMLLoader {
    /// Parses `source` with libyaml's event API.
    ///
    /// - Throws: `DiagnosticError` with one diagnostic for the first problem
    ///   found: a file over `limits.maxFileBytes`, an empty file, bytes that
    ///   are not UTF-8, a YAML syntax error, a second document, a limit
    ///   exceeded, a duplicate or non-scalar key, an undefined or recursive
    ///   alias, or a tag outside the YAML core schema.
    public static func load(_ source: SourceFile, limits: YAMLLimits = .default) throws(DiagnosticError) -> YAMLNode {
        let bytes = source.bytes
        guard bytes.count <= limits.maxFileBytes else {
            throw refusal(
                "the rule file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes) bytes",
                source: source,
                at: nil
            )
        }
        if let encoding = EncodingCheck.foreignBOM(bytes) {
            throw refusal(
                "the rule file is \(encoding) text: a rule file must be UTF-8",
                source: source,
                at: SourceLocation(line: 1, column: 1, offset: 0)
            )
        }
        if let bad = EncodingCheck.firstInvalidUTF8(bytes) {
            throw refusal(
                "the rule file is not valid UTF-8: byte 0x\(hex(bytes[bad])) here cannot be decoded",
                source: source,
                at: source.location(ofOffset: bad),
                notes: ["a rule file must be UTF-8 text"]
            )
        }

        if BlankFileCheck.isBlank(bytes, from: source.bomLength) {
            throw refusal(emptyFileMessage, source: source, at: SourceLocation(line: 1, column: 1, offset: 0))
        }

        var builder = TreeBuilder(source: source, limits: limits)
        // libyaml keeps a pointer to the input, so the whole parse happens
        // while the buffer is pinned.
        return try bytes.withUnsafeBufferPointer { (input) throws(DiagnosticError) -> YAMLNode in
            let reader: LibYAMLEventReader
            do throws(LibYAMLFailure) {
                reader = try LibYAMLEventReader(input: input)
            } catch {
                throw builder.error(for: error)
            }
            while true {
                let event: LibYAMLEvent
                do throws(LibYAMLFailure) {
                    event = try reader.next()
                } catch {
                    throw builder.error(for: error)
                }
                if let root = try builder.consume(event) {
                    return root
                }
            }
        }
    }

    static let emptyFileMessage =
        "the rule file is empty: a rule file is a YAML mapping with at least the keys `identifier`, `inputs`, "
        + "`tiers`, `domains`, `overall` and `models` (see Rules/README.md)"

    private static func refusal(
        _ message: String,
        source: SourceFile,
        at location: SourceLocation?,
        notes: [String] = []
    ) -> DiagnosticError {
        DiagnosticError(.error(message, path: source.path, at: location, notes: notes))
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
