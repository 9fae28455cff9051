import StratifyCore
/// Parses one NDJSON record: a line that must hold exactly one JSON object
/// (RFC 8259), with whitespace allowed around tokens and nothing but
/// whitespace after the object.
///
/// The object's members land in ``members`` as spans into the line
/// (zero-copy). Nested arrays and objects are validated and skipped, up to
/// ``JSONParserOptions/maxDepth``. Everything that is not valid JSON is an
/// error with a 1-based byte column: a line that is not an object (`[1,2]`,
/// `"str"`), truncated JSON, bad escapes, lone surrogates, invalid numbers
/// (`01`, `1.`, `-`), raw control characters or NUL in strings, invalid
/// UTF-8, trailing text, and (by default) duplicate keys.
///
/// Given the keys it should know (``init(options:keys:)``), the parser
/// reports each member's key as an index (``JSONMember/keyIndex``) and
/// expects each key to be followed by the key that followed it last time
/// (exporters write keys in one order, leaving some out): a key guessed
/// right is matched with one comparison, and checking for duplicates costs
/// one store per key. Lines in any other order parse the same, only slower.
///
/// Use one parser per thread and reuse it for every line.
public final class JSONLineParser {
    public let options: JSONParserOptions
    /// The members of the last line parsed successfully, in order (none
    /// after a line that failed): a view of the parser's storage, valid
    /// until the next ``parse(_:)`` and no longer than the parser.
    public var members: UnsafeBufferPointer<JSONMember> {
        store.value.list
    }
    /// With ``DuplicateKeyPolicy/report``: the index in ``members`` of the
    /// first member whose key repeats an earlier one, else nil.
    public private(set) var duplicateMemberIndex: Int?

    private var stack: [UInt8] = []
    /// The members' storage, kept from line to line.
    private let store: StateBox<MemberBuffer>
    private let memberStorage = GrowableBuffer(
        capacity: 64,
        padding: JSONMember(
            keyStart: 0, keyEnd: 0, keyHasEscapes: false, valueStart: 0, valueEnd: 0, kind: .null, hasEscapes: false,
            hasFractionOrExponent: false))
    private let scratch = ScratchBuffer()
    private let keys: JSONKeyTable
    /// Per-line state, reached through boxes so that its use costs no
    /// exclusivity checks.
    private let guide: StateBox<Guide>
    private let keyTable: StateBox<KeyTable>
    /// What `guide` and `keyTable` point into. `keySlots` is replaced by a
    /// bigger table for a line with more unknown keys than it holds.
    private let successors: FixedBuffer<Int32>
    private let seenGenerations: FixedBuffer<UInt32>
    private var keySlots: FixedBuffer<UInt64>

    /// What the last lines taught the parser about the next one.
    private struct Guide {
        /// The known key (-1: none) that last followed each known key `k`
        /// (at `k`), the start of the object (at `count`) and an unknown key
        /// (at `count + 1`).
        var successor: UnsafeMutablePointer<Int32>
        /// For each known key, the generation (line) that last had it.
        var seen: UnsafeMutablePointer<UInt32>
        var generation: UInt32 = 0
    }
    /// Open-addressing table for the duplicate check of unknown keys. Each
    /// slot holds `generation << 32 | member index`; a slot from an older
    /// generation is empty, so the table is never cleared between lines.
    private struct KeyTable {
        var slots: UnsafeMutablePointer<UInt64>
        var capacity: Int
        var generation: UInt32 = 0
    }

    /// A parser that reports which of `keys` each member's key is (compared
    /// after unescaping, so `"\u0061ge"` is `age`). With `normalizingKeys`,
    /// a key that is none of them exactly is matched by its normalised name
    /// (``FieldNameMatching``: `"Age"`, `" age "` are `age`), which costs
    /// nothing for keys that match exactly; a line with both `age` and `Age`
    /// then repeats a key.
    public init(options: JSONParserOptions = JSONParserOptions(), keys: [String] = [], normalizingKeys: Bool = false) {
        self.options = options
        self.keys = JSONKeyTable(keys, normalizing: normalizingKeys)
        store = StateBox(MemberBuffer(base: memberStorage.baseAddress, capacity: memberStorage.capacity))
        stack.reserveCapacity(options.maxDepth + 1)
        successors = FixedBuffer(repeating: -1, count: keys.count + 2)
        seenGenerations = FixedBuffer(repeating: 0, count: max(1, keys.count))
        guide = StateBox(Guide(successor: successors.baseAddress, seen: seenGenerations.baseAddress))
        keySlots = FixedBuffer(repeating: 0, count: 64)
        keyTable = StateBox(KeyTable(slots: keySlots.baseAddress, capacity: 64))
    }

