import ArgumentParser
import StratifyBatch
import StratifyEvaluate
import StratifyIO
import StratifyRules

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how well the tiers predict what happened next, by subgroup, and whether a candidate rule set predicts better.",
        discussion: """
            Scores the inputs as `score` does and joins each scored record, by the rule
            set's identifier, to its outcome: a column of --outcomes FILE (.csv or
            .ndjson, one row per patient; a repeated identifier is an error), or
            without --outcomes a column of the intake itself. An empty outcome is
            lost to follow-up. Every figure is over the scored records with an
            outcome; the others, the outcome rows no scored record matched, and the
            rejected records are counted in `records`.

            Binary outcome (0/1, true/false, yes/no): the base rate; per tier n,
            events, rate and 95% Wilson interval; per threshold ("tier at least X")
            the patients flagged and their share, sensitivity, specificity, PPV and
            lift (PPV ÷ base rate); the c-statistic of total_score and of the tier
            rank (ties ½) with 95% DeLong intervals (± 1.96 SE); the event rate per
            model; per rule, the rate when it fired and when not, and the lift (rate
            when fired ÷ base rate; a rule fires when its condition is true, not
            unknown); calibration by score band and by total_score value.
            Numeric outcome: per tier and model n, mean, median, total and share of
            the total; Spearman's correlation of total_score with the outcome.

            --by FIELD (tier, model, or an enum or boolean input; repeatable): the
            same figures per value (patients without one: value null). With a
            candidate, groups are those of the current rules (its tier, its model).
            --candidate FILE: both rule sets on the same patients (one read of the
            input; the patients both score), the candidate's figures, and the
            difference in c-statistic (candidate minus current) with its paired
            DeLong 95% interval and p-value, and the net reclassification
            improvement across tiers. Records either rule set rejects are counted
            per side in `records`, not listed. A patient scored twice (a repeated
            identifier in the intake) counts twice, with the same outcome.

            Small cells: a count from 1 to --min-cell − 1 (default 11) is hidden,
            with every figure computed from it; JSON gives null and
            "suppressed": true in that row, text gives <11. See docs/evaluate.md
            for how to read each figure, and docs/evaluate.schema.json for the JSON.

            FHIR input (--input-format fhir, or detected; --as-of, --fhir-mapping:
            see docs/fhir.md) is scored as `score` scores it; FHIR carries no outcome
            column, so it needs --outcomes.

            Examples:
              stratify evaluate --outcomes Samples/outcomes.csv --outcome admitted_90d Samples/intake.csv
              stratify evaluate --outcomes outcomes.csv --outcome cost_next_12mo --by insurance intake.csv
              stratify evaluate --outcomes outcomes.csv --outcome admitted_90d --candidate new.yaml --format json intake.csv

            \(ExitStatus.help)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var outcomeOptions: OutcomeOptions

    @OptionGroup var fhir: FHIROptions

    @Option(help: ArgumentHelp("Show the figures per value of this field: tier, model, or an enum or boolean input. Repeatable.", valueName: "field"))
    var by: [String] = []

    @Option(help: ArgumentHelp("A candidate rule file (YAML) to evaluate on the same patients and compare with --rules.", valueName: "file"))
    var candidate: String?

    @Option(help: ArgumentHelp("text (for people) or json.", valueName: "format"))
    var format: Format = .text

    @Option(help: ArgumentHelp("Write rejected records to this file, .csv or .ndjson, instead of standard error.", valueName: "file"))
    var errors: String?

    @Flag(name: .shortAndLong, help: "No progress line.")
    var quiet = false

    func validate() throws {
        if outcomeOptions.outcome == nil {
            throw ValidationError("--outcome NAME is required: the column that says what happened")
        }
        if let errors, RejectSink.format(forPath: errors) == nil {
            throw ValidationError("--errors must name a .csv or .ndjson file, not '\(errors)'")
        }
        if let candidate {
            try RulesOptions.checkStandardInputIsReadOnce(ruleFiles: [rulesOptions.rules, candidate], intake: intake)
            // As diff: the rejected records of each side are counted in the report.
            if errors != nil { throw ValidationError("--errors applies without --candidate; with one, rejected records are counted per rule set") }
            if intake.maxRejected != nil {
                throw ValidationError("--max-rejected applies without --candidate; with one, rejected records are counted per rule set")
            }
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        var fields: [GroupField] = []
        for name in by {
            switch GroupField.named(name, in: program) {
            case .success(let field): fields.append(field)
            case .failure(let error): throw ValidationError(error.message)
            }
        }
        var intake = self.intake
        let inputProblems = try fhir.prepareReportingProblems(&intake, program: program)
        if outcomeOptions.outcomes == nil, intake.inputs.contains(where: PreparedIntake.contains) {
            throw ValidationError("FHIR input has no outcome column: give the outcomes with --outcomes FILE")
        }
        let report: EvaluationReport
        var rejected = 0
        if let candidate {
            let candidateProgram = try RuleFiles.compile(try RuleFiles.read(candidate))
            report = try outcomeOptions.evaluatePaired(program: program, candidate: candidateProgram, intake: intake, fields: fields)
            rejected = report.records.rejected
        } else {
            let (table, type) = try outcomeOptions.readTable(program: program, intake: intake)
            let accumulator = EvaluationAccumulator(program: program, candidate: nil, outcomes: table, type: type, fields: fields)
            let layout = accumulator.layouts[0]
            let decoder = EvaluationDecoder(layouts: [layout], onRecord: accumulator.add)
            let summary = try PopulationRun(program: program, intake: intake, errors: errors, quiet: quiet)
                .forEachRecord(consume: decoder.consume) { EvaluationFormatter(program: program, layout: layout) }
            accumulator.records.rejected = summary.rejected
            accumulator.finishRecords()
            report = accumulator.report(minCell: outcomeOptions.minCell, outcomeName: outcomeOptions.outcome!)
            rejected = summary.rejected
        }
        switch format {
        case .text: Terminal.standardOutput.write(report.text())
        case .json: Terminal.standardOutput.write(report.json())
        }
        if rejected > 0 || inputProblems > 0 { throw ExitStatus.partial }
    }
}
