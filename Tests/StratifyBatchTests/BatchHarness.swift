import StratifyTestSupport
import Glibc
import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML

/// Runs batches on files and returns what they wrote, for tests.
enum BatchHarness {
    struct Outcome {
        var output: String
        var rejects: String
        var summary: BatchSummary
        /// Where `--max-rejected` stopped the batch (`summary` is then empty).
        var stopped: RejectLimitPassed?
    }

    static func score(
        _ inputs: [String], formats: [IntakeFormat]? = nil, output format: OutputFormat = .csv,
        rejects rejectFormat: RejectSink.Format = .csv, jobs: Int = 1, chunkBytes: Int = 1 << 20,
        program: Program = RepositoryFixtures.defaultProgram, rejectLimit: RejectLimit? = nil
    ) throws -> Outcome {
        let outputPath = RepositoryFixtures.temporaryPath(suffix: ".out")
        let rejectsPath = RepositoryFixtures.temporaryPath(suffix: ".rejects")
        defer {
            unlink(outputPath)
            unlink(rejectsPath)
        }
        let output = try ByteSink.createFile(outputPath)
        let rejectSink = RejectSink(sink: try ByteSink.createFile(rejectsPath), format: rejectFormat, identifierName: program.inputs[program.identifier].name)
        var runner = BatchRunner(program: program, jobs: jobs) { ScoreFormatter(program: program, format: format) }
        runner.chunkOptions = ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: min(chunkBytes, 256 << 10))
        runner.rejectLimit = rejectLimit
        var summary = BatchSummary()
        var stopped: RejectLimitPassed?
        do {
            summary = try runner.run(
                inputs: inputs, formats: formats ?? inputs.map { IntakeFormat.detect(path: $0)! }, output: output, rejects: rejectSink)
        } catch {
            guard case .tooManyRejected(let passed) = error else { throw error }
            stopped = passed
        }
        try output.close()
        return Outcome(output: RepositoryFixtures.read(outputPath), rejects: RepositoryFixtures.read(rejectsPath), summary: summary, stopped: stopped)
    }

    /// The first three columns of an errors CSV (record, patient_id, field),
    /// the part an independent implementation is compared on.
    static func rejectKeys(_ csv: String) -> String {
        csv.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",")
        }.joined(separator: "\n")
    }
}
