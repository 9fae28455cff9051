#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import StratifyBatch
import StratifyEvaluate
import StratifyIO
import StratifyMonitor
import StratifyReport
import StratifyRules
import StratifyCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a population: tiers, domains, models, flags, missing data, rules, reviews due.",
        discussion: """
            Scores the inputs as `score` does (one read) and writes one HTML file that
            opens offline, prints on A4 and US Letter, and needs no script: charts are
            inline SVG, each with a title, an aria-label and a table of the same
            numbers under "The numbers". docs/report.md says how to read each chart.

            Population: patients scored and rejected; patients per tier (a pyramid,
            highest on top); per domain and tier (a heatmap); the model mix with the
            case managers needed (with --staff, as in `caseload`: staff and gap);
            flags; per input the records without a value (most often missing first);
            how often each rule fired; reviews falling due per week for the 12 weeks
            from the report's date (and overdue, later, none).

            --previous FILE (intake, or a file written by `stratify score`, as in
            `track`): the tier migration as a Sankey diagram (with new and departed)
            and the tier and model transition matrices.

            --outcomes FILE --outcome NAME (as in `evaluate`): for a binary outcome,
            the event rate per tier with its 95% Wilson interval, the ROC curve of
            total_score with its c-statistic, and the event rate per score band
            (calibration); for a numeric outcome, the share of its total per tier.

            Small cells: a count from 1 to --min-cell − 1 (default 11) is shown as
            <11 and drawn as nothing (0 shows all). Traceability: the rule set's name
            and SHA-256, each input's name, size and record count, and the date:
            --as-of DATE, else the SOURCE_DATE_EPOCH environment variable, else
            today (UTC). The date also starts the reviews' weeks. The same inputs,
            options and date give a byte-identical file.

            The inputs and --previous may be FHIR (a Bulk Data export folder or
            Bundles; see docs/fhir.md): the report's date is then also the day the
            look-back windows are anchored on; --fhir-mapping names the mapping.

            Examples:
              stratify report Samples/intake.csv --as-of 2026-12-01 --output report.html
              stratify report Samples/intake-wave2.csv --previous Samples/intake.csv \\
                --outcomes Samples/outcomes.csv --outcome admitted_90d \\
                --staff intensive=1,clinical=1,strengths_based=1,brokerage=1 --as-of 2026-12-01 --output report.html

            \(ExitStatus.help)
            """)

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @OptionGroup var outcomeOptions: OutcomeOptions

    @Option(help: ArgumentHelp("A previous assessment of the same population (intake, or `score` output) to show the migration from.", valueName: "file"))
    var previous: String?

    @Option(help: ArgumentHelp("Case managers in post: MODEL=N,MODEL=N, or a CSV file with the columns model and staff.", valueName: "staff"))
    var staff: String?

    @Option(
        help: ArgumentHelp(
            "The report's date (YYYY-MM-DD): printed, and the start of the reviews' weeks. Default: SOURCE_DATE_EPOCH, else today (UTC).", valueName: "date"))
    var asOf: String?

    // Not the FHIROptions group: its --as-of is this command's own.
    @Option(help: FHIROptions.mappingHelp)
    var fhirMapping: String?

    @Option(name: .long, help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var output: String

    func validate() throws {
        if let asOf, ISODate.parse(asOf) == nil {
            throw ValidationError("--as-of must be a date (YYYY-MM-DD), not '\(asOf)'")
        }
        if outcomeOptions.outcomes != nil && outcomeOptions.outcome == nil {
            throw ValidationError("--outcomes needs --outcome NAME: the column that says what happened")
        }
        if let errors = rejects.errors {
            guard RejectSink.format(forPath: errors) != nil else {
                throw ValidationError("--errors must name a .csv or .ndjson file, not '\(errors)'")
            }
            // Each input is its own run (for its record count), and each run
            // writes --errors whole: a second would replace the first's.
            guard intake.inputs.count == 1 else {
                throw ValidationError("--errors takes one input with report; with several, rejected records go to standard error")
            }
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        try PopulationRun.checkFlagLimit(program)
        let (asOfDay, dateSource) = Self.reportDate(asOf)
        // FHIR input (a Bulk export or Bundles) becomes intake first, its
        // look-back windows anchored on the report's date.
        let fhir = FHIROptions(asOf: ISODate.format(daysSince1970: asOfDay), fhirMapping: fhirMapping)
        var intake = self.intake
        let inputProblems = try fhir.prepareReportingProblems(&intake, program: program)
        let cells = SmallCells(minCell: outcomeOptions.minCell)
        let staffInPost = try staff.map { try CaseloadCommand.readStaff($0, program: program) }
        let vocabulary = AssessmentVocabulary(program: program)

        let tracker = try previous.map { path in
            let side = try fhir.prepareSide(path, intake: self.intake, program: program)
            return try readPrevious(side.path, program: program, intake: intake)
        }
        let counts = PopulationCounts(vocabulary: vocabulary, asOf: asOfDay)
        let caseload = CaseloadCounter(program: program, staff: staffInPost)
        let tally = RuleAndInputTally(program: program)
        var accumulator: EvaluationAccumulator?
        if outcomeOptions.outcome != nil {
            let (table, type) = try outcomeOptions.readTable(program: program, intake: intake)
            accumulator = EvaluationAccumulator(program: program, candidate: nil, outcomes: table, type: type, fields: [])
        }
        let layout = accumulator?.layouts[0]
        let assessments = AssessmentDecoder(domains: program.domains.count) { assessment in
            counts.add(assessment)
            caseload.add(assessment)
            _ = tracker?.tracker.add(assessment, vocabulary: vocabulary, changes: false)
        }
        let evaluations = accumulator.map { EvaluationDecoder(layouts: [layout!], onRecord: $0.add) }
        let decoder = ReportDecoder(domains: program.domains.count, assessments: assessments, evaluation: layout, evaluations: evaluations)

        // One run per input, for each input's record count; one read in all.
        var inputs: [Traceability.Input] = []
        var rejected = 0
        for path in intake.inputs {
            let summary = try PopulationRun(
                program: program, intake: intake, inputs: [path], errors: rejects.errors, quiet: rejects.quiet,
                label: intake.inputs.count > 1 ? path : nil
            ).forEachRecord(consume: decoder.consume) { ReportFormatter(program: program, tally: tally, evaluation: layout) }
            rejected += summary.rejected
            inputs.append(.init(path: path, bytes: Self.fileSize(path), records: summary.records, scored: summary.scored, rejected: summary.rejected))
        }

        let figures = PopulationFigures(
            program: program, counts: counts, rejected: rejected, caseload: caseload.finish(), fired: tally.fired, missing: tally.missing)
        let trace = Traceability(
            ruleSetName: program.name ?? "unnamed", ruleFile: program.source.path, sha256: SHA256.hex(program.source.bytes),
            inputs: inputs, date: ISODate.format(daysSince1970: asOfDay), dateSource: dateSource, version: Version.tool)
        var evaluation: EvaluationReport?
        if let accumulator {
            accumulator.records.rejected = rejected
            accumulator.finishRecords()
            evaluation = accumulator.report(minCell: outcomeOptions.minCell, outcomeName: outcomeOptions.outcome!)
        }
        let trackReport = tracker.map {
            $0.tracker.finish(current: vocabulary, rejectedPrevious: $0.rejected, rejectedCurrent: rejected, duplicatePrevious: $0.duplicates)
        }
        let html = ReportPage.render(
            title: "Population report: \(program.name ?? "stratify")",
            lead:
                "\(counts.scored) patients, rules \(program.name ?? program.source.path), as of \(trace.date). Made by stratify from aggregates only: no patient appears in this file."
        ) { html in
            PopulationSection.write(&html, figures, cells: cells)
            if let trackReport, let previous { MigrationSection.write(&html, trackReport, cells: cells, previousName: previous) }
            if let evaluation, let accumulator { OutcomeSection.write(&html, evaluation, roc: accumulator.rocCurve(minCell: cells.minCell)) }
            ReportPage.traceability(&html, trace)
        }
        try OutputFile.write(Array(html.utf8), to: output)
        if rejected > 0 || inputProblems > 0 { throw ExitStatus.partial }
    }

    struct PreviousSide {
        var tracker: Tracker
        var rejected: Int
        var duplicates: Int
    }

    /// The previous assessment held as `track` holds it.
    func readPrevious(_ path: String, program: Program, intake: IntakeOptions) throws -> PreviousSide {
        let side = AssessmentSide(path: path, program: program, intake: intake, errors: nil, quiet: rejects.quiet)
        let (previousTable, result, duplicates) = try side.readTable()
        return PreviousSide(tracker: Tracker(previous: previousTable, scale: program.tiers.values), rejected: result.rejected, duplicates: duplicates)
    }

    /// The report's date in days since 1970, and where it came from.
    static func reportDate(_ asOf: String?) -> (Int, String) {
        if let asOf, let day = ISODate.parse(asOf) { return (day, "--as-of") }
        if let text = getenv("SOURCE_DATE_EPOCH").map({ String(cString: $0) }), let seconds = Int(text) {
            return (seconds / 86_400, "SOURCE_DATE_EPOCH")
        }
        return (Int(time(nil)) / 86_400, "today, UTC")
    }

    /// A regular file's size in bytes; nil for standard input and the like.
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
