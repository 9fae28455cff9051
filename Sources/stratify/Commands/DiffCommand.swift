import ArgumentParser
import StratifyBatch
import StratifyIO
import StratifyReport
import StratifyRules

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a rule change does to a population: tier and model migrations, score changes, rule counts.",
        discussion: """
            Every record is scored with both rule files, each decoding it with its own
            input schema. The report counts the records scored by both: the tier
            migration matrix (old tier x new tier), the model migration matrix, per
            domain how many scores went up or down and the mean change, the domain
            tier migrations, and for each rule how many records it fired for before
            and after (0 on the side of a file that lacks it). A record that only one
            rule file can score is counted apart, as `rejected` on the other side.
            Each input's column names are matched to both rule files as `score` does
            (see `stratify score --help`); a warning both give is printed once, one
            only the candidate gives ends with `(new rules)`.

            'Changed' records are those whose tier or model differs. --changes FILE
            (.csv or .ndjson) lists them, in input order, with the rules whose outcome
            changed (id:old>new), and also the records only one rule file could score
            (their tier and model on that side are `rejected`, with the reason).

            --outcomes FILE --outcome NAME (options as for `stratify evaluate`): under
            the migrations, both rule sets evaluated against the outcomes — the
            difference in c-statistic with its paired DeLong interval, and the net
            reclassification improvement (the input is read a second time for it,
            so it cannot be standard input); in JSON, the `evaluate` object under
            "evaluation".

            --format json prints {"records", "changed", "tier_migration": {OLD: {NEW: n}},
            "model_migration": {OLD: {NEW: n}}, "rules": {ID: {"fired_old", "fired_new",
            "unknown_old", "unknown_new", "changed", "in_old", "in_new"}}, "read",
            "outputs_changed", "rules_changed", "rejected", "total_score", "domains"}.
            Matrices have every tier (model) of the old file as rows and of the new file
            as columns, zeros included, and count the records scored by both. When
            either file gives a model a `caseload`, the report also shows the case
            managers each file needs per model (patients ÷ caseload, rounded up, over
            all the records that file scored) and the change (`+3 intensive case
            managers needed`); JSON: "caseload": {MODEL: {"patients_old",
            "patients_new", "caseload_old", "caseload_new", "needed_old", "needed_new",
            "change"}}.

            --format html --output FILE writes one self-contained HTML page (no script,
            no network; docs/report.md): the tier migration as a Sankey diagram and
            matrix, the model migration, the score changes per domain, each rule's
            firing before and after, and the capacity change; counts from 1 to
            --min-cell − 1 (default 11) are hidden.

            Examples:
              stratify diff --candidate Rules/candidate.yaml intake.csv
              stratify diff --rules old.yaml --candidate new.yaml intake.csv --format json
              stratify diff --candidate new.yaml intake.csv --format html --output diff.html
              stratify diff --candidate new.yaml intake.csv --changes changed.csv

            Exit status:
              0  the comparison is complete (rejected records are counted in it)
              2  usage error, a rule file with errors, unreadable or unusable input, or I/O error
            """)

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var fhir: FHIROptions

    @Option(help: ArgumentHelp("The candidate rule file (YAML) to compare with --rules; - reads it from standard input.", valueName: "file"))
    var candidate: String

    @Option(help: ArgumentHelp("Report format: text (for people), json, or html (a self-contained page: needs --output).", valueName: "format"))
    var format: DiffFormat = .text

    @Option(help: ArgumentHelp("Write the changed records to this file, .csv or .ndjson.", valueName: "file"))
    var changes: String?

    @OptionGroup var outcomeOptions: OutcomeOptions

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case html
    }

    @Option(name: .long, help: ArgumentHelp("With --format html: the HTML file to write.", valueName: "file"))
    var output: String?

    func validate() throws {
        try RulesOptions.checkStandardInputIsReadOnce(ruleFiles: [rulesOptions.rules, candidate], intake: intake)
        if intake.maxRejected != nil {
            // diff reports the rejected records of each side as part of its
            // comparison, and stops for nothing but errors.
            throw ValidationError("--max-rejected applies to score and explain; diff counts the rejected records in its report")
        }
        if outcomeOptions.outcomes != nil || outcomeOptions.outcome != nil {
            guard outcomeOptions.outcome != nil else { throw ValidationError("--outcomes needs --outcome NAME: the column that says what happened") }
            if intake.inputs.contains("-") {
                throw ValidationError("diff with outcomes reads the input twice (the migrations, then the evaluation), so it cannot be standard input")
            }
        }
        if (format == .html) != (output != nil) {
            throw ValidationError("--format html and --output FILE go together")
        }
        if let changes, DiffChangesOutput.format(forPath: changes) == nil {
            throw ValidationError("--changes must name a .csv or .ndjson file, not '\(changes)'")
        }
    }

    func run() throws {
        let old = try rulesOptions.load()
        let new = try RuleFiles.compile(try RuleFiles.read(candidate))
        let stderr = Terminal.standardError
        // FHIR input becomes intake records of the current rules' inputs.
        var intake = self.intake
        for problem in try fhir.prepare(&intake, program: old).problems {
            stderr.write("\(problem.location): input problem: \(problem.message)\n")
        }
        let formats = try intake.formats()
        var changesFile: OutputFile?
        if let changes {
            do {
                changesFile = try OutputFile(path: changes)
            } catch {
                stderr.write("error: \(error.message)\n")
                throw ExitStatus.failure
            }
        }
        var runner = DiffRunner(old: old, new: new, jobs: intake.jobs ?? BatchCommandRun.coreCount)
        runner.strictColumns = intake.strictColumns
        runner.warningSink = ByteSink.standardError()
        runner.delimiter = intake.delimiter
        let report: DiffReport
        do {
            report = try runner.run(
                inputs: intake.inputs, formats: formats,
                changes: changesFile.map { DiffChangesOutput(sink: $0.sink, format: DiffChangesOutput.format(forPath: $0.path)!) })
            try changesFile?.commit()
        } catch let error as BatchError {
            changesFile?.discard()
            if case .brokenPipe = error { throw ExitStatus.success }
            stderr.write(error.description + "\n")
            throw ExitStatus.failure
        } catch let error as IOError {
            changesFile?.discard()
            stderr.write("error: \(error.message)\n")
            throw ExitStatus.failure
        }
        // The same comparison as `evaluate --candidate`, under the migrations.
        let evaluation = try outcomeOptions.outcome.map { _ in
            try outcomeOptions.evaluatePaired(program: old, candidate: new, intake: intake, fields: [])
        }
        switch format {
        case .json:
            var json = report.json()
            if let evaluation {
                // One object: the evaluation is its last member.
                var head = String(json[..<json.lastIndex(of: "}")!])
                while head.last == "\n" { head.removeLast() }
                let nested = evaluation.json().split(separator: "\n").joined(separator: "\n  ")
                json = head + ",\n  \"evaluation\": " + nested + "\n}\n"
            }
            Terminal.standardOutput.write(json)
        case .html:
            let page = ReportPage.render(
                title: "Rule change: \(old.name ?? old.source.path) → \(new.name ?? new.source.path)",
                lead: "Both rule sets on the same \(report.records) patients. "
                    + (outcomeOptions.minCell > 1 ? "Counts under \(outcomeOptions.minCell) are hidden (--min-cell)." : "No count is hidden.")
            ) { html in
                DiffSection.write(&html, report, oldName: old.source.path, newName: new.source.path, cells: SmallCells(minCell: outcomeOptions.minCell))
                if let evaluation { OutcomeSection.write(&html, evaluation, roc: []) }
                ReportPage.ruleSets(&html, [old, new])
            }
            try OutputFile.write(Array(page.utf8), to: output!)
        case .text:
            Terminal.standardOutput.write(report.text(oldName: old.source.path, newName: new.source.path))
            if let evaluation {
                Terminal.standardOutput.write("\n== outcomes: \(evaluation.outcomeName)\n" + evaluation.text())
            }
        }
    }
}
