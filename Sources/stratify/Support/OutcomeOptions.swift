import ArgumentParser
import StratifyBatch
import StratifyEvaluate
import StratifyIO
import StratifyRules

extension OutcomeType: ExpressibleByArgument {}

/// The options that join outcomes to a scored population, shared by
/// `evaluate` and `diff --outcomes`.
struct OutcomeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Outcomes keyed by the rule set's identifier, .csv or .ndjson. Without it, the outcome is a column of the intake itself.", valueName: "file"))
    var outcomes: String?

    @Option(help: ArgumentHelp("The outcome column (admitted_90d, cost_next_12mo, ...).", valueName: "name"))
    var outcome: String?

    @Option(help: ArgumentHelp("binary (0/1, true/false, yes/no) or number; guessed from the values when not given.", valueName: "type"))
    var outcomeType: OutcomeType?

    @Option(help: ArgumentHelp("Hide counts from 1 to N − 1 and what is computed from them (0 shows all).", valueName: "n"))
    var minCell = 11

    func validate() throws {
        if minCell < 0 { throw ValidationError("--min-cell must be 0 or more") }
    }

    /// Reads the outcome table: from `--outcomes`, or from the intake files.
    func readTable(program: Program, intake: IntakeOptions) throws -> (OutcomeTable, OutcomeType) {
        guard let name = outcome else { throw ValidationError("--outcome NAME is required: the column that says what happened") }
        let paths = outcomes.map { [$0] } ?? intake.inputs
        if outcomes == nil, paths.contains("-") {
            throw ValidationError("without --outcomes the intake is read twice (outcomes, then scores), so it cannot be standard input")
        }
        let table = OutcomeTable()
        var type = outcomeType
        for (path, format) in zip(paths, try intake.formats(of: paths)) {
            var reader = OutcomeReader(
                path: path, format: format, identifierName: program.inputs[program.identifier].name,
                outcomeName: name, type: type)
            reader.skipsRowsWithoutIdentifier = outcomes == nil
            do throws(BatchError) {
                type = try reader.read(into: table)
            } catch {
                Terminal.standardError.write(error.description + "\n")
                throw ExitStatus.failure
            }
        }
        return (table, type ?? .binary)
    }

    /// Scores the population with both rule sets on one read of the
    /// input and evaluates each against the outcomes.
    func evaluatePaired(program: Program, candidate: Program, intake: IntakeOptions, fields: [GroupField]) throws -> EvaluationReport {
        let (table, type) = try readTable(program: program, intake: intake)
        let accumulator = EvaluationAccumulator(program: program, candidate: candidate, outcomes: table, type: type, fields: fields)
        let layouts = accumulator.layouts
        let decoder = EvaluationDecoder(layouts: layouts, onRecord: accumulator.add)
        var runner = DiffRunner(old: program, new: candidate, jobs: intake.jobs ?? BatchCommandRun.coreCount)
        runner.strictColumns = intake.strictColumns
        runner.warningSink = ByteSink.standardError()
        let formats = try intake.formats()
        do throws(BatchError) {
            try runner.runPaired(
                inputs: intake.inputs, formats: formats,
                formatters: {
                    (EvaluationFormatter(program: program, layout: layouts[0]), EvaluationFormatter(program: candidate, layout: layouts[1]))
                },
                emit: { (chunk: PairedChunk) throws(BatchError) in
                    accumulator.records.rejectedCurrentOnly += chunk.rejectedOldOnly
                    accumulator.records.rejectedCandidateOnly += chunk.rejectedNewOnly
                    accumulator.records.rejectedBoth += chunk.rejectedBoth
                    accumulator.records.rejected += chunk.rejectedOldOnly + chunk.rejectedNewOnly + chunk.rejectedBoth
                    chunk.pairs.withUnsafeBytes(decoder.consume)
                })
        } catch {
            if case .brokenPipe = error { throw ExitStatus.success }
            Terminal.standardError.write(error.description + "\n")
            throw ExitStatus.failure
        }
        accumulator.finishRecords()
        return accumulator.report(minCell: minCell, outcomeName: outcome!)
    }
}
