/// The kind of a member's value in an NDJSON record.
public enum JSONValueKind: UInt8, Sendable, Equatable {
    case string, number, `true`, `false`, null, array, object
}

/// One `"key": value` member of a parsed NDJSON line. Offsets are into the
/// line buffer passed to ``JSONLineParser/parse(_:)``.
public struct JSONMember: Sendable, Equatable {
    /// The key's content, between its quotes (still escaped if
    /// `keyHasEscapes`; see ``JSONLineParser/key(of:in:)``).
    public var keyStart: Int
    public var keyEnd: Int
    public var keyHasEscapes: Bool
    /// The value: for a string its content between the quotes (still
    /// escaped if `hasEscapes`); for a number the exact text; for a literal,
    /// array or object the exact text including brackets.
    public var valueStart: Int
    public var valueEnd: Int
    public var kind: JSONValueKind
    /// A string value contains backslash escapes.
    public var hasEscapes: Bool
    /// A number has a fraction (`1.5`) or an exponent (`1e3`); without
    /// either it is an integer literal (which may still be out of range).
    public var hasFractionOrExponent: Bool
    /// The key's index among the parser's known keys (see
    /// ``JSONLineParser/init(options:keys:)``), or -1 when it is none of them.
    public var keyIndex: Int32

    /// 1-based column of the key's opening quote (for messages).
    public var keyColumn: Int { keyStart }

    public init(
        keyStart: Int, keyEnd: Int, keyHasEscapes: Bool, valueStart: Int, valueEnd: Int,
        kind: JSONValueKind, hasEscapes: Bool, hasFractionOrExponent: Bool, keyIndex: Int32 = -1
    ) {
        self.keyStart = keyStart
        self.keyEnd = keyEnd
        self.keyHasEscapes = keyHasEscapes
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.kind = kind
        self.hasEscapes = hasEscapes
        self.hasFractionOrExponent = hasFractionOrExponent
        self.keyIndex = keyIndex
    }
}

/// Why an NDJSON line was rejected.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based byte column in the line.
    public var column: Int
    /// E.g. "invalid number: leading zero".
    public var message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}

/// What ``JSONLineParser`` does when a key occurs twice in one object.
public enum DuplicateKeyPolicy: Sendable, Equatable {
    /// The line is an error: "duplicate key 'x'" at the second occurrence.
    case reject
    /// The line parses; ``JSONLineParser/duplicateMemberIndex`` names the
    /// first member whose key repeats an earlier one.
    case report
    /// No check (saves a hash per key when the caller checks anyway).
    case allow
}

/// Limits and policies for ``JSONLineParser``.
public struct JSONParserOptions: Sendable, Equatable {
    /// Deepest nesting accepted; the record's object is depth 1, an array
    /// or object member value depth 2, and so on (default 32). Deeper is an
    /// error: "values nested more than 32 deep".
    public var maxDepth: Int = 32
    /// Default `.reject`.
    public var duplicateKeys: DuplicateKeyPolicy = .reject

    public init(maxDepth: Int = 32, duplicateKeys: DuplicateKeyPolicy = .reject) {
        self.maxDepth = maxDepth
        self.duplicateKeys = duplicateKeys
    }
}
