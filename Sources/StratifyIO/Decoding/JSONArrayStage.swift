/// Turns a JSON array of records (`[ {...}, {...} ]`, what
/// `stratify score --format json` writes) into NDJSON, one element per
/// line, as it streams: ``NDJSONChunker`` then reads it like any NDJSON.
///
/// Elements are copied byte for byte, except that line breaks between
/// their tokens become spaces (whitespace around an element is dropped). Each element's line is padded with empty
/// lines so that it keeps the line number on which it starts in the file,
/// as long as each element starts on a line of its own (with several on
/// one line, the later ones take the following line numbers).
///
/// The array itself must be well formed: a `[` first (after an optional
/// byte-order mark and whitespace), elements separated by commas, a `]`,
/// then nothing but whitespace. Anything else, and a line break inside a
/// string, throws ``IOError/undecodable(_:)`` with the line and column.
/// What is inside an element is the NDJSON reader's to check, record by
/// record. Memory: one block and its output; no element is held whole.
public final class JSONArrayStage: TranscodingStage {
    private enum State {
        case beforeArray
        /// After `[`, or after a `,`: an element or (only after `[`) `]`.
        case beforeElement(afterComma: Bool)
        case inElement
        case afterArray
    }

    private var state = State.beforeArray
    /// Nesting inside the element (0 at its top level).
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Where the stage is in the input, for messages and line padding.
    private var line = 1
    private var column = 0
    private var outputLine = 1

    public override init(reading inner: ByteSource, blockBytes: Int = 64 << 10) {
        super.init(reading: inner, blockBytes: blockBytes)
    }

    override func start() throws(IOError) {
        // A byte-order mark is not part of the array.
        _ = try inner.skipByteOrderMark()
    }

    override func transcode(_ block: UnsafeRawBufferPointer) throws(IOError) {
        for byte in block { try step(byte) }
    }

    override func finish() throws(IOError) {
        switch state {
        case .afterArray:
            return
        case .beforeArray:
            throw IOError.undecodable("the file holds no JSON array: a .json intake file is one JSON array of records, [ {...}, {...} ]")
        default:
            throw IOError.undecodable("the JSON array is not closed: the file ends at line \(line) before its ']'")
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    private func step(_ byte: UInt8) throws(IOError) {
        if byte == 0x0A {
            line += 1
            column = 0
        } else {
            column += 1
        }
        switch state {
        case .beforeArray:
            if Self.isWhitespace(byte) { return }
            guard byte == 0x5B else { throw unexpected(byte, expecting: "'[' (a .json intake file is one JSON array of records)") }
            state = .beforeElement(afterComma: false)
        case .beforeElement(let afterComma):
            if Self.isWhitespace(byte) { return }
            if byte == 0x5D, !afterComma {
                state = .afterArray
                return
            }
            if byte == 0x2C || byte == 0x5D { throw unexpected(byte, expecting: "a record") }
            while outputLine < line {
                output.append(0x0A)
                outputLine += 1
            }
            state = .inElement
            depth = 0
            inString = false
            escaped = false
            try element(byte)
        case .inElement:
            try element(byte)
        case .afterArray:
            if !Self.isWhitespace(byte) { throw unexpected(byte, expecting: "nothing after the array's closing ']'") }
        }
    }

    @inline(__always)
    private func element(_ byte: UInt8) throws(IOError) {
        if inString {
            if escaped {
                escaped = false
            } else if byte == 0x5C {
                escaped = true
            } else if byte == 0x22 {
                inString = false
            } else if byte == 0x0A || byte == 0x0D {
                throw IOError.undecodable("line \(line - (byte == 0x0A ? 1 : 0)): a line break inside a JSON string")
            }
            output.append(byte)
            return
        }
        switch byte {
        case 0x22:
            inString = true
        case 0x7B, 0x5B:
            depth += 1
        case 0x7D:
            depth = max(0, depth - 1)
        case 0x5D where depth > 0:
            depth -= 1
        case 0x2C where depth == 0, 0x5D:
            // The element ends here (a `]` at depth 0 closes the array).
            output.append(0x0A)
            outputLine += 1
            state = byte == 0x2C ? .beforeElement(afterComma: true) : .afterArray
            return
        case 0x0A, 0x0D, 0x20, 0x09:
            // Whitespace: a line break inside the element becomes a space;
            // after the element's value (at its top level) it is dropped.
            if depth > 0 { output.append(byte == 0x09 ? 0x09 : 0x20) }
            return
        default:
            break
        }
        output.append(byte)
    }

    private func unexpected(_ byte: UInt8, expecting: String) -> IOError {
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        return IOError.undecodable("line \(line), column \(column): expected \(expecting), found \(shown)")
    }
}
