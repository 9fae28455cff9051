/// Bounds on what `YAMLLoader` accepts, so that no rule file can make loading
/// crash, hang or use unbounded memory.
///
/// Every bound is checked while the file is parsed, and parsing stops at the
/// first one that is exceeded, with a diagnostic at the place it happened.
public struct YAMLLimits: Sendable, Hashable {
    /// The largest file accepted, in bytes; checked before parsing.
    /// Default: 16 MiB.
    public var maxFileBytes: Int
    /// How deeply mappings and sequences may nest (the root collection is
    /// depth 1). Aliases count with the depth of what they expand to.
    /// Default: 64.
    public var maxDepth: Int
    /// The longest scalar value accepted, in UTF-8 bytes. Default: 1 MiB.
    public var maxScalarBytes: Int
    /// The most nodes (scalars, mappings and sequences) in the document,
    /// counted after alias expansion, so that a "billion laughs" file is
    /// refused early. Default: 1,000,000.
    public var maxNodes: Int
    /// The most alias uses (`*name`) in the document. Default: 10,000.
    public var maxAliases: Int

    public init(
        maxFileBytes: Int = 16 * 1024 * 1024,
        maxDepth: Int = 64,
        maxScalarBytes: Int = 1024 * 1024,
        maxNodes: Int = 1_000_000,
        maxAliases: Int = 10_000
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxScalarBytes = maxScalarBytes
        self.maxNodes = maxNodes
        self.maxAliases = maxAliases
    }

    /// 16 MiB files, depth 64, 1 MiB scalars, 1,000,000 nodes, 10,000 aliases.
    public static let `default` = YAMLLimits()
}
