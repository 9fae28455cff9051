/// Turns a JSON array of records (`[ {...}, {...} ]`, what
/// `stratify score --format json` writes) into NDJSON, one element per
/// line, as it streams: ``NDJSONChunker`` then reads it like any NDJSON.
///
/// Elements are copied byte for byte, except that line breaks between
/// their tokens become spaces and whitespace around an element is dropped.
/// Each element's line is padded with empty lines so that it keeps the line
/// number on which it starts in the file, as long as each element starts
/// on a line of its own (with several on one line, the later ones take the
/// following line numbers).
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
    /// Where the stage is in the input, for messages and line padding:
    /// the current line, and the stream offset at which it starts.
    private var line = 1
    private var lineStart = 0
    /// The stream offset of the block being transcoded.
    private var blockOffset = 0
    private var outputLine = 1

    /// Per byte, inside an element: 1 for `"` and `\` in a string, 2 for
    /// the bytes that matter outside strings (quote, brackets, comma,
    /// whitespace), 3 for CR and LF (which matter everywhere).
    private static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in "\"\\".utf8 { table[Int(byte)] = 1 }
        for byte in "{}[], \t".utf8 { table[Int(byte)] = 2 }
        table[0x22] = 1
        table[0x0A] = 3
        table[0x0D] = 3
        return table
    }()

    public override init(reading inner: ByteSource, blockBytes: Int = 64 << 10) {
        super.init(reading: inner, blockBytes: blockBytes)
    }

    override func start() throws(IOError) {
        // A byte-order mark is not part of the array; it still counts in
        // stream offsets (columns start after it).
        if try inner.skipByteOrderMark() {
            blockOffset = 3
            lineStart = 3
        }
    }

    override func transcode(_ block: UnsafeRawBufferPointer) throws(IOError) {
        guard let base = block.baseAddress else { return }
        let u = base.assumingMemoryBound(to: UInt8.self)
        defer { blockOffset += block.count }
        var i = 0
        while i < block.count {
            if case .inElement = state {
                i = try element(u, from: i, to: block.count)
            } else if try between(u[i], at: blockOffset + i) {
                i += 1
            }
        }
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

    /// A byte outside the elements: the array's brackets, commas,
    /// whitespace. Returns false for the first byte of an element, which
    /// is left to ``element(_:from:to:)``.
    private func between(_ byte: UInt8, at offset: Int) throws(IOError) -> Bool {
        if byte == 0x0A {
            line += 1
            lineStart = offset + 1
        }
        switch state {
        case .beforeArray:
            if Self.isWhitespace(byte) { return true }
            guard byte == 0x5B else {
                let error = unexpected(byte, at: offset, expecting: "'[' (a .json intake file is one JSON array of records)")
                guard byte == 0x7B, case .undecodable(let message) = error else { throw error }
                // NDJSON is often named .json.
                throw IOError.undecodable(message + "; for one JSON object per line, name the file .ndjson or give --input-format ndjson")
            }
            state = .beforeElement(afterComma: false)
        case .beforeElement(let afterComma):
            if Self.isWhitespace(byte) { return true }
            if byte == 0x5D, !afterComma {
                state = .afterArray
                return true
            }
            if byte == 0x2C || byte == 0x5D { throw unexpected(byte, at: offset, expecting: "a record") }
            while outputLine < line {
                output.append(0x0A)
                outputLine += 1
            }
            state = .inElement
            depth = 0
            inString = false
            escaped = false
            return false
        case .inElement:
            preconditionFailure("element bytes are handled by element(_:from:to:)")
        case .afterArray:
            if !Self.isWhitespace(byte) { throw unexpected(byte, at: offset, expecting: "nothing after the array's closing ']'") }
        }
        return true
    }

    /// Copies element bytes from `u[start...]` up to the element's end or
    /// the block's end, and returns where it stopped. Bytes are copied in
    /// spans; a span ends only where the output differs from the input (a
    /// line break made a space, whitespace dropped, the element's end).
    private func element(_ u: UnsafePointer<UInt8>, from start: Int, to end: Int) throws(IOError) -> Int {
        var depth = self.depth, inString = self.inString, escaped = self.escaped
        defer {
            self.depth = depth
            self.inString = inString
            self.escaped = escaped
        }
        var copyFrom = start
        var i = start
        func flush(upTo index: Int) {
            if index > copyFrom { output.append(contentsOf: UnsafeRawBufferPointer(start: u + copyFrom, count: index - copyFrom)) }
            copyFrom = index + 1
        }
        try Self.classes.withUnsafeBufferPointer { (classes) throws(IOError) in
            while i < end {
                let byte = u[i]
                let kind = classes[Int(byte)]
                if kind == 0 && !escaped {
                    i += 1
                    continue
                }
                if kind == 3 {
                    if inString {
                        flush(upTo: i)
                        throw IOError.undecodable("line \(line): a line break inside a JSON string")
                    }
                    if byte == 0x0A {
                        line += 1
                        lineStart = blockOffset + i + 1
                    }
                    // A line break between tokens: a space inside the
                    // value, nothing after it.
                    flush(upTo: i)
                    if depth > 0 { output.append(0x20) }
                } else if inString {
                    if escaped {
                        escaped = false
                    } else if byte == 0x5C {
                        escaped = true
                    } else if byte == 0x22 {
                        inString = false
                    }
                } else {
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
                        // The element ends (a `]` at depth 0 closes the array).
                        flush(upTo: i)
                        output.append(0x0A)
                        outputLine += 1
                        state = byte == 0x2C ? .beforeElement(afterComma: true) : .afterArray
                        i += 1
                        return
                    case 0x20,
                        0x09 where depth == 0:
                        flush(upTo: i)  // after the value: dropped
                    default:
                        break
                    }
                }
                i += 1
            }
            flush(upTo: end)
        }
        return i
    }

    private func unexpected(_ byte: UInt8, at offset: Int, expecting: String) -> IOError {
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        return IOError.undecodable("line \(line), column \(offset - lineStart + 1): expected \(expecting), found \(shown)")
    }
}
