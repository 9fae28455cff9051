/// A parsed JSON value, kept small: FHIR resources are read once, their
/// needed facts copied out, and the tree dropped (see ``PatientFacts``).
/// Numbers keep their text, so that `12.0` and `12.5` are told apart
/// exactly as the intake CSV would tell them.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}

/// Member names an object keeps (and every name starting with `value`),
/// matched on raw bytes: a table by length, compared byte for byte.
final class MemberNames: Sendable {
    private let byLength: [[[UInt8]]]

    init(_ names: Set<String>) {
        var table = [[[UInt8]]](repeating: [], count: 64)
        for name in names where name.utf8.count < 64 { table[name.utf8.count].append(Array(name.utf8)) }
        byLength = table
    }

    /// Whether the string starting with the quote at `quote` is a kept
    /// name; a name with an escape is kept (read the slow way).
    func contains(nameAt quote: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = quote + 1
        while end < bytes.count, bytes[end] != 0x22 {
            if bytes[end] == 0x5C { return true }
            end += 1
        }
        let start = quote + 1, count = end - start
        if count >= 5, bytes[start] == 0x76, bytes[start + 1] == 0x61, bytes[start + 2] == 0x6C, bytes[start + 3] == 0x75,
            bytes[start + 4] == 0x65
        {
            return true  // value…
        }
        guard count < byLength.count else { return false }
        candidates: for candidate in byLength[count] {
            for index in 0..<count where candidate[index] != bytes[start + index] { continue candidates }
            return true
        }
        return false
    }
}

struct JSONSyntaxError: Error {
    /// 1-based byte column within the parsed text.
    var column: Int
    var message: String
}

