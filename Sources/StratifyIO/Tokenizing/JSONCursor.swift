/// The byte-level JSON grammar (RFC 8259) used by ``JSONLineParser``: a
/// position in one line plus one method per token. A plain struct kept in a
/// local variable, so the hot loops touch no class state.
struct JSONCursor {
    let u: UnsafePointer<UInt8>
    let n: Int
    var pos = 0
    /// ``stringStop``, fetched once per line: reading a lazily initialised
    /// global costs a `swift_once` check every time.
    let stop: UnsafePointer<UInt8>

    init(_ u: UnsafePointer<UInt8>, _ n: Int) {
        self.u = u
        self.n = n
        self.stop = JSONCursor.stringStop
    }

    /// Bytes that end a run of plain string content: `"`, `\`, control
    /// characters (< 0x20) and non-ASCII (validated as UTF-8).
    nonisolated(unsafe) static let stringStop: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        for b in 0..<0x20 { t[b] = 1 }
        for b in 0x80...0xFF { t[b] = 1 }
        t[0x22] = 1
        t[0x5C] = 1
        return UnsafePointer(t)
    }()

    func error(_ message: String, at position: Int) -> JSONParseError {
        JSONParseError(column: position + 1, message: message)
    }

    /// `invalid UTF-8 (byte 0xE9; the file looks like Latin-1 …)`.
    func invalidUTF8(at position: Int) -> JSONParseError {
        let detail = EncodingHint.describeInvalidUTF8(
            in: UnsafeRawBufferPointer(start: u, count: n), at: position, positionBase: nil)
        return error("invalid UTF-8 (\(detail))", at: position)
    }

    /// The error for an unexpected byte at `position` (or the end of line).
    func unexpected(at position: Int, expecting: String) -> JSONParseError {
        guard position < n else { return error("unexpected end of record: expected \(expecting)", at: position) }
        let b = u[position]
        if b == 0 { return error("NUL byte; expected \(expecting)", at: position) }
        if b >= 0x80 {
            if UTF8Validation.sequenceLength(u, position, n) == 0 {
                return invalidUTF8(at: position)
            }
            return error("unexpected non-ASCII character; expected \(expecting)", at: position)
        }
        if b < 0x20 || b == 0x7F {
            return error("unexpected control character \(hexByte(b)); expected \(expecting)", at: position)
        }
        return error("unexpected character '\(Character(Unicode.Scalar(b)))'; expected \(expecting)", at: position)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < n {
            let b = u[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    @inline(__always)
    func peek() -> UInt8? { pos < n ? u[pos] : nil }

    /// A string starting at the opening quote at `pos`; leaves `pos` after
    /// the closing quote. Returns whether it holds escapes.
    @inline(__always)
    mutating func string() throws(JSONParseError) -> Bool {
        let open = pos
        pos += 1
        var escapes = false
        let quoteBytes: UInt64 = 0x2222_2222_2222_2222
        let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C
        let controlBits: UInt64 = 0xE0E0_E0E0_E0E0_E0E0
        let high: UInt64 = 0x8080_8080_8080_8080
        while true {
            // 8 bytes at a time to the next byte that needs a look: `"`,
            // `\`, a control character (< 0x20: its top 3 bits are 0) or
            // non-ASCII.
            while n &- pos >= 8 {
                let w = UnsafeRawPointer(u + pos).loadUnaligned(as: UInt64.self)
                let m =
                    zeroByteMask(w ^ quoteBytes) | zeroByteMask(w ^ backslashes)
                    | zeroByteMask(w & controlBits) | (w & high)
                if m != 0 {
                    pos &+= m.trailingZeroBitCount &>> 3
                    break
                }
                pos &+= 8
            }
            while pos < n && stop[Int(u[pos])] == 0 { pos += 1 }
            guard pos < n else { throw error("unterminated string", at: open) }
            let b = u[pos]
            if b == 0x22 {
                pos += 1
                return escapes
            }
            if b == 0x5C {
                escapes = true
                try escape()
                continue
            }
            if b < 0x20 {
                throw error(b == 0 ? "NUL byte in string" : "control character \(hexByte(b)) in string (it must be escaped)", at: pos)
            }
            let length = UTF8Validation.sequenceLength(u, pos, n)
            if length == 0 { throw invalidUTF8(at: pos) }
            pos += length
        }
    }

    /// An escape at the backslash at `pos`; surrogate pairs must be whole.
    private mutating func escape() throws(JSONParseError) {
        let start = pos
        guard pos + 1 < n else { throw error("unterminated string", at: start) }
        switch u[pos + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:  // " \ / b f n r t
            pos += 2
        case 0x75:  // u
            let v = try hex4(at: pos + 2, escapeAt: start)
            pos += 6
            if v >= 0xD800 && v <= 0xDBFF {
                guard pos + 1 < n && u[pos] == 0x5C && u[pos + 1] == 0x75 else {
                    throw error("lone surrogate \\u\(hex4Text(v)) (a high surrogate must be followed by a low one)", at: start)
                }
                let w = try hex4(at: pos + 2, escapeAt: pos)
                guard w >= 0xDC00 && w <= 0xDFFF else {
                    throw error("lone surrogate \\u\(hex4Text(v)) (a high surrogate must be followed by a low one)", at: start)
                }
                pos += 6
            } else if v >= 0xDC00 && v <= 0xDFFF {
                throw error("lone surrogate \\u\(hex4Text(v)) (a low surrogate without a high one)", at: start)
            }
        default:
            let b = u[pos + 1]
            let shown = (b >= 0x21 && b < 0x7F) ? "\\\(Character(Unicode.Scalar(b)))" : "backslash + \(hexByte(b))"
            throw error("invalid escape \(shown)", at: start)
        }
    }

    private func hex4(at p: Int, escapeAt: Int) throws(JSONParseError) -> UInt32 {
        guard let v = JSONCursor.hexValue(u, p, n) else {
            throw error("invalid \\u escape: expected 4 hex digits", at: escapeAt)
        }
        return v
    }

    /// The value of the 4 hex digits at `u[p...]`, or nil.
    @inline(__always)
    static func hexValue(_ u: UnsafePointer<UInt8>, _ p: Int, _ n: Int) -> UInt32? {
        guard p + 4 <= n else { return nil }
        var v: UInt32 = 0
        for i in p..<(p + 4) {
            let b = u[i]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// A number at `pos` (`-` or a digit). Returns whether it has a
    /// fraction or an exponent.
    mutating func number() throws(JSONParseError) -> Bool {
        let start = pos
        if u[pos] == 0x2D { pos += 1 }
        guard pos < n && isDigit(u[pos]) else {
            throw error("invalid number: expected a digit", at: pos)
        }
        if u[pos] == 0x30 {
            pos += 1
            if pos < n && isDigit(u[pos]) {
                throw error("invalid number: leading zero", at: start)
            }
        } else {
            while pos < n && isDigit(u[pos]) { pos += 1 }
        }
        var fractionOrExponent = false
        if pos < n && u[pos] == 0x2E {
            pos += 1
            fractionOrExponent = true
            guard pos < n && isDigit(u[pos]) else {
                throw error("invalid number: expected a digit after '.'", at: pos)
            }
            while pos < n && isDigit(u[pos]) { pos += 1 }
        }
        if pos < n && (u[pos] | 0x20) == 0x65 {  // e or E
            pos += 1
            fractionOrExponent = true
            if pos < n && (u[pos] == 0x2B || u[pos] == 0x2D) { pos += 1 }
            guard pos < n && isDigit(u[pos]) else {
                throw error("invalid number: expected a digit in the exponent", at: pos)
            }
            while pos < n && isDigit(u[pos]) { pos += 1 }
        }
        return fractionOrExponent
    }

    /// `true`, `false` or `null` at `pos`.
    mutating func literal(_ kind: JSONValueKind) throws(JSONParseError) {
        let word: StaticString
        switch kind {
        case .true: word = "true"
        case .false: word = "false"
        default: word = "null"
        }
        let count = word.utf8CodeUnitCount
        let w = word.utf8Start
        var ok = pos + count <= n
        var i = 0
        while ok && i < count {
            ok = u[pos + i] == w[i]
            i += 1
        }
        guard ok else { throw error("invalid literal; expected \(word)", at: pos) }
        pos += count
    }

    /// Skips (and validates) the array or object opening at `pos`, whose
    /// depth is `depth`. Iterative, with `stack` holding the open brackets,
    /// so hostile nesting cannot overflow the thread's stack.
    mutating func container(depth startDepth: Int, maxDepth: Int, stack: inout [UInt8]) throws(JSONParseError) {
        var depth = startDepth
        if depth > maxDepth { throw error("values nested more than \(maxDepth) deep", at: pos) }
        stack.removeAll(keepingCapacity: true)
        stack.append(u[pos])
        pos += 1
        var closeAllowed = true  // right after an opener: [] and {}
        while true {
            skipWhitespace()
            var top = stack[stack.count - 1]
            var closer: UInt8 = top == 0x5B ? 0x5D : 0x7D
            if closeAllowed && pos < n && u[pos] == closer {
                pos += 1
                stack.removeLast()
                depth -= 1
                if stack.isEmpty { return }
            } else {
                if top == 0x7B {
                    guard pos < n && u[pos] == 0x22 else { throw unexpected(at: pos, expecting: "a key in double quotes") }
                    _ = try string()
                    skipWhitespace()
                    guard pos < n && u[pos] == 0x3A else { throw unexpected(at: pos, expecting: "':' after the key") }
                    pos += 1
                    skipWhitespace()
                }
                guard pos < n else { throw unexpected(at: pos, expecting: "a value") }
                let b = u[pos]
                switch b {
                case 0x5B, 0x7B:
                    depth += 1
                    if depth > maxDepth { throw error("values nested more than \(maxDepth) deep", at: pos) }
                    stack.append(b)
                    pos += 1
                    closeAllowed = true
                    continue
                case 0x22: _ = try string()
                case 0x2D, 0x30...0x39: _ = try number()
                case 0x74: try literal(.true)
                case 0x66: try literal(.false)
                case 0x6E: try literal(.null)
                default: throw unexpected(at: pos, expecting: "a value")
                }
            }
            // After a value: a comma, or the closer of the innermost container
            // (which may close several levels in a row).
            while true {
                skipWhitespace()
                top = stack[stack.count - 1]
                closer = top == 0x5B ? 0x5D : 0x7D
                guard pos < n else {
                    throw unexpected(at: pos, expecting: top == 0x5B ? "',' or ']'" : "',' or '}'")
                }
                let c = u[pos]
                if c == 0x2C {
                    pos += 1
                    closeAllowed = false
                    break
                }
                guard c == closer else {
                    throw unexpected(at: pos, expecting: top == 0x5B ? "',' or ']'" : "',' or '}'")
                }
                pos += 1
                stack.removeLast()
                depth -= 1
                if stack.isEmpty { return }
            }
        }
    }
}

func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "U+00\(digits[Int(b >> 4)])\(digits[Int(b & 15)])"
}

func hex4Text(_ v: UInt32) -> String {
    let digits = Array("0123456789ABCDEF")
    return String((0..<4).map { digits[Int((v >> (12 - 4 * UInt32($0))) & 15)] })
}