    /// Parses `line` (without its line feed), filling ``members``.
    public func parse(_ line: UnsafeRawBufferPointer) throws(JSONParseError) {
        // Work on local copies: appends to a class's array property would
        // each pay a dynamic exclusivity check.
        var ms = store.value
        ms.count = 0
        var parsed = false
        var stack = self.stack
        self.stack = []
        defer {
            if !parsed { ms.count = 0 }
            store.value = ms
            self.stack = stack
        }
        duplicateMemberIndex = nil

        guard let raw = line.baseAddress, line.count > 0 else {
            throw JSONParseError(column: 1, message: "empty record; expected a JSON object")
        }
        var c = JSONCursor(raw.assumingMemoryBound(to: UInt8.self), line.count)
        c.skipWhitespace()
        guard let first = c.peek() else {
            throw JSONParseError(column: 1, message: "empty record; expected a JSON object")
        }
        if first != 0x7B {
            switch first {
            case 0x5B: throw c.error("expected a JSON object, found an array", at: c.pos)
            case 0x22: throw c.error("expected a JSON object, found a string", at: c.pos)
            case 0x2D, 0x30...0x39: throw c.error("expected a JSON object, found a number", at: c.pos)
            case 0x74, 0x66, 0x6E: throw c.error("expected a JSON object, found a literal", at: c.pos)
            default: throw c.unexpected(at: c.pos, expecting: "'{'")
            }
        }
        c.pos += 1
        c.skipWhitespace()
        var firstDuplicate = -1
        var unknownKeys = 0
        if c.peek() == 0x7D {
            c.pos += 1
        } else {
            // Known keys are checked for repeats as they come, by index;
            // unknown ones after the line has parsed.
            let checking = options.duplicateKeys != .allow
            let generation = nextGeneration()
            let successor = guide.value.successor
            let seen = guide.value.seen
            let unknownSlot = keys.count + 1
            var previous = keys.count
            while true {
                guard c.peek() == 0x22 else { throw c.unexpected(at: c.pos, expecting: "a key in double quotes") }
                let keyOpen = c.pos
                let position = ms.count
                let guess = Int(successor[previous])
                var keyIndex: Int32 = -1
                var keyEscapes = false
                let matched = guess >= 0 ? keys.matchQuoted(guess, at: c.u + c.pos, available: c.n - c.pos) : 0
                if matched > 0 {
                    c.pos += matched
                    keyIndex = Int32(truncatingIfNeeded: guess)
                } else {
                    keyEscapes = try c.string()
                    if keys.count > 0 {
                        keyIndex = knownIndex(keyOpen + 1, c.pos - 1, escaped: keyEscapes, c)
                        successor[previous] = keyIndex
                    }
                }
                previous = keyIndex >= 0 ? Int(keyIndex) : unknownSlot
                let keyEnd = c.pos - 1
                if keyIndex >= 0 {
                    if checking {
                        if seen[Int(keyIndex)] == generation {
                            if firstDuplicate < 0 { firstDuplicate = position }
                        } else {
                            seen[Int(keyIndex)] = generation
                        }
                    }
                } else {
                    unknownKeys += 1
                }
                c.skipWhitespace()
                guard c.peek() == 0x3A else { throw c.unexpected(at: c.pos, expecting: "':' after the key") }
                c.pos += 1
                c.skipWhitespace()
                guard let b = c.peek() else { throw c.unexpected(at: c.pos, expecting: "a value") }
                let valueStart = c.pos
                var m = JSONMember(
                    keyStart: keyOpen + 1, keyEnd: keyEnd, keyHasEscapes: keyEscapes,
                    valueStart: valueStart, valueEnd: valueStart, kind: .null,
                    hasEscapes: false, hasFractionOrExponent: false, keyIndex: keyIndex)
                switch b {
                case 0x22:
                    m.kind = .string
                    m.hasEscapes = try c.string()
                    m.valueStart = valueStart + 1
                    m.valueEnd = c.pos - 1
                case 0x2D, 0x30...0x39:
                    m.kind = .number
                    m.hasFractionOrExponent = try c.number()
                    m.valueEnd = c.pos
                case 0x74:
                    m.kind = .true
                    try c.literal(.true)
                    m.valueEnd = c.pos
                case 0x66:
                    m.kind = .false
                    try c.literal(.false)
                    m.valueEnd = c.pos
                case 0x6E:
                    m.kind = .null
                    try c.literal(.null)
                    m.valueEnd = c.pos
                case 0x5B, 0x7B:
                    m.kind = b == 0x5B ? .array : .object
                    try c.container(depth: 2, maxDepth: options.maxDepth, stack: &stack)
                    m.valueEnd = c.pos
                default:
                    throw c.unexpected(at: c.pos, expecting: "a value")
                }
                ms.append(m, growing: memberStorage)
                c.skipWhitespace()
                guard let sep = c.peek() else { throw c.unexpected(at: c.pos, expecting: "',' or '}'") }
                if sep == 0x2C {
                    c.pos += 1
                    c.skipWhitespace()
                    continue
                }
                guard sep == 0x7D else { throw c.unexpected(at: c.pos, expecting: "',' or '}'") }
                c.pos += 1
                break
            }
        }
        c.skipWhitespace()
        if c.pos < c.n {
            throw c.error("unexpected text after the object", at: c.pos)
        }
        if options.duplicateKeys != .allow {
            if unknownKeys > 1, let unknown = firstUnknownDuplicate(ms.list, c) {
                firstDuplicate = firstDuplicate < 0 ? unknown : min(firstDuplicate, unknown)
            }
            if firstDuplicate >= 0 {
                try duplicate(firstDuplicate, ms.list, c)
            }
        }
        parsed = true
    }

