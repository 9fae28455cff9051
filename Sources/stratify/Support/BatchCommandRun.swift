#if canImport(Glibc)
import Glibc
#endif
import StratifyBatch
import StratifyIO
import StratifyRules

/// The shared body of the commands that stream a batch (`score`,
/// `explain`): set up the output and error files, run, print the summary,
/// and map the outcome to the exit status.
struct BatchCommandRun {
    var program: Program
    var inputs: [String]
    var formats: [IntakeFormat?]
    /// `--delimiter`.
    var delimiter: CSVDelimiter?
    /// See ``BatchRunner/onOpen``.
    var onOpen: (@Sendable ([IntakeFormat]) -> Void)?
    var output: String?
    var errors: String?
    var jobs: Int?
    /// `--max-rejected`.
    var rejectLimit: RejectLimit?
    /// `--quiet`: no progress line.
    var quiet = false
    /// The progress line's first word: `scoring`, `explaining`.
    var verb = "scoring"
    /// How the inputs are cut into chunks; `explain` cuts smaller, as each
    /// record's output is large.
    var chunkOptions = ChunkerOptions()
    /// `--strict-columns`: field names that are not exactly the inputs stop the run.
    var strictColumns = false
    /// Where the formatted records go instead of standard output or
    /// `output`: the monitoring commands aggregate them in memory.
    var outputSink: ByteSink?
    /// The consumer of `outputSink`, when it finds the records that repeat
    /// an identifier itself (see ``RepeatedIdentifierFinder``).
    var repeatFinder: (any RepeatedIdentifierFinder)?
    /// Put before the summary line (`previous.csv: 23 scored, 1 rejected`)
    /// when a command reads several populations.
    var summaryLabel: String?
    /// Receives the counts when the batch completes.
    var onSummary: ((BatchSummary) -> Void)?
    /// Put after the summary line (FHIR input: `, 0 input problems (as of 2026-12-31)`).
    var summarySuffix: String?
    /// Input problems (FHIR input, spec fhir-mapping.md section 2.3),
    /// written to the errors output first: the run goes on, and ends with
    /// exit status 1.
    var inputProblems: [InputProblemReport] = []

    func execute<Formatter: RecordFormatter>(_ makeFormatter: @escaping @Sendable () -> Formatter) throws {
        let stderr = Terminal.standardError
        var outputFile: OutputFile?
        var errorsFile: OutputFile?
        do {
            if let output { outputFile = try OutputFile(path: output) }
            if let errors { errorsFile = try OutputFile(path: errors) }
        } catch {
            stderr.write("error: \(error.message)\n")
            outputFile?.discard()
            throw ExitStatus.failure
        }
        let identifierName = program.inputs[program.identifier].name
        let rejects = RejectSink(
            sink: errorsFile?.sink ?? ByteSink.standardError(),
            format: errors.flatMap(RejectSink.format(forPath:)) ?? .text,
            identifierName: identifierName)
        if errorsFile != nil {
            rejects.warningSink = ByteSink.standardError()
        } else {
            // A batch of bad records must not bury the terminal or a log.
            rejects.listLimit = Self.listedRejects
        }
        var runner = BatchRunner(program: program, jobs: jobs ?? Self.coreCount, makeFormatter: makeFormatter)
        runner.chunkOptions = chunkOptions
        runner.strictColumns = strictColumns
        runner.rejectLimit = rejectLimit
        runner.delimiter = delimiter
        runner.onOpen = onOpen
        let progress = ProgressLine(verb: verb, inputs: inputs, quiet: quiet)
        if let progress {
            runner.onProgress = { records, bytes in progress.update(records: records, bytes: bytes) }
            rejects.willWrite = { progress.finish() }
        }
        defer { progress?.finish() }
        let interruption = Interruption()
        interruption.start(temporaryPaths: [outputFile, errorsFile].compactMap { $0?.temporaryPath }) { signal in
            interruptedMessage(signal: signal, records: nil)
        }
        runner.cancellation = interruption.cancellation
        defer { interruption.stop() }
        do {
            let summary: BatchSummary
            do {
                for problem in inputProblems { try rejects.write(problem) }
                summary = try runner.run(
                    inputs: inputs, formats: formats, output: outputSink ?? outputFile?.sink ?? ByteSink.standardOutput(), rejects: rejects,
                    repeats: repeatFinder)
            } catch {
                interruption.finish()
                progress?.finish()
                throw error
            }
            interruption.finish()
            progress?.finish()
            try outputFile?.commit()
            try errorsFile?.commit()
            onSummary?(summary)
            stderr.write((summaryLabel.map { "\($0): " } ?? "") + summary.line + (summarySuffix ?? "") + "\n")
            // Nothing scored from records that were there: as much a
            // failure as an unreadable input, whatever the files say.
            if summary.records > 0, summary.scored == 0 { throw ExitStatus.failure }
            if summary.rejected > 0 || !inputProblems.isEmpty { throw ExitStatus.partial }
        } catch let error as BatchError {
            outputFile?.discard()
            errorsFile?.discard()
            switch error {
            case .brokenPipe:
                // The reader has all it wanted (`| head`): end quietly.
                throw ExitStatus.success
            case .interrupted(let signal, let records):
                stderr.write(interruptedMessage(signal: signal, records: records) + "\n")
                throw Interruption.status(for: signal)
            case .tooManyRejected(let passed):
                stderr.write("error: stopped: \(passed)" + unwrittenNote + "\n")
                throw ExitStatus.failure
            default:
                stderr.write(error.description + "\n")
                throw ExitStatus.failure
            }
        } catch let error as IOError {
            outputFile?.discard()
            errorsFile?.discard()
            stderr.write("error: \(error.message)\n")
            throw ExitStatus.failure
        }
    }

    /// `interrupted by SIGTERM: stopped after 1200 records; scored.csv was
    /// not written`.
    func interruptedMessage(signal: Int32, records: Int?) -> String {
        var text = "interrupted by \(Interruption.name(of: signal))"
        if let records {
            text += ": stopped after \(records) record\(records == 1 ? "" : "s")"
        }
        return text + unwrittenNote
    }

    /// What a batch that stops early leaves: `; scored.csv was not
    /// written`, `; the output so far is incomplete` (standard output).
    var unwrittenNote: String {
        var text = ""
        let unwritten = [output, errors].compactMap { $0 }
        if !unwritten.isEmpty {
            text += "; " + unwritten.joined(separator: " and ") + (unwritten.count == 1 ? " was" : " were") + " not written"
        }
        if output == nil {
            text += "; the output so far is incomplete"
        }
        return text
    }

    /// Standard error lists the first rejected records, then counts the
    /// rest by field and reason; `--errors FILE` gets every one.
    static let listedRejects = 20

    static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
