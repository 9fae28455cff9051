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
    var formats: [IntakeFormat]
    var output: String?
    var errors: String?
    var jobs: Int?

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
        let runner = BatchRunner(program: program, jobs: jobs ?? Self.coreCount, makeFormatter: makeFormatter)
        do {
            let summary = try runner.run(
                inputs: inputs, formats: formats, output: outputFile?.sink ?? ByteSink.standardOutput(), rejects: rejects)
            try outputFile?.commit()
            try errorsFile?.commit()
            stderr.write(summary.line + "\n")
            if summary.rejected > 0 { throw ExitStatus.partial }
        } catch let error as BatchError {
            outputFile?.discard()
            errorsFile?.discard()
            switch error {
            case .brokenPipe:
                // The reader has all it wanted (`| head`): end quietly.
                throw ExitStatus.success
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

    static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
