/// Prints diagnostics the way compilers do:
///
///     rules.yaml:42:15: error: unknown name 'scor'
///        42 |       when: scor >= 20
///           |             ^~~~
///           = did you mean 'score'?
public struct DiagnosticRenderer: Sendable {
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public func render(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
        var out = paint(diagnostic.description, for: diagnostic.severity)
        if let location = diagnostic.location, let text = source?.lineText(location.line) {
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            // Keep tabs in the caret line so that it lines up under the source.
            var caretPrefix = ""
            for (index, scalar) in text.unicodeScalars.enumerated() where index < location.column - 1 {
                caretPrefix.append(scalar == "\t" ? "\t" : " ")
            }
            let underline = "^" + String(repeating: "~", count: max(0, diagnostic.length - 1))
            out += "\n \(gutter) | \(text)\n \(pad) | \(caretPrefix)\(paint(underline, for: diagnostic.severity))"
            for note in diagnostic.notes {
                out += "\n \(pad) = \(note)"
            }
        } else {
            for note in diagnostic.notes {
                out += "\n    = \(note)"
            }
        }
        return out
    }

    private func paint(_ text: String, for severity: Diagnostic.Severity) -> String {
        guard color else { return text }
        let code = switch severity {
        case .error: "31"
        case .warning: "33"
        case .note: "36"
        }
        return "\u{1B}[1;\(code)m\(text)\u{1B}[0m"
    }
}
