import StratifyBatch
import StratifyIO
import StratifyMonitor
import StratifyRules

/// Scores a population for a command that aggregates it (`caseload`,
/// `track`, `worklist`): the batch runs as for `score` — rejected records
/// reported, the summary line, signals — but each scored record reaches
/// `body` as an ``Assessment`` instead of being printed.
struct PopulationRun {
    var program: Program
    var intake: IntakeOptions
    var inputs: [String]? = nil
    var errors: String?
    var quiet: Bool
    var verb = "reading"
    /// Names the population in its summary line (see ``BatchCommandRun/summaryLabel``).
    var label: String?

    /// Returns the batch's counts; failures are thrown (exit 2, signals).
    func forEach(_ body: @escaping (Assessment) -> Void) throws -> BatchSummary {
        try Self.checkFlagLimit(program)
        let decoder = AssessmentDecoder(domains: program.domains.count, onAssessment: body)
        let program = self.program
        return try forEachRecord(consume: decoder.consume) { AssessmentFormatter(program: program) }
    }

    /// As ``forEach(_:)``, each record read where the batch wrote it (valid
    /// during the call only): no String or array is made per record.
    /// `lookahead` sees each group of records first (see ``AssessmentDecoder``).
    /// `body` finds the records that repeat an identifier, as it holds each
    /// patient in a table anyway, and returns the earlier record's number
    /// for each (nil for the others): the batch warns about them as it
    /// would have, without its own check.
    func forEachInPlace(
        lookahead: ((AssessmentRecord) -> Void)? = nil, _ body: @escaping (AssessmentRecord) -> Int?
    ) throws -> BatchSummary {
        try Self.checkFlagLimit(program)
        let decoder = AssessmentDecoder(domains: program.domains.count, lookahead: lookahead, onRecord: body)
        let program = self.program
        return try forEachRecord(consume: decoder.consume, repeats: decoder) { AssessmentFormatter(program: program) }
    }

    /// As ``forEach(_:)``, with each scored record written by a formatter
    /// of the caller's (one per worker thread) and its bytes handed to
    /// `consume` on the writer thread, in input order.
    func forEachRecord<Formatter: RecordFormatter>(
        consume: @escaping (UnsafeRawBufferPointer) -> Void, repeats: (any RepeatedIdentifierFinder)? = nil,
        formatter: @escaping @Sendable () -> Formatter
    ) throws -> BatchSummary {
        let inputs = self.inputs ?? intake.inputs
        let formats = try intake.formats(of: inputs)
        var run = BatchCommandRun(
            program: program, inputs: inputs, formats: formats, output: nil, errors: errors,
            jobs: intake.jobs, quiet: quiet, verb: verb)
        run.strictColumns = intake.strictColumns
        run.rejectLimit = intake.rejectLimit
        run.delimiter = intake.delimiter
        run.outputSink = ByteSink(consumer: consume)
        run.repeatFinder = repeats
        run.summaryLabel = label
        var summary = BatchSummary()
        run.onSummary = { summary = $0 }
        do {
            try run.execute(formatter)
        } catch let status as ExitStatus where status == .partial {
            // Rejected records were reported; the caller decides the status.
        }
        return summary
    }

    /// An assessment holds the flags as bits of one word: a rule set with
    /// more is refused rather than have the flags past the 64th dropped.
    static func checkFlagLimit(_ program: Program) throws {
        guard program.flags.count > AssessmentVocabulary.maxFlags else { return }
        Terminal.standardError.write(
            "\(program.source.path): error: the rule set has \(program.flags.count) flags; track, worklist, caseload and report "
                + "handle at most \(AssessmentVocabulary.maxFlags)\n")
        throw ExitStatus.failure
    }
}
