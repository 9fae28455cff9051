import StratifyCore
import StratifyYAML

/// Shared state while decoding one rule file: the source and the diagnostics
/// found so far. Decoding goes on after an error, so that one run reports
/// every problem it can.
final class DecodingContext {
    let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceFile) {
        self.source = source
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ message: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) {
        diagnostics.append(.error(message, path: source.path, at: location, length: length, notes: notes))
    }

    func error(_ message: String, at node: YAMLNode, notes: [String] = []) {
        error(message, at: node.location, length: Self.length(of: node), notes: notes)
    }

    func warning(_ message: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) {
        diagnostics.append(.warning(message, path: source.path, at: location, length: length, notes: notes))
    }

    /// How wide a caret underline for a node should be: its text, if it is a
    /// one-line scalar.
    static func length(of node: YAMLNode) -> Int {
        if case .scalar(let text, let style) = node.kind, style == .plain, !text.contains("\n") {
            return max(1, text.unicodeScalars.count)
        }
        return 1
    }

    // MARK: - Reading values

    /// The pairs of a mapping whose keys are all in `allowed`; an unknown
    /// key is reported with a did-you-mean. Returns nil (after reporting) when
    /// the node is not a mapping.
    func mapping(_ node: YAMLNode, what: String, allowed: [String]) -> KeyedNodes? {
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
                var notes: [String] = []
                if let note = Suggestions.note(for: name, in: allowed) { notes.append(note) }
                notes.append("\(what) takes: \(allowed.joined(separator: ", "))")
                error("unknown key '\(name)' in \(what)", at: key, notes: notes)
            }
        }
        return keyed
    }

    /// A mapping of user-chosen names (inputs, derived values, domains), in order.
    func namedEntries(_ node: YAMLNode, what: String) -> [(key: YAMLNode, value: YAMLNode)] {
        guard let pairs = node.mapping else {
            error("\(what) must be a mapping of names, found \(node.kindDescription)", at: node)
            return []
        }
        return pairs
    }

    func sequence(_ node: YAMLNode, what: String) -> [YAMLNode] {
        guard let items = node.sequence else {
            error("\(what) must be a list, found \(node.kindDescription)", at: node)
            return []
        }
        return items
    }

    func string(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let text = node.scalar else {
            error("\(what) must be a single value, found \(node.kindDescription)", at: node)
            return nil
        }
        return Located(text, at: node.location)
    }

    /// A name: letters, digits, `_` and `.`, starting with a letter or `_`.
    func name(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let text = string(node, what: what) else { return nil }
        guard Self.isName(text.value) else {
            error("\(what) '\(text.value)' is not a valid name: use letters, digits, '_' and '.', starting with a letter", at: node)
            return nil
        }
        return text
    }

    func integer(_ node: YAMLNode, what: String) -> Located<Int>? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Self.parseInteger(text.value) else {
            error("\(what) must be a whole number, found '\(text.value)'", at: node)
            return nil
        }
        return Located(value, at: node.location)
    }

    func number(_ node: YAMLNode, what: String) -> Located<Double>? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Self.parseNumber(text.value) else {
            error("\(what) must be a number, found '\(text.value)'", at: node)
            return nil
        }
        return Located(value, at: node.location)
    }

    func boolean(_ node: YAMLNode, what: String) -> Located<Bool>? {
        guard let text = string(node, what: what) else { return nil }
        switch text.value {
        case "true", "True", "TRUE": return Located(true, at: node.location)
        case "false", "False", "FALSE": return Located(false, at: node.location)
        default:
            error("\(what) must be true or false, found '\(text.value)'", at: node)
            return nil
        }
    }

    /// Parses a scalar as an expression; a syntax error is reported at its
    /// exact place in the file.
    func expression(_ node: YAMLNode, what: String) -> SourceExpression? {
        guard let text = string(node, what: what) else { return nil }
        do {
            let expr = try Parser.parse(text.value)
            return SourceExpression(text: text.value, expr: expr, node: node)
        } catch {
            let location = source.location(in: node, utf8Offset: error.range.lowerBound)
            let length = max(1, String(decoding: Array(text.value.utf8)[clamp(error.range, to: text.value.utf8.count)], as: UTF8.self).unicodeScalars.count)
            self.error("\(error.message) in \(what)", at: location, length: length, notes: error.notes)
            return nil
        }
    }

    /// Where a sub-expression is in the file.
    func location(of range: Range<Int>, in expression: SourceExpression) -> (SourceLocation, Int) {
        let location = source.location(in: expression.node, utf8Offset: range.lowerBound)
        let length = expression.text(of: range).unicodeScalars.count
        return (location, max(1, length))
    }

    func error(_ message: String, in expression: SourceExpression, at range: Range<Int>, notes: [String] = []) {
        let (location, length) = location(of: range, in: expression)
        error(message, at: location, length: length, notes: notes)
    }

    func warning(_ message: String, in expression: SourceExpression, at range: Range<Int>, notes: [String] = []) {
        let (location, length) = location(of: range, in: expression)
        warning(message, at: location, length: length, notes: notes)
    }

    private func clamp(_ range: Range<Int>, to count: Int) -> Range<Int> {
        min(range.lowerBound, count)..<min(max(range.upperBound, range.lowerBound), count)
    }

    // MARK: - Scalars

    static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, Lexer.isIdentifierStart(first) else { return false }
        return text.utf8.allSatisfy { Lexer.isIdentifierPart($0) || $0 == UInt8(ascii: ".") }
            && !text.hasSuffix(".") && !text.contains("..")
    }

    static func parseInteger(_ text: String) -> Int? {
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

    static func parseNumber(_ text: String) -> Double? {
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
struct KeyedNodes {
    let node: YAMLNode
    var values: [String: (key: YAMLNode, value: YAMLNode)] = [:]

    init(node: YAMLNode) {
        self.node = node
    }

    subscript(key: String) -> YAMLNode? {
        values[key]?.value
    }

    /// The value of a key that must be there; reports it when missing.
    func required(_ key: String, what: String, in context: DecodingContext) -> YAMLNode? {
        if let value = values[key]?.value { return value }
        context.error("\(what) needs '\(key)'", at: node.location)
        return nil
    }
}
