import StratifyCore
/// A YAML node with the place it came from.
///
/// The loader resolves aliases and checks the limits, so a `YAMLNode` tree is
/// always finite, free of duplicate keys and within `YAMLLimits`. Scalars are
/// kept as text: what a scalar means (a number, a date, an expression) is for
/// the rule decoder to say, with an error that points here when it is wrong.
public struct YAMLNode: Sendable {
    public enum ScalarStyle: Sendable, Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    public enum Kind: Sendable {
        case scalar(String, ScalarStyle)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    /// Where the node starts (for a scalar: its first character, after any quote).
    public var location: SourceLocation
    /// Where the node ends (exclusive), as libyaml reports it.
    public var end: SourceLocation
    /// The explicit tag, if the source gave one (`!!str`); nil otherwise.
    public var tag: String?

    public init(kind: Kind, location: SourceLocation, end: SourceLocation, tag: String? = nil) {
        self.kind = kind
        self.location = location
        self.end = end
        self.tag = tag
    }

    /// The scalar text, or nil when the node is a mapping or a sequence.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The key–value pairs, in source order, or nil when not a mapping.
    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The items, or nil when not a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// A plain scalar `~`, `null`, `Null`, `NULL` or an empty plain scalar.
    public var isNull: Bool {
        if case .scalar(let text, .plain) = kind {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// What the node is, for messages: "a mapping", "a list", "a scalar".
    public var kindDescription: String {
        switch kind {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}