    /// The generation stamp of a new line, for ``Guide/seen``.
    private func nextGeneration() -> UInt32 {
        guide.value.generation &+= 1
        if guide.value.generation == 0 {
            guide.value.seen.update(repeating: 0, count: max(1, keys.count))
            guide.value.generation = 1
        }
        return guide.value.generation
    }

    /// The index of the known key between `start` and `end`, or -1.
    private func knownIndex(_ start: Int, _ end: Int, escaped: Bool, _ c: JSONCursor) -> Int32 {
        var key = UnsafeRawBufferPointer(start: c.u + start, count: end - start)
        var unescaped: UnsafeMutablePointer<UInt8>?
        if escaped {
            // The key was validated by the cursor, so unescaping cannot fail.
            let out = scratch.reserve(key.count).assumingMemoryBound(to: UInt8.self)
            guard let count = try? JSONString.unescape(key, into: out) else { return -1 }
            key = UnsafeRawBufferPointer(start: out, count: count)
            unescaped = out
        }
        if let index = keys.index(of: key) { return Int32(truncatingIfNeeded: index) }
        guard keys.isNormalizing else { return -1 }
        // Normalised in place when the key is already in the scratch buffer.
        let out = unescaped ?? scratch.reserve(key.count).assumingMemoryBound(to: UInt8.self)
        return keys.index(normalizing: key, into: out).map { Int32(truncatingIfNeeded: $0) } ?? -1
    }

    /// A member's key, unescaped.
    private func keyText(_ m: JSONMember, _ c: JSONCursor) -> [UInt8] {
        let raw = UnsafeRawBufferPointer(start: c.u + m.keyStart, count: m.keyEnd - m.keyStart)
        guard m.keyHasEscapes else { return Array(raw) }
        var key: [UInt8] = []
        try? JSONString.appendUnescaped(raw, to: &key)
        return key
    }

    // MARK: Duplicate keys

