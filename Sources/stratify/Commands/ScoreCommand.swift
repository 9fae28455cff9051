#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import StratifyBatch
import StratifyFHIR
import StratifyIO
import StratifyRules
import Synchronization

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score intake files: one output record per valid input record, in input order.",
        discussion: """
            Each input is CSV (.csv: a header row, any column order, extra columns
            ignored; .tsv or --delimiter for tabs and semicolons), NDJSON
            (.ndjson/.jsonl: one JSON object per line) or a JSON array of records
            (.json, as --format json writes it); any of them may be gzip-compressed
            (.csv.gz, ...). - reads standard input, whose format (and gzip) is told
            from its first bytes: { is NDJSON, [ a JSON array, anything else CSV.
            Files must be UTF-8 (a byte-order mark is skipped); UTF-16 is refused
            with the iconv command that converts it. A record with a value of the
            wrong type or out of range is not scored: it is reported (record number,
            identifier, field, reason) and the batch goes on. A missing value is not
            an error: the record is scored on what it has and the output lists it under
            `missing`.

            Column names (CSV) and keys (NDJSON) name the rules' inputs. A name
            that matches an input only once normalised (case, surrounding spaces,
            spaces and hyphens for `_`: `Assessed On`, ` age `, `PHQ9-Total`) is read
            as that input; standard error says so before scoring, and names the
            columns the rules do not know (with a did-you-mean for a likely typo) and
            the inputs no column gives (missing in every record). NDJSON keys are
            checked on the first 1,000 records. Two columns for one input, or no
            column for any input but the identifier, stop the run (exit 2);
            --strict-columns stops it on any of the warnings as well.

            Output columns: the identifier, each domain's score and tier, total_score,
            tier, model, flags, missing, review_by. Standard error ends with a summary
            line: `N scored, M rejected`, or, when some records were scored with more
            than half of the inputs (besides the identifier) missing, `N scored (S with
            more than half of the inputs missing), M rejected`: their tiers may be low
            only for want of data.

            FHIR R4 (a Bulk Data export folder, NDJSON or Bundles; --input-format fhir,
            or told from a folder or a resourceType) is read through Rules/fhir.yaml
            (--fhir-mapping), one record per Patient, as of --as-of; --format fhir
            writes a RiskAssessment per scored record (docs/fhir.md).

            Examples:
              stratify score Samples/intake.csv
              stratify score intake.csv --output scored.csv --errors rejected.csv
              stratify score --rules Rules/my-rules.yaml intake.ndjson --format csv
              cat intake.ndjson | stratify score - > scored.ndjson
              stratify score export.csv.gz --delimiter ';' --output scored.json
              stratify score --as-of 2026-12-31 --format fhir exports/bulk-run1/

            \(ExitStatus.help)
            """)

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @OptionGroup var fhir: FHIROptions

    @Option(
        help: ArgumentHelp(
            "Output format: csv, ndjson, json (a JSON array), or fhir (one FHIR R4 RiskAssessment per scored record, as NDJSON; see docs/fhir.md). Default: the extension of --output (.csv, .ndjson, .jsonl, .json), else the format of the first input.",
            valueName: "format"))
    var format: ScoreOutputChoice?

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the output to this file (replaced only when the run completes) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Add a `fired` column: the ids of the rules that fired, `;`-joined in CSV, an array in JSON.")
    var explain = false

    func validate() throws {
        try RulesOptions.checkStandardInputIsReadOnce(ruleFiles: [rulesOptions.rules], intake: intake)
        if format == nil, let output, OutputFormat(path: output) == nil, !Self.isDevice(output) {
            throw ValidationError("cannot tell the output format from '\(output)': name it .csv, .ndjson, .jsonl or .json, or give --format")
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        var intake = self.intake
        let prepared = try fhir.prepare(&intake, program: program, keepBasis: format == .fhir)
        let inputProblems = prepared.problems
        let formats = try intake.formats()
        let outputFormat = OutputFormatChoice(format?.outputFormat ?? output.flatMap(OutputFormat.init(path:)))
        var run = BatchCommandRun(
            program: program, inputs: intake.inputs, formats: formats, output: output, errors: rejects.errors, jobs: intake.jobs,
            rejectLimit: intake.rejectLimit, quiet: rejects.quiet, verb: "scoring")
        run.inputProblems = inputProblems
        run.summarySuffix = prepared.summarySuffix
        run.strictColumns = intake.strictColumns
        run.delimiter = intake.delimiter
        run.onOpen = { formats in outputFormat.follow(formats[0]) }
        let explain = self.explain
        if format == .fhir {
            let riskCodes = try (prepared.mapping ?? fhir.loadMapping(program: program)).riskCodes
            let basis = prepared.basis
            try run.execute { RiskAssessmentFormatter(program: program, riskCodes: riskCodes, basis: basis) }
            return
        }
        try run.execute { ScoreFormatter(program: program, format: outputFormat.format, fired: explain) }
    }

    /// A destination that exists and is not a regular file (`/dev/stdout`, a
    /// named pipe) has no extension to go by: it gets the input's format.
    private static func isDevice(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
    }
}

/// The output format: the one given, else the first input's, which is
/// known only once the inputs are open (standard input's from its bytes).
/// Set before any formatter is made, then only read.
private final class OutputFormatChoice: Sendable {
    private let given: OutputFormat?
    private let chosen: Mutex<OutputFormat>

    init(_ given: OutputFormat?) {
        self.given = given
        chosen = Mutex(given ?? .csv)
    }

    var format: OutputFormat { chosen.withLock { $0 } }

    func follow(_ input: IntakeFormat) {
        if given == nil { chosen.withLock { $0 = OutputFormat(input) } }
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// `score --format`: the output formats, and FHIR RiskAssessments.
enum ScoreOutputChoice: String, ExpressibleByArgument, CaseIterable {
    case csv, ndjson, json, fhir

    /// nil for FHIR (written by ``RiskAssessmentFormatter``).
    var outputFormat: OutputFormat? {
        OutputFormat(rawValue: rawValue)
    }
}
extension IntakeFormat: ExpressibleByArgument {}
extension CSVDelimiter: ExpressibleByArgument {
    /// `','` or `comma`, `';'` or `semicolon`, `tab` (or a tab character).
    public init?(argument: String) {
        switch argument.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "tab", "\t": self = .tab
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["comma", "semicolon", "tab"] }
}
