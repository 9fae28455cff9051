import StratifyCore
import StratifyYAML

/// Shared state while decoding one rule file: the source and the diagnostics
/// found so far (the node reading is `NodeReader`'s, shared with test files
/// and the FHIR mapping); what only rule files have: names and expressions.
final class DecodingContext: NodeReader {
    /// A name: letters, digits, `_` and `.`, starting with a letter or `_`.
    func name(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let text = string(node, what: what) else { return nil }
        guard Self.isName(text.value) else {
            error("\(what) '\(text.value)' is not a valid name: use letters, digits, '_' and '.', starting with a letter", at: node)
            return nil
        }
        return text
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

    // MARK: - Names

    static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, Lexer.isIdentifierStart(first) else { return false }
        return text.utf8.allSatisfy { Lexer.isIdentifierPart($0) || $0 == UInt8(ascii: ".") }
            && !text.hasSuffix(".") && !text.contains("..")
    }
}
