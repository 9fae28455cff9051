import StratifyCore
import StratifyRules
import StratifyYAML

/// Shared state while decoding one test file: its source and the
/// diagnostics found so far. Decoding goes on after an error, so that one
/// run reports every mistake in the file.
final class TestFileContext {
    let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceFile) {
        self.source = source
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ message: String, at node: YAMLNode, notes: [String] = []) {
        diagnostics.append(.error(message, path: source.path, at: node.location, length: Self.length(of: node), notes: notes))
    }

    func error(_ message: String, at location: SourceLocation?, notes: [String] = []) {
        diagnostics.append(.error(message, path: source.path, at: location, notes: notes))
    }

    /// The width of a caret line under a node: a one-line plain scalar's text.
    static func length(of node: YAMLNode) -> Int {
        if case .scalar(let text, let style) = node.kind, style == .plain, !text.contains("\n") {
            return max(1, text.unicodeScalars.count)
        }
        return 1
    }

    // MARK: - Reading nodes

    /// The pairs of a mapping whose keys are in `allowed`, by key; an
    /// unknown key is reported with a did-you-mean. Nil (after reporting)
    /// when the node is not a mapping.
    func mapping(_ node: YAMLNode, what: String, allowed: [String]) -> Keyed? {
        guard let pairs = node.mapping else {
            error("\(what) must be a mapping, found \(node.kindDescription)", at: node)
            return nil
        }
        var keyed = Keyed(node: node)
        for (key, value) in pairs {
            let name = key.scalar ?? ""
            if allowed.contains(name) {
                keyed.values[name] = (key, value)
            } else {
                unknown(key, name: name, in: what, candidates: allowed)
            }
        }
        return keyed
    }

    /// Reports an unknown key or name, with a did-you-mean and the list of
    /// what is allowed when it is short.
    func unknown(_ node: YAMLNode, name: String, in what: String, candidates: [String], kind: String = "key", extra: [String] = []) {
        var notes: [String] = []
        if let note = Suggestions.note(for: name, in: candidates) { notes.append(note) }
        notes += extra
        if candidates.count <= 16 {
            notes.append("\(what) takes: \(candidates.joined(separator: ", "))")
        }
        error("unknown \(kind) '\(name)' in \(what)", at: node, notes: notes)
    }

    func string(_ node: YAMLNode, what: String) -> String? {
        guard let text = node.scalar else {
            error("\(what) must be a single value, found \(node.kindDescription)", at: node)
            return nil
        }
        return text
    }

    /// A list, or a single scalar taken as a list of one; null is empty.
    func list(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        if node.isNull { return [] }
        if let items = node.sequence { return items }
        if node.scalar != nil { return [node] }
        error("\(what) must be a list, found \(node.kindDescription)", at: node)
        return nil
    }

    /// A whole number written as a plain decimal (`4`, `-2`).
    func integer(_ node: YAMLNode, what: String) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 15, digits.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }),
            let value = Int(digits)
        else {
            error("\(what) must be a whole number, found '\(text)'", at: node)
            return nil
        }
        return text.hasPrefix("-") ? -value : value
    }

    /// One of `names`, with a did-you-mean when it is not.
    func name(_ node: YAMLNode, what: String, in names: [String]) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        if let index = names.firstIndex(of: text) { return index }
        var notes: [String] = []
        if let note = Suggestions.note(for: text, in: names) { notes.append(note) }
        if names.count <= 16 { notes.append("\(what) is one of: \(names.joined(separator: ", "))") }
        error("unknown \(what) '\(text)'", at: node, notes: notes)
        return nil
    }
}

/// The known keys of one YAML mapping.
struct Keyed {
    let node: YAMLNode
    var values: [String: (key: YAMLNode, value: YAMLNode)] = [:]

    subscript(key: String) -> YAMLNode? {
        values[key]?.value
    }
}