/// A recursive-descent parser of RFC 8259 JSON over UTF-8 bytes.
struct JSONTextParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var depth = 0
    /// Object members kept (others are checked as JSON and skipped, with
    /// nothing allocated): nil keeps all. Members whose name starts with
    /// `value` are always kept.
    private let keep: MemberNames?
    static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>, keep: MemberNames? = nil) {
        self.bytes = bytes
        self.keep = keep
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, keep: MemberNames? = nil) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONTextParser(bytes, keep: keep)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        if parser.pos < bytes.count { throw parser.fail("unexpected character after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(column: pos + 1, message: message)
    }

    private mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard pos < bytes.count else { throw fail("unexpected end of text") }
        switch bytes[pos] {
        case 0x7B: return try object()
        case 0x5B: return try array()
        case 0x22: return .string(try string())
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard pos + count <= bytes.count else { throw fail("unexpected character") }
        for index in 0..<count where bytes[pos + index] != word.utf8Start[index] { throw fail("unexpected character") }
        pos += count
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if try open(until: 0x7D) { return .object(members) }
        repeat {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == 0x22 else { throw fail("expected a member name") }
            // A name not kept is told from its bytes: no string is made.
            if let keep, !keep.contains(nameAt: pos, in: bytes) {
                try skipString()
                try colon()
                try skipValue()
            } else {
                let key = try string()
                try colon()
                members.append((key, try value()))
            }
        } while try another(until: 0x7D)
        return .object(members)
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        var items: [JSONValue] = []
        if try open(until: 0x5D) { return .array(items) }
        repeat {
            skipSpace()
            items.append(try value())
        } while try another(until: 0x5D)
        return .array(items)
    }

    /// Checks one value's syntax and moves past it, building nothing.
    private mutating func skipValue() throws(JSONSyntaxError) {
        guard pos < bytes.count else { throw fail("unexpected end of text") }
        switch bytes[pos] {
        case 0x7B, 0x5B:
            let close: UInt8 = bytes[pos] == 0x7B ? 0x7D : 0x5D
            if try open(until: close) { return }
            repeat {
                skipSpace()
                if close == 0x7D {
                    guard pos < bytes.count, bytes[pos] == 0x22 else { throw fail("expected a member name") }
                    try skipString()
                    try colon()
                }
                try skipValue()
            } while try another(until: close)
        case 0x22: try skipString()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case 0x2D, 0x30...0x39: _ = try number()
        default: throw fail("unexpected character")
        }
    }

    // MARK: - The punctuation of objects and arrays, one copy for reading and skipping

    /// Steps into the `{` or `[` at `pos`; true (and out again) when the
    /// container is empty, closed by `close` right away.
    private mutating func open(until close: UInt8) throws(JSONSyntaxError) -> Bool {
        depth += 1
        if depth > Self.maxDepth { throw fail("nested too deeply") }
        pos += 1
        skipSpace()
        guard pos < bytes.count, bytes[pos] == close else { return false }
        pos += 1
        depth -= 1
        return true
    }

    /// After an item: true past a `,` (another item follows), false past
    /// `close` (the container ended).
    private mutating func another(until close: UInt8) throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of text") }
        if bytes[pos] == 0x2C {
            pos += 1
            return true
        }
        guard bytes[pos] == close else { throw fail(close == 0x7D ? "expected ',' or '}'" : "expected ',' or ']'") }
        pos += 1
        depth -= 1
        return false
    }

    /// The `:` after a member name, and the space around it.
    private mutating func colon() throws(JSONSyntaxError) {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == 0x3A else { throw fail("expected ':'") }
        pos += 1
        skipSpace()
    }

    private mutating func skipString() throws(JSONSyntaxError) {
        pos += 1
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x22:
                pos += 1
                return
            case 0x5C: pos += 2
            case 0..<0x20: throw fail("control character in a string")
            default: pos += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = pos
        if bytes[pos] == 0x2D { pos += 1 }
        func digits(_ parser: inout JSONTextParser) -> Int {
            let from = parser.pos
            while parser.pos < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.pos]) { parser.pos += 1 }
            return parser.pos - from
        }
        if digits(&self) == 0 { throw fail("expected a digit") }
        if pos < bytes.count, bytes[pos] == 0x2E {
            pos += 1
            if digits(&self) == 0 { throw fail("expected a digit") }
        }
        if pos < bytes.count, bytes[pos] == 0x65 || bytes[pos] == 0x45 {
            pos += 1
            if pos < bytes.count, bytes[pos] == 0x2B || bytes[pos] == 0x2D { pos += 1 }
            if digits(&self) == 0 { throw fail("expected a digit") }
        }
        return .number(String(decoding: UnsafeBufferPointer(start: bytes.baseAddress! + start, count: pos - start), as: UTF8.self))
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        pos += 1
        let start = pos
        // The common case: no escapes, and (usually) ASCII, which needs no
        // validation.
        var bits: UInt8 = 0
        while pos < bytes.count, bytes[pos] != 0x22, bytes[pos] != 0x5C, bytes[pos] >= 0x20 {
            bits |= bytes[pos]
            pos += 1
        }
        if pos < bytes.count, bytes[pos] == 0x22 {
            let raw = UnsafeBufferPointer(start: bytes.baseAddress! + start, count: pos - start)
            pos += 1
            if bits < 0x80 { return String(decoding: raw, as: UTF8.self) }
            guard let text = String(validating: raw, as: UTF8.self) else { throw fail("invalid UTF-8") }
            return text
        }
        var scratch = Array(bytes[start..<pos])
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[pos]
            if byte == 0x22 {
                pos += 1
                break
            }
            if byte < 0x20 { throw fail("control character in a string") }
            if byte != 0x5C {
                scratch.append(byte)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { throw fail("unterminated string") }
            let escape = bytes[pos]
            pos += 1
            switch escape {
            case 0x22, 0x5C, 0x2F: scratch.append(escape)
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), pos + 1 < bytes.count, bytes[pos] == 0x5C, bytes[pos + 1] == 0x75 {
                    pos += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                scratch.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: throw fail("invalid escape")
            }
        }
        guard let text = String(validating: scratch, as: UTF8.self) else { throw fail("invalid UTF-8") }
        return text
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[pos]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x37
            case 0x61...0x66: digit = byte - 0x57
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }
}
