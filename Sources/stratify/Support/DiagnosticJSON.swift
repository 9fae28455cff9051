import StratifyCore
import StratifyIO
import StratifyYAML

/// Diagnostics as one JSON array, for editors and CI (`check --format json`):
///
///     [{"file": "Rules/x.yaml", "line": 97, "column": 15, "length": 9,
///       "severity": "warning", "message": "...", "notes": ["..."]}]
///
/// `line` and `column` are 1-based (columns count Unicode scalars) and null
/// for a problem with the file as a whole; `length` is how many columns the
/// diagnostic spans on its line; `severity` is error, warning or note.
enum DiagnosticJSON {
    static let shape = """
        [{"file": PATH, "line": N|null, "column": N|null, "length": N,
          "severity": "error"|"warning"|"note", "message": TEXT, "notes": [TEXT, ...]}, ...]
        """

    static func render(_ diagnostics: [Diagnostic]) -> String {
        var out = OutputBuffer(capacity: 4096)
        out.append("[")
        for (index, diagnostic) in diagnostics.enumerated() {
            out.append(index == 0 ? "\n  " : ",\n  ")
            append(diagnostic, to: &out)
        }
        out.append(diagnostics.isEmpty ? "]\n" : "\n]\n")
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func append(_ diagnostic: Diagnostic, to out: inout OutputBuffer) {
        out.append("{\"file\": ")
        out.appendJSONString(diagnostic.path)
        if let location = diagnostic.location {
            out.append(", \"line\": ")
            out.append(decimal: location.line)
            out.append(", \"column\": ")
            out.append(decimal: location.column)
        } else {
            out.append(", \"line\": null, \"column\": null")
        }
        out.append(", \"length\": ")
        out.append(decimal: diagnostic.length)
        out.append(", \"severity\": ")
        out.appendJSONString(diagnostic.severity.rawValue)
        out.append(", \"message\": ")
        out.appendJSONString(diagnostic.message)
        out.append(", \"notes\": [")
        for (index, note) in diagnostic.notes.enumerated() {
            if index > 0 { out.append(", ") }
            out.appendJSONString(note)
        }
        out.append("]}")
    }
}
