import ArgumentParser
import StratifyBatch
import StratifyEngine
import StratifyExplain
import StratifyFHIR
import StratifyIO
import StratifyReport
import StratifyRules

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain each patient's scores, tier and model: why, why not another, and what would change it.",
        discussion: """
            The trace is made from the same evaluation as `score`: the values every
            condition saw, never a second computation. For each record it shows the
            result and, when inputs are missing, how many the record was scored on and
            the highest tier the missing data could lead to; then the inputs, how each
            derived value was computed, every rule (fired, not_fired or unknown, with
            the operands' values, the part that failed, or the missing fields), each
            domain's score, band and floors, the total and the escalations, the models
            in order and why earlier ones did not hold, the review date, and what would
            change it: the points to the next band up and down, the highest tier the
            missing values could lead to (a bound), and the nearest single-field changes
            that would change the model.

            --format text (the default) is for people; --format json writes one JSON
            object per line (NDJSON), documented in docs/explain.md. The model
            changes cost about 150 evaluations per record: they are on for text and
            with --patient, and for a whole batch in JSON only with --what-if.
            --format html (with --patient) writes one self-contained HTML page with a
            printable card per patient, for a nurse: the tier, model and review date
            in words, each domain's score on its bands, the reasons, what is missing
            and how high the tier could go, and what would change the result.

            Records are read and checked as by `score`: invalid records are reported
            on standard error (or --errors) and the summary line ends the run. With
            --patient, only those records are written; a patient asked for that no
            scored record has (not in the input, or its record was rejected) is a
            warning and exit status 3, even when some patients were found or records
            were rejected (status 2, nothing scored or past --max-rejected, wins).

            Examples:
              stratify explain Samples/intake.csv --patient P0000007
              stratify explain --format json intake.csv > traces.ndjson
              stratify explain --format json --what-if --patient P1 --patient P2 intake.ndjson

            \(ExitStatus.help)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case html
    }

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @OptionGroup var fhir: FHIROptions

    @Option(help: ArgumentHelp("text (for people), json (NDJSON, one trace per line) or html (a patient card; needs --patient).", valueName: "format"))
    var format: Format = .text

    @Option(
        name: .customLong("patient"), parsing: .singleValue,
        help: ArgumentHelp("Explain only the record with this identifier; repeat for more.", valueName: "id"))
    var patients: [String] = []

    @Flag(help: "Include the single-field changes that would change the model (on by default for text and with --patient).")
    var whatIf = false

    @Flag(help: "Leave out the model changes, even for text or with --patient.")
    var noWhatIf = false

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the output to this file (renamed into position only when the run completes) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Width of the text form. Default: 100.", valueName: "columns"))
    var width: Int = 100

    func validate() throws {
        try RulesOptions.checkStandardInputIsReadOnce(ruleFiles: [rulesOptions.rules], intake: intake)
        if format == .html && patients.isEmpty {
            throw ValidationError("--format html needs --patient ID: it makes a card per patient")
        }
        if whatIf && noWhatIf {
            throw ValidationError("--what-if and --no-what-if cannot be used together")
        }
        if width < 40 {
            throw ValidationError("--width must be at least 40")
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        var intake = self.intake
        let prepared = try fhir.prepare(&intake, program: program, keepSources: format == .text)
        let inputProblems = prepared.problems
        let formats = try intake.formats()
        let plan = TracePlan(program: program)
        let selection = patients.isEmpty ? nil : PatientSelection(patients)
        let whatIf = !noWhatIf && (whatIf || format == .text || selection != nil)
        var run = BatchCommandRun(
            program: program, inputs: intake.inputs, formats: formats, output: output, errors: rejects.errors, jobs: intake.jobs,
            rejectLimit: intake.rejectLimit, quiet: rejects.quiet, verb: "explaining")
        run.chunkOptions = TraceJSONFormatter.chunkOptions
        run.inputProblems = inputProblems
        run.summarySuffix = prepared.summarySuffix
        run.strictColumns = intake.strictColumns
        run.delimiter = intake.delimiter
        var status = ExitStatus.success
        do {
            switch format {
            case .json:
                let layout = TraceJSONLayout(plan: plan)
                try run.execute { TraceJSONFormatter(plan: plan, layout: layout, selection: selection, whatIf: whatIf) }
            case .text:
                let color = output == nil && Terminal.standardOutput.useColor
                let width = self.width
                let digest = SHA256.hex(program.source.bytes)
                if let sources = prepared.sources {
                    try run.execute {
                        SourcesTextFormatter(
                            TraceTextFormatter(plan: plan, selection: selection, whatIf: whatIf, color: color, width: width, ruleSetDigest: digest),
                            sources: sources)
                    }
                } else {
                    try run.execute {
                        TraceTextFormatter(plan: plan, selection: selection, whatIf: whatIf, color: color, width: width, ruleSetDigest: digest)
                    }
                }
            case .html:
                let digest = SHA256.hex(program.source.bytes)
                try run.execute { PatientCardFormatter(plan: plan, selection: selection, ruleSetDigest: digest) }
            }
        } catch let exit as ExitStatus {
            // Success thrown means the reader closed the pipe: end quietly.
            if exit == .success { throw exit }
            status = exit
        }
        // After a complete run (a stopped one has not seen every record).
        if let selection, status == .success || status == .partial {
            let identifierName = program.inputs[program.identifier].name
            for missing in selection.notFound {
                Terminal.standardError.write("warning: no scored record has \(identifierName) \(missing)\n")
                status = .patientNotFound
            }
        }
        if status != .success { throw status }
    }
}

extension ExplainCommand.Format: Sendable {}
