/// The tags a rule file may use: the YAML core schema and the non-specific `!`.
///
/// Anything else (`!!python/object`, `!local`) asks a YAML library to build
/// something other than plain data, which a rule file never needs, so it is
/// refused rather than silently read as a string.
enum CoreSchemaTag {
    static let prefix = "tag:yaml.org,2002:"
    static let scalarNames: Set<String> = ["str", "int", "float", "bool", "null"]

    enum NodeKind {
        case scalar
        case mapping
        case sequence

        var description: String {
            switch self {
            case .scalar: "a scalar"
            case .mapping: "a mapping"
            case .sequence: "a list"
            }
        }
    }

    enum Verdict {
        /// Allowed; the short form to keep in `YAMLNode.tag` (`!!str`, `!`).
        case allowed(String)
        case notCore
        case wrongKind(String)
    }

    /// Judges the resolved tag that libyaml reports (`tag:yaml.org,2002:str`).
    static func check(_ tag: String, on kind: NodeKind) -> Verdict {
        if tag == "!" { return .allowed("!") }
        guard tag.hasPrefix(prefix) else { return .notCore }
        let name = String(tag.dropFirst(prefix.count))
        let short = "!!" + name
        switch name {
        case "map": return kind == .mapping ? .allowed(short) : .wrongKind(short)
        case "seq": return kind == .sequence ? .allowed(short) : .wrongKind(short)
        case _ where scalarNames.contains(name): return kind == .scalar ? .allowed(short) : .wrongKind(short)
        default: return .notCore
        }
    }

    /// How a resolved tag reads in a message when its source text is unknown.
    static func display(_ tag: String) -> String {
        tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }
}
