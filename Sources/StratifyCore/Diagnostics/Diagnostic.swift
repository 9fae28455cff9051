/// A message about a rule file, tied to the place it is about.
///
/// Diagnostics are values: every stage (YAML loading, rule decoding, type
/// checking, linting) produces them, and one renderer prints them.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning
        case note

        private var rank: Int {
            switch self {
            case .error: 2
            case .warning: 1
            case .note: 0
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    public var message: String
    /// The file the diagnostic is about, as the user named it.
    public var path: String
    /// Where in the file; nil for a problem with the file as a whole.
    public var location: SourceLocation?
    /// How many columns the caret underline spans (at least 1).
    public var length: Int
    /// Further lines shown under the caret, such as `did you mean 'x'?`.
    public var notes: [String]

    public init(
        _ severity: Severity,
        _ message: String,
        path: String,
        at location: SourceLocation?,
        length: Int = 1,
        notes: [String] = []
    ) {
        self.severity = severity
        self.message = message
        self.path = path
        self.location = location
        self.length = max(1, length)
        self.notes = notes
    }

    public static func error(_ message: String, path: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, path: path, at: location, length: length, notes: notes)
    }

    public static func warning(_ message: String, path: String, at location: SourceLocation?, length: Int = 1, notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, message, path: path, at: location, length: length, notes: notes)
    }

    /// `file:line:column: severity: message`, the first line of the rendered form.
    public var description: String {
        if let location {
            return "\(path):\(location.line):\(location.column): \(severity.rawValue): \(message)"
        }
        return "\(path): \(severity.rawValue): \(message)"
    }
}

/// One or more diagnostics that stop a rule file from loading.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(_ diagnostic: Diagnostic) {
        self.diagnostics = [diagnostic]
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
