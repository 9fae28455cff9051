import StratifyTestSupport
import Glibc
import StratifyBatch
import StratifyIO
import Synchronization
import Testing

/// The progress line's text, and the counts the batch feeds it: records in
/// order, bytes summed across inputs up to their total size.
@Suite struct ProgressTests {
    @Test func lineWithAndWithoutSize() {
        let known = ProgressText(verb: "scoring", records: 1_234_567, seconds: 2, bytes: 250, totalBytes: 1000)
        #expect(known.line == "scoring: 1,234,567 records · 617,283 records/s · 25% · ETA 6 s")
        let stdin = ProgressText(verb: "explaining", records: 999, seconds: 0.5, bytes: 250, totalBytes: nil)
        #expect(stdin.line == "explaining: 999 records · 1,998 records/s")
    }

    @Test(arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (123_456, "123,456"), (12_345_678, "12,345,678"),
    ])
    func grouped(value: Int, text: String) {
        #expect(ProgressText.grouped(value) == text)
    }

    @Test(arguments: [
        (0.2, "1 s"), (59.0, "59 s"), (60.0, "1 min 00 s"), (125.5, "2 min 06 s"), (3600.0, "1 h 0 min"), (7900.0, "2 h 11 min"),
    ])
    func duration(seconds: Double, text: String) {
        #expect(ProgressText.duration(seconds) == text)
    }

    @Test(arguments: [1, 2])
    func batchReportsRecordsAndBytesAcrossInputs(jobs: Int) throws {
        let header = "patient_id,age\n"
        let first = header + (0..<300).map { "A\($0),\($0 % 100)\n" }.joined()
        let second = header + (0..<200).map { "B\($0),\($0 % 100)\n" }.joined()
        let paths = [RepositoryFixtures.temporaryPath(suffix: ".csv"), RepositoryFixtures.temporaryPath(suffix: ".csv")]
        let output = RepositoryFixtures.temporaryPath(suffix: ".out")
        defer { (paths + [output]).forEach { unlink($0) } }
        RepositoryFixtures.write(first, to: paths[0])
        RepositoryFixtures.write(second, to: paths[1])

        let program = RepositoryFixtures.defaultProgram
        var runner = BatchRunner(program: program, jobs: jobs) { ScoreFormatter(program: program, format: .csv) }
        runner.chunkOptions = ChunkerOptions(targetChunkBytes: 512, readBlockBytes: 512)
        let calls = Mutex<[(records: Int, bytes: Int)]>([])
        runner.onProgress = { records, bytes in calls.withLock { $0.append((records, bytes)) } }
        let rejects = RejectSink(sink: try ByteSink.createFile(output + ".rejects"), format: .text, identifierName: "patient_id")
        defer { unlink(output + ".rejects") }
        let summary = try runner.run(inputs: paths, formats: [.csv, .csv], output: try ByteSink.createFile(output), rejects: rejects)
        #expect(summary.scored == 500)

        let seen = calls.withLock { $0 }
        #expect(seen.count > 4, "small chunks give many calls")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.records <= $1.records && $0.bytes < $1.bytes })
        #expect(seen.last?.records == 500)
        #expect(seen.last?.bytes == first.utf8.count + second.utf8.count)
    }
}
