/// Prints diagnostics the way compilers do:
///
///     rules.yaml:42:15: error: unknown name 'scor'
///        42 |       when: scor >= 20
///           |             ^~~~
///           = did you mean 'score'?
///
/// A source line longer than ``maxLineWidth`` is cut to a window around the
/// caret, marked with `…`; control characters and bidirectional overrides
/// in it are shown as U+FFFD, so that a hostile file can neither flood the
/// terminal nor drive it.
public struct DiagnosticRenderer: Sendable {
    public var color: Bool
    /// The longest source line shown whole, in Unicode scalars.
    public static let maxLineWidth = 160

    public init(color: Bool = false) {
        self.color = color
    }

    public func render(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
        var out = paint(Self.safe(diagnostic.description), for: diagnostic.severity)
        if let location = diagnostic.location, let line = source?.lineText(location.line) {
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            let (text, caretColumn, width) = Self.excerpt(of: line, column: location.column, length: diagnostic.length)
            // Keep tabs in the caret line so that it lines up under the source.
            var caretPrefix = ""
            for (index, scalar) in text.unicodeScalars.enumerated() where index < caretColumn - 1 {
                caretPrefix.append(scalar == "\t" ? "\t" : " ")
            }
            let underline = "^" + String(repeating: "~", count: max(0, width - 1))
            out += "\n \(gutter) | \(text)\n \(pad) | \(caretPrefix)\(paint(underline, for: diagnostic.severity))"
            for note in diagnostic.notes {
                out += "\n \(pad) = \(Self.safe(note))"
            }
        } else {
            for note in diagnostic.notes {
                out += "\n    = \(Self.safe(note))"
            }
        }
        return out
    }

    /// The part of `line` to show, the caret's column in it, and the
    /// underline's width: the whole line when it is short, else a window of
    /// ``maxLineWidth`` scalars around `column`; unsafe characters replaced.
    package static func excerpt(of line: String, column: Int, length: Int) -> (text: String, column: Int, width: Int) {
        let scalars = Array(line.unicodeScalars)
        var start = 0
        var end = scalars.count
        if scalars.count > maxLineWidth {
            start = max(0, min(column - 1 - maxLineWidth / 4, scalars.count - maxLineWidth))
            end = min(scalars.count, start + maxLineWidth)
        }
        var text = String.UnicodeScalarView()
        if start > 0 { text.append("…") }
        for scalar in scalars[start..<end] {
            text.append(isUnsafe(scalar) ? "\u{FFFD}" : scalar)
        }
        if end < scalars.count { text.append("…") }
        let caret = column - start + (start > 0 ? 1 : 0)
        let width = min(max(1, length), max(1, end - (column - 1)))
        return (String(text), caret, width)
    }

    /// `text` with unsafe characters (but line feeds) replaced: messages
    /// quote names and values from the file.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 != "\n" && isUnsafe($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(scalar != "\n" && isUnsafe(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    /// Control characters (but tab) and bidirectional overrides.
    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private func paint(_ text: String, for severity: Diagnostic.Severity) -> String {
        guard color else { return text }
        let code =
            switch severity {
            case .error: "31"
            case .warning: "33"
            case .note: "36"
            }
        return "\u{1B}[1;\(code)m\(text)\u{1B}[0m"
    }
}
