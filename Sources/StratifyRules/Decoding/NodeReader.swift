import StratifyCore
import StratifyYAML

/// Reads the nodes of one YAML file into values, collecting a diagnostic at
/// the node for each one of the wrong shape: "X must be a mapping, found a
/// list", unknown keys with a did-you-mean, numbers and booleans written as
/// scalars. The one copy of this for every YAML file stratify reads (rule
/// files, test files, the FHIR mapping), so that they word and place their
/// errors alike. Reading goes on after an error, so that one run reports
/// every problem it can.
public class NodeReader {
    public let source: SourceFile
    public private(set) var diagnostics: [Diagnostic] = []

    public init(source: SourceFile) {
        self.source = source
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public func error(_ message: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) {
        diagnostics.append(.error(message, path: source.path, at: location, length: length, notes: notes))
    }

    public func error(_ message: String, at node: YAMLNode, notes: [String] = []) {
        error(message, at: node.location, length: Self.length(of: node), notes: notes)
    }

    public func warning(_ message: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) {
        diagnostics.append(.warning(message, path: source.path, at: location, length: length, notes: notes))
    }

    /// How wide a caret underline for a node should be: its text, if it is a
    /// one-line plain scalar.
    public static func length(of node: YAMLNode) -> Int {
        if case .scalar(let text, let style) = node.kind, style == .plain, !text.contains("\n") {
            return max(1, text.unicodeScalars.count)
        }
        return 1
    }

    // MARK: - Shapes

    /// The pairs of a mapping whose keys are all in `allowed`; an unknown
    /// key is reported with a did-you-mean. Returns nil (after reporting) when
    /// the node is not a mapping.
    public func mapping(_ node: YAMLNode, what: String, allowed: [String]) -> KeyedNodes? {
        guard let pairs = node.mapping else {
            error("\(what) must be a mapping, found \(node.kindDescription)", at: node)
            return nil
        }
        var keyed = KeyedNodes(node: node)
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

    /// Reports an unknown key or name, with a did-you-mean and, when the
    /// list is short enough to read, everything `what` takes.
    public func unknown(_ node: YAMLNode, name: String, in what: String, candidates: [String], kind: String = "key", extra: [String] = []) {
        var notes: [String] = []
        if let note = Suggestions.note(for: name, in: candidates) { notes.append(note) }
        notes += extra
        if candidates.count <= 16 {
            notes.append("\(what) takes: \(candidates.joined(separator: ", "))")
        }
        error("unknown \(kind) '\(name)' in \(what)", at: node, notes: notes)
    }

    /// A mapping of user-chosen names (inputs, derived values, domains), in order.
    public func namedEntries(_ node: YAMLNode, what: String) -> [(key: YAMLNode, value: YAMLNode)] {
        guard let pairs = node.mapping else {
            error("\(what) must be a mapping of names, found \(node.kindDescription)", at: node)
            return []
        }
        return pairs
    }

    /// The items of a list; empty (after reporting) when the node is not one.
    public func sequence(_ node: YAMLNode, what: String) -> [YAMLNode] {
        guard let items = node.sequence else {
            error("\(what) must be a list, found \(node.kindDescription)", at: node)
            return []
        }
        return items
    }

    /// A list, or a single scalar taken as a list of one; null is empty.
    public func list(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        if node.isNull { return [] }
        if let items = node.sequence { return items }
        if node.scalar != nil { return [node] }
        error("\(what) must be a list, found \(node.kindDescription)", at: node)
        return nil
    }

    // MARK: - Scalars

    public func string(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let text = node.scalar else {
            error("\(what) must be a single value, found \(node.kindDescription)", at: node)
            return nil
        }
        return Located(text, at: node.location)
    }

    /// A whole number written as a plain decimal (`4`, `-2`).
    public func integer(_ node: YAMLNode, what: String) -> Located<Int>? {
        scalar(node, what: what, mustBe: "a whole number", Self.parseInteger)
    }

    public func number(_ node: YAMLNode, what: String) -> Located<Double>? {
        scalar(node, what: what, mustBe: "a number", Self.parseNumber)
    }

    public func boolean(_ node: YAMLNode, what: String) -> Located<Bool>? {
        scalar(node, what: what, mustBe: "true or false") { text in
            switch text {
            case "true", "True", "TRUE": true
            case "false", "False", "FALSE": false
            default: nil
            }
        }
    }

    /// A date written `YYYY-MM-DD`, as days since 1970-01-01.
    public func date(_ node: YAMLNode, what: String) -> Located<Int>? {
        scalar(node, what: what, mustBe: "a date written YYYY-MM-DD") { ISODate.parse($0) }
    }

    /// A scalar read by `parse`; "\(what) must be \(kind), found '…'" when it
    /// does not read.
    private func scalar<Value: Sendable>(_ node: YAMLNode, what: String, mustBe kind: String, _ parse: (String) -> Value?) -> Located<Value>? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = parse(text.value) else {
            error("\(what) must be \(kind), found '\(text.value)'", at: node)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// The index of the scalar in `names`, with a did-you-mean when it is
    /// not one of them.
    public func choice(_ node: YAMLNode, what: String, in names: [String]) -> Int? {
        guard let text = string(node, what: what)?.value else { return nil }
        if let index = names.firstIndex(of: text) { return index }
        var notes: [String] = []
        if let note = Suggestions.note(for: text, in: names) { notes.append(note) }
        if names.count <= 16 { notes.append("\(what) is one of: \(names.joined(separator: ", "))") }
        error("unknown \(what) '\(text)'", at: node, notes: notes)
        return nil
    }

    /// A plain decimal of at most 15 digits, with an optional sign; nil otherwise.
    public static func parseInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        } else if digits.first == "+" {
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.count <= 15, digits.utf8.allSatisfy(Lexer.isDigit) else { return nil }
        guard let value = Int(digits) else { return nil }
        return negative ? -value : value
    }

    /// A whole number, or digits, a point and digits (`2.5`); no exponent.
    public static func parseNumber(_ text: String) -> Double? {
        if let integer = parseInteger(text) { return Double(integer) }
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        let intStart = index
        while index < bytes.count, Lexer.isDigit(bytes[index]) { index += 1 }
        guard index > intStart, index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        let fractionStart = index
        while index < bytes.count, Lexer.isDigit(bytes[index]) { index += 1 }
        guard index > fractionStart, index == bytes.count, bytes.count <= 32 else { return nil }
        return Double(text)
    }
}

/// The known keys of one YAML mapping.
public struct KeyedNodes {
    public let node: YAMLNode
    public var values: [String: (key: YAMLNode, value: YAMLNode)] = [:]

    public init(node: YAMLNode) {
        self.node = node
    }

    public subscript(key: String) -> YAMLNode? {
        values[key]?.value
    }

    /// The value of a key that must be there; reports it when missing.
    public func required(_ key: String, what: String, in reader: NodeReader) -> YAMLNode? {
        if let value = values[key]?.value { return value }
        reader.error("\(what) needs '\(key)'", at: node.location)
        return nil
    }
}
