import ArgumentParser
import StratifyBatch

/// The options of every command that reads intake files (`score`,
/// `explain`, `diff`, and the commands built on them): the files, how to
/// read them, and how many threads. Declared once, so that each command
/// reads intake the same way and says so in the same words.
struct IntakeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read every input as this format, whatever its name: csv, ndjson, json (one JSON array of records), or fhir (FHIR R4: Bulk Data NDJSON, Bundles, or a folder of them; see docs/fhir.md). Without it, a folder, or a file whose first JSON object has a resourceType, is read as FHIR.",
            valueName: "format"))
    var inputFormat: InputFormatChoice?

    @Option(
        help: ArgumentHelp(
            "The byte between CSV fields: ',' (comma), ';' (semicolon) or tab. Default: a tab for .tsv files, else a comma.", valueName: "delimiter"))
    var delimiter: CSVDelimiter?

    @Option(name: .shortAndLong, help: ArgumentHelp("Worker threads. Default: the number of cores. The output is the same for any value.", valueName: "n"))
    var jobs: Int?

    @Flag(
        help:
            "Refuse (exit 2) an input whose CSV columns or NDJSON keys are not exactly the rules' inputs: a name read only after normalising its case, spaces or hyphens, an unknown column, an input with no column. Without it, each is a warning."
    )
    var strictColumns = false

    @Argument(
        help: ArgumentHelp(
            "Intake files (.csv, .tsv, .ndjson, .jsonl, .json; each may end in .gz), or FHIR files and folders; - for standard input (CSV, NDJSON, a JSON array or gzip, told from its first bytes).",
            valueName: "input"))
    var inputs: [String]

    @Option(
        help: ArgumentHelp(
            "Stop (exit 2, no output file written) when more records are rejected than this: a number (0: none), "
                + "or a percentage of the records read so far (5%, 0.5%), checked from the \(RejectLimit.minimumRecords)th "
                + "record on and over the whole batch at its end. Default: no limit. (Not for diff, which counts them in its report.)",
            valueName: "n|p%"))
    var maxRejected: String?

    /// `--max-rejected`, parsed (`validate()` has checked it).
    var rejectLimit: RejectLimit? {
        maxRejected.flatMap(RejectLimit.init)
    }

    func validate() throws {
        if inputs.isEmpty {
            throw ValidationError("give at least one intake file (or - for standard input)")
        }
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs must be at least 1")
        }
        if let maxRejected, RejectLimit(maxRejected) == nil {
            throw ValidationError(
                "--max-rejected takes a number of records (0 or more) or a percentage from 0% to 100% "
                    + "(such as 5% or 0.5%), not '\(maxRejected)'")
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be read only once")
        }
    }

    /// Each input's format: `--input-format`, else its name; nil for
    /// standard input without `--input-format`, whose first bytes tell.
    func formats() throws -> [IntakeFormat?] {
        try formats(of: inputs)
    }

    /// The format of each of `paths`, read with these options.
    func formats(of paths: [String]) throws -> [IntakeFormat?] {
        try paths.map { path in
            if PreparedIntake.contains(path) { return .csv }
            if path == "-" { return inputFormat?.intakeFormat }
            guard let format = inputFormat?.intakeFormat ?? IntakeFormat.detect(path: path) else {
                throw ValidationError(
                    "cannot tell the format of '\(path)' from its name: use .csv, .tsv, .ndjson, .jsonl or .json (each may end in .gz), or --input-format")
            }
            return format
        }
    }
}

/// `--input-format`: the intake formats, and FHIR (read by StratifyFHIR
/// into intake records before the batch starts).
enum InputFormatChoice: String, ExpressibleByArgument, CaseIterable {
    case csv, ndjson, json, fhir

    /// The intake format; nil for FHIR, which is turned into CSV intake
    /// first (see ``FHIROptions``).
    var intakeFormat: IntakeFormat? {
        IntakeFormat(rawValue: rawValue)
    }
}
