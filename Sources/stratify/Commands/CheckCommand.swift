import ArgumentParser
import StratifyCore
import StratifyFHIR
import StratifyIO
import StratifyRules
import StratifyYAML

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check rule files without scoring anything: every load error, plus warnings.",
        discussion: """
            Runs every check that loading a rule file runs (YAML syntax, unknown keys,
            unknown names, types, duplicate ids, tier bands, tables, ...), and, when the
            file has no error, warnings about what it would do that is probably not
            meant, given the input schema's ranges:
              - a rule, floor, escalation or model whose condition can never hold
                (`score >= 30` when `score` is declared 0..27);
              - a condition, or part of one, that is always true (when its inputs are
                present: a comparison with a missing value is unknown);
              - an `or` alternative that never holds, a count(..) argument that is fixed;
              - a model never chosen, because an earlier one always holds (or holds
                whenever it does);
              - a floor or escalation that can never change a tier (its at_least is at
                or below the tier the scores already give; its condition holds only
                when the tier is already that far up);
              - a tier band no score reaches, with no floor or escalation raising to it;
              - a case of a derived value that can never hold or is never reached, an
                `otherwise` never used, a table row whose key the schema rules out;
              - an input or a derived value that nothing uses (the identifier and the
                review_by date are used by the output).
            A flag that is set but used by no floor, escalation or model gets a note:
            it still appears in the output's `flags`.

            Without a file, check checks the built-in rule set; - reads a rule file from
            standard input (named <stdin> in messages).

            Each problem is printed as `file:line:column: error|warning|note: message`
            with the source line and a caret, followed by a summary line per file that
            ends with the SHA-256 of its bytes, as `sha256sum` prints it:
              Rules/default.yaml: no problems (sha256 <64 hex digits>)
            With --format json, standard output is one JSON array of every diagnostic
            of every file, in file order:
            \(DiagnosticJSON.shape)
            line and column are 1-based (columns count characters), null for a problem
            with the file as a whole; length is how many columns the caret spans.

            Examples:
              stratify check Rules/default.yaml
              stratify check
              generate-rules | stratify check -
              stratify check --strict Rules/*.yaml
              stratify check --format json Rules/my-rules.yaml | jq '.[] | .message'

            Exit status (the worst over all files):
              0  no errors (warnings and notes are allowed, unless --strict)
              1  warnings, with --strict (notes never fail)
              2  an error: a file does not load (or cannot be read), or a usage error
            """)

    @Flag(help: "Fail with exit status 1 when there are warnings.")
    var strict = false

    @Option(help: ArgumentHelp("Output format: text (default) or json (one array of diagnostics).", valueName: "format"))
    var format: CheckFormat = .text

    @Argument(help: ArgumentHelp("Rule files (YAML) to check; - for standard input. Default: the built-in rule set.", valueName: "rules"))
    var files: [String] = []

    @Option(
        help: ArgumentHelp(
            "Also check this FHIR mapping (docs/fhir.md) against the rule file's inputs: types, unknown and unmapped inputs, with file:line:col.",
            valueName: "file"))
    var fhirMapping: String?

    enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    func validate() throws {
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be read only once")
        }
    }

    func run() throws {
        var status = ExitStatus.success
        var everything: [Diagnostic] = []
        let renderer = DiagnosticRenderer(color: Terminal.standardOutput.useColor)
        for path in files.isEmpty ? [nil] : files.map(Optional.some) {
            let (source, diagnostics) = Self.check(path)
            everything += diagnostics
            status = Self.worse(status, Self.status(of: diagnostics, strict: strict))
            if format == .text {
                var report = ""
                for diagnostic in diagnostics {
                    report += renderer.render(diagnostic, source: source) + "\n"
                }
                let name = path.map(RuleFiles.displayName) ?? RuleFiles.builtInPath
                report += Self.summary(name, diagnostics, source: source) + "\n"
                Terminal.standardOutput.write(report)
            }
        }
        if let fhirMapping {
            let (source, diagnostics) = Self.checkMapping(fhirMapping, rules: files.first)
            everything += diagnostics
            status = Self.worse(status, Self.status(of: diagnostics, strict: strict))
            if format == .text {
                var report = diagnostics.map { renderer.render($0, source: source) + "\n" }.joined()
                report += Self.summary(fhirMapping, diagnostics, source: source) + "\n"
                Terminal.standardOutput.write(report)
            }
        }
        if format == .json {
            Terminal.standardOutput.write(DiagnosticJSON.render(everything))
        }
        if status != .success { throw status }
    }

    /// Checks a FHIR mapping against the inputs of `rules` (nil: the
    /// built-in rule set); rules that do not compile are reported above.
    static func checkMapping(_ path: String, rules: String?) -> (SourceFile?, [Diagnostic]) {
        let bytes: [UInt8]
        do {
            bytes = try RuleFiles.readFile(path, limit: YAMLLimits.default.maxFileBytes)
        } catch {
            return (nil, [.error("cannot read the file: \(error)", path: path, at: nil)])
        }
        let source = SourceFile(path: path, bytes: bytes)
        let rulesSource =
            rules.flatMap { try? RuleFiles.readFile($0, limit: YAMLLimits.default.maxFileBytes) }
            .map { SourceFile(path: rules!, bytes: $0) } ?? RuleFiles.builtIn
        guard let program = RuleCompiler.compile(rulesSource).program else { return (source, []) }
        do {
            _ = try FHIRMapping.load(source, program: program)
            return (source, [])
        } catch {
            return (source, error.diagnostics)
        }
    }

    /// Reads and checks one file (nil: the built-in rule set); a file that
    /// cannot be read is one error.
    static func check(_ path: String?) -> (SourceFile?, [Diagnostic]) {
        guard let path else {
            let source = RuleFiles.builtIn
            return (source, RuleCompiler.check(source).diagnostics)
        }
        let bytes: [UInt8]
        let name = RuleFiles.displayName(path)
        do {
            bytes = try RuleFiles.readFile(path, limit: YAMLLimits.default.maxFileBytes)
        } catch let error as IOError {
            return (nil, [.error("cannot read the file: \(error.message)", path: name, at: nil)])
        } catch {
            return (nil, [.error("cannot read the file: \(error)", path: name, at: nil)])
        }
        let source = SourceFile(path: name, bytes: bytes)
        return (source, RuleCompiler.check(source).diagnostics)
    }

    static func status(of diagnostics: [Diagnostic], strict: Bool) -> ExitStatus {
        if diagnostics.contains(where: { $0.severity == .error }) { return .failure }
        if strict, diagnostics.contains(where: { $0.severity == .warning }) { return .partial }
        return .success
    }

    static func worse(_ a: ExitStatus, _ b: ExitStatus) -> ExitStatus {
        a.rawValue >= b.rawValue ? a : b
    }

    /// `Rules/x.yaml: 1 error, 2 warnings (sha256 …)` or `Rules/x.yaml: no
    /// problems (sha256 …)`; no digest for a file that could not be read
    /// whole.
    static func summary(_ path: String, _ diagnostics: [Diagnostic], source: SourceFile?) -> String {
        let counts: [(Diagnostic.Severity, String)] = [(.error, "error"), (.warning, "warning"), (.note, "note")]
        let parts = counts.compactMap { severity, word -> String? in
            let count = diagnostics.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(word)\(count == 1 ? "" : "s")"
        }
        // A file over the size limit was read only in part: no digest.
        let whole = source.flatMap { $0.bytes.count > YAMLLimits.default.maxFileBytes ? nil : $0 }
        let digest = whole.map { " (sha256 \(SHA256.hex($0.bytes)))" } ?? ""
        return "\(path): \(parts.isEmpty ? "no problems" : parts.joined(separator: ", "))\(digest)"
    }
}