    /// The index of the first member with an unknown key that repeats an
    /// earlier one, or nil. (A known and an unknown key never collide.)
    private func firstUnknownDuplicate(_ ms: UnsafeBufferPointer<JSONMember>, _ c: JSONCursor) -> Int? {
        let u = c.u
        if ms.contains(where: { $0.keyIndex < 0 && $0.keyHasEscapes }) {
            // Rare: compare unescaped keys ("a" and "\u0061" are the same).
            var seen: Set<[UInt8]> = []
            for (i, m) in ms.enumerated() where m.keyIndex < 0 {
                if !seen.insert(keyText(m, c)).inserted { return i }
            }
            return nil
        }
        // Open addressing over the raw key spans.
        var size = 64
        while size < ms.count * 2 { size <<= 1 }
        let table = keyTable
        if table.value.capacity < size {
            keySlots = FixedBuffer(repeating: 0, count: size)
            table.value.slots = keySlots.baseAddress
            table.value.capacity = size
            table.value.generation = 0
        }
        table.value.generation &+= 1
        if table.value.generation == 0 {
            table.value.slots.update(repeating: 0, count: table.value.capacity)
            table.value.generation = 1
        }
        let gen = UInt64(table.value.generation)
        let slots = table.value.slots
        let mask = table.value.capacity - 1
        for i in 0..<ms.count where ms[i].keyIndex < 0 {
            let m = ms[i]
            let length = m.keyEnd &- m.keyStart
            var s = Int(truncatingIfNeeded: JSONLineParser.keyHash(u + m.keyStart, length)) & mask
            while true {
                let entry = slots[s]
                if entry >> 32 != gen {
                    slots[s] = gen << 32 | UInt64(i)
                    break
                }
                let other = ms[Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: entry))]
                if other.keyEnd &- other.keyStart == length
                    && memcmpBytes(u + m.keyStart, u + other.keyStart, length)
                {
                    return i
                }
                s = (s &+ 1) & mask
            }
        }
        return nil
    }

    /// A cheap hash of a key: its length and its first and last 8 bytes
    /// (keys differ mostly there), so hashing costs the same for any key.
    @inline(__always)
    private static func keyHash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        if count >= 8 {
            let first = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            let last = UnsafeRawPointer(p + (count - 8)).loadUnaligned(as: UInt64.self)
            h = (h ^ first) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        } else {
            var w: UInt64 = 0
            for i in 0..<count { w = w << 8 | UInt64(p[i]) }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        }
        return h ^ (h >> 31)
    }

    private func duplicate(_ index: Int, _ ms: UnsafeBufferPointer<JSONMember>, _ c: JSONCursor) throws(JSONParseError) {
        if options.duplicateKeys == .report {
            duplicateMemberIndex = index
            return
        }
        func shown(_ key: [UInt8]) -> String {
            String(decoding: key.prefix(64), as: UTF8.self) + (key.count > 64 ? "…" : "")
        }
        let key = keyText(ms[index], c)
        var message = "duplicate key '\(shown(key))'"
        // Two spellings of one known key (`age` and `Age`): name both.
        let keyIndex = ms[index].keyIndex
        if keyIndex >= 0, let first = ms[..<index].first(where: { $0.keyIndex == keyIndex }) {
            let firstKey = keyText(first, c)
            if firstKey != key {
                message += ": read as '\(shown(Array(keys.key(Int(keyIndex)))))', like the key '\(shown(firstKey))' before it"
            }
        }
        throw JSONParseError(column: ms[index].keyColumn, message: message)
    }

    // MARK: Values

    /// The key of `member`, unescaped if needed (then in the parser's
    /// scratch buffer, valid until the next call of `key` or `stringValue`).
    public func key(of member: JSONMember, in line: UnsafeRawBufferPointer) throws(JSONParseError) -> UnsafeRawBufferPointer {
        try content(member.keyStart, member.keyEnd, escaped: member.keyHasEscapes, line)
    }

    /// The unescaped text of a string member (zero-copy when it has no
    /// escapes, else in the scratch buffer as for ``key(of:in:)``).
    public func stringValue(of member: JSONMember, in line: UnsafeRawBufferPointer) throws(JSONParseError) -> UnsafeRawBufferPointer {
        try content(member.valueStart, member.valueEnd, escaped: member.hasEscapes, line)
    }

    /// The raw text of a member's value (for numbers: the exact digits).
    public func rawValue(of member: JSONMember, in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: line[member.valueStart..<member.valueEnd])
    }

    private func content(_ start: Int, _ end: Int, escaped: Bool, _ line: UnsafeRawBufferPointer) throws(JSONParseError) -> UnsafeRawBufferPointer {
        let span = UnsafeRawBufferPointer(rebasing: line[start..<end])
        guard escaped else { return span }
        // Unescaping never lengthens: \n → 1 byte, \uXXXX → ≤ 3, a pair → 4.
        let out = scratch.reserve(span.count).assumingMemoryBound(to: UInt8.self)
        do {
            let count = try JSONString.unescape(span, into: out)
            return UnsafeRawBufferPointer(start: out, count: count)
        } catch {
            throw JSONParseError(column: error.column + start, message: error.message)
        }
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// Where a parser keeps its members, reused from line to line: a view of
/// the parser's `memberStorage`, plain values only, so that the parser can
/// work on a local copy with no reference counting.
struct MemberBuffer {
    var base: UnsafeMutablePointer<JSONMember>
    var capacity: Int
    var count = 0

    var list: UnsafeBufferPointer<JSONMember> { UnsafeBufferPointer(start: base, count: count) }

    /// Appends `member`, doubling `storage` (which `base` points into) when full.
    @inline(__always)
    mutating func append(_ member: JSONMember, growing storage: GrowableBuffer<JSONMember>) {
        if count == capacity {
            capacity *= 2
            base = storage.grow(to: capacity)
        }
        base[count] = member
        count += 1
    }
}
