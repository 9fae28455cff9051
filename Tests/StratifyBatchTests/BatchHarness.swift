import Glibc
import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML

/// Runs batches on files and returns what they wrote, for tests.
enum BatchHarness {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func fixture(_ name: String) -> String {
        root + "/Tests/Fixtures/" + name
    }

    static func read(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) {
        let file = fopen(path, "wb")!
        _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, file) }
        fclose(file)
    }

    static func temporaryPath(_ suffix: String) -> String {
        var template = Array("/tmp/stratify-test-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        close(fd)
        let base = String(cString: template)
        unlink(base)
        return base + suffix
    }

    static let defaultProgram: Program = {
        let source = SourceFile(path: "Rules/default.yaml", text: read(root + "/Rules/default.yaml"))
        return try! RuleCompiler.program(source)
    }()

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
        program: Program = defaultProgram, rejectLimit: RejectLimit? = nil
    ) throws -> Outcome {
        let outputPath = temporaryPath(".out")
        let rejectsPath = temporaryPath(".rejects")
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
        return Outcome(output: read(outputPath), rejects: read(rejectsPath), summary: summary, stopped: stopped)
    }

    /// The first three columns of an errors CSV (record, patient_id, field),
    /// the part an independent implementation is compared on.
    static func rejectKeys(_ csv: String) -> String {
        csv.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",")
        }.joined(separator: "\n")
    }
}
