import StratifyTestSupport
import Glibc
@testable import StratifyBatch
import StratifyIO
import Synchronization
import Testing

/// A repeated identifier within a batch is a warning, in record order and
/// the same for any number of threads; both records are scored. The table
/// that remembers identifiers is compact and capped.
@Suite struct DuplicateIdentifierTests {
    static func csv(_ ids: [String]) -> String {
        "patient_id,age\n" + ids.enumerated().map { "\($1),\($0 % 100)\n" }.joined()
    }

    /// Scores `text` (CSV) with the default rules, warnings and rejected
    /// records as text in one stream.
    static func run(
        _ text: String, jobs: Int = 1, chunkBytes: Int = 1 << 20, capacity: Int? = nil, finder: LineFinder? = nil
    ) throws -> (summary: BatchSummary, report: String) {
        let input = RepositoryFixtures.temporaryPath(suffix: ".csv")
        let output = RepositoryFixtures.temporaryPath(suffix: ".out")
        let report = RepositoryFixtures.temporaryPath(suffix: ".report")
        defer {
            unlink(input)
            unlink(output)
            unlink(report)
        }
        RepositoryFixtures.write(text, to: input)
        let program = RepositoryFixtures.defaultProgram
        var runner = BatchRunner(program: program, jobs: jobs) { ScoreFormatter(program: program, format: .csv) }
        runner.chunkOptions = ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: min(chunkBytes, 256 << 10))
        if let capacity { runner.identifierCapacity = capacity }
        let rejects = RejectSink(sink: try ByteSink.createFile(report), format: .text, identifierName: "patient_id")
        let sink = try finder.map { finder in ByteSink { finder.consume($0) } } ?? ByteSink.createFile(output)
        let summary = try runner.run(inputs: [input], formats: [.csv], output: sink, rejects: rejects, repeats: finder)
        // Without the warning that the file has no column for 28 inputs (true, and not the subject here).
        let text = RepositoryFixtures.read(report).split(separator: input, omittingEmptySubsequences: false).joined(separator: "in.csv")
        return (
            summary,
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("in.csv:1: warning: 28 inputs have no column") }.joined(separator: "\n")
        )
    }

    @Test func repeatsAreWarnedInRecordOrderAndCounted() throws {
        let (summary, report) = try Self.run(Self.csv(["A", "B", "A", "C", "B", "A"]) + "A,x\n")
        #expect(summary.scored == 6)
        #expect(summary.rejected == 1)
        #expect(summary.duplicates == 3)
        #expect(summary.line == "6 scored (6 with more than half of the inputs missing), 1 rejected, 3 duplicate identifiers")
        #expect(
            report == """
                in.csv:4: warning: record 3 (patient_id A) repeats the patient_id of record 1; both are scored
                in.csv:6: warning: record 5 (patient_id B) repeats the patient_id of record 2; both are scored
                in.csv:7: warning: record 6 (patient_id A) repeats the patient_id of record 1; both are scored
                in.csv:8: record 7 (patient_id A): age: 'x' is not a whole number

                """)
    }

    @Test func noRepeatsNoMention() throws {
        let (summary, report) = try Self.run(Self.csv(["A", "B", "C"]))
        #expect(summary.duplicates == 0)
        #expect(summary.line == "3 scored (3 with more than half of the inputs missing), 0 rejected")
        #expect(report.isEmpty)
    }

    /// Quoting does not make a different identifier: the value is compared.
    @Test func identifiersAreComparedByValue() throws {
        let (summary, _) = try Self.run("patient_id,age\nA1,1\n\"A1\",2\n\"A\"\"1\",3\n")
        #expect(summary.duplicates == 1)
    }

    /// Warnings are found by the writer, in input order: the report is the
    /// same for any number of threads and any chunk size.
    @Test func sameReportForAnyJobsAndChunks() throws {
        var ids: [String] = []
        for index in 0..<3000 { ids.append("P\(index * 7919 % 1000)") }
        let text = Self.csv(ids) + "bad,x\n"
        let reference = try Self.run(text, jobs: 1)
        #expect(reference.summary.duplicates == 2000)
        for (jobs, chunk) in [(2, 1 << 10), (4, 333), (3, 64 << 10)] {
            let other = try Self.run(text, jobs: jobs, chunkBytes: chunk)
            #expect(other.summary == reference.summary)
            #expect(other.report == reference.report)
        }
        // At most 1000 are listed one by one; a line says there are more.
        let lines = reference.report.split(separator: "\n")
        #expect(lines.filter { $0.contains(": warning: record ") }.count == 1000)
        #expect(lines.contains("warning: more records repeat an earlier patient_id; the first 1000 are listed, the summary counts them all"))
    }

    /// Past the cap, identifiers are still checked against those remembered,
    /// but not added; a line says so once.
    @Test func capKeepsCheckingButStopsRemembering() throws {
        let ids = ["A", "B", "C", "D", "A", "D", "E", "E"]
        let (summary, report) = try Self.run(Self.csv(ids), capacity: 3)
        // A repeats record 1 (remembered); D and E came after the cap.
        #expect(summary.duplicates == 1)
        #expect(
            report == """
                warning: only the patient_id of the first 3 scored records are remembered: each later one is checked against those, not against the others after them
                in.csv:6: warning: record 5 (patient_id A) repeats the patient_id of record 1; both are scored

                """)
    }

    /// A consumer of score's CSV output that finds repeated identifiers
    /// (the first column; the tests' identifiers need no quotes) in a
    /// dictionary, as the monitoring commands do in their patient tables.
    final class LineFinder: RepeatedIdentifierFinder {
        private var firstRecord: [String: Int] = [:]
        private var numbers: ScoredRecordNumbers?
        private var scored = 0
        private var repeats: [RepeatedIdentifier] = []
        private(set) var chunks = 0

        func chunkBegins(records: ScoredRecordNumbers) {
            numbers = records
            scored = 0
            repeats = []
            chunks += 1
        }

        func chunkEnds() -> [RepeatedIdentifier] {
            numbers = nil
            return repeats
        }

        func consume(_ bytes: UnsafeRawBufferPointer) {
            // The header row comes before any chunk.
            guard let numbers else { return }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let identifier = String(line.prefix { $0 != "," })
                if let first = firstRecord[identifier] {
                    repeats.append(RepeatedIdentifier(scored: scored, first: first, identifier: identifier))
                } else {
                    firstRecord[identifier] = numbers[scored]
                }
                scored += 1
            }
        }
    }

    /// When the output's consumer finds the repeats, the batch keeps no
    /// identifiers, and the warnings, their place among the rejected
    /// records and the counts are the same, for any threads and chunks.
    @Test func consumerFindsTheSameRepeats() throws {
        var ids: [String] = []
        for index in 0..<3000 { ids.append("P\(index * 7919 % 1000)") }
        // Rejected records among them, so that record numbers and scored
        // records part ways.
        let text = "patient_id,age\n" + ids.enumerated().map { [5, 700, 1999].contains($0) ? "\($1),x\n" : "\($1),\($0 % 100)\n" }.joined()
        for (jobs, chunk) in [(1, 1 << 20), (2, 1 << 10), (4, 333), (3, 64 << 10)] {
            let reference = try Self.run(text, jobs: jobs, chunkBytes: chunk)
            let finder = LineFinder()
            let found = try Self.run(text, jobs: jobs, chunkBytes: chunk, finder: finder)
            #expect(reference.summary.rejected == 3)
            #expect(found.summary == reference.summary)
            #expect(found.report == reference.report)
            #expect(finder.chunks >= (chunk < 1 << 10 ? 20 : 1))
        }
        let small = try Self.run(Self.csv(["A", "B", "A", "C", "B", "A"]) + "A,x\n", finder: LineFinder())
        #expect(small.report == (try Self.run(Self.csv(["A", "B", "A", "C", "B", "A"]) + "A,x\n")).report)
        #expect(small.summary.duplicates == 3)
    }

    @Test func tableFindsEveryRepeat() {
        let table = IdentifierTable(capacity: 100_000)
        var generator = SystemRandomNumberGenerator()
        var hashes: [UInt64] = []
        for record in 1...50_000 {
            let hash = generator.next() as UInt64
            hashes.append(hash)
            #expect(table.check(hash, record: record) == nil)
        }
        #expect(table.count == 50_000)
        for (index, hash) in hashes.enumerated() where index % 97 == 0 {
            #expect(table.check(hash, record: 60_000) == index + 1)
        }
        // 0 is the empty slot: a hash of 0 is stored as 1.
        let small = IdentifierTable(capacity: 10)
        #expect(small.check(0, record: 1) == nil)
        #expect(small.check(0, record: 2) == 1)
    }

    @Test func hashesDependOnTheBytesOnly() {
        func hash(_ text: String) -> UInt64 {
            Array(text.utf8).withUnsafeBytes { ScoredIdentifiers.hash($0) }
        }
        #expect(hash("P0000001") == hash("P0000001"))
        #expect(hash("P0000001") != hash("P0000002"))
        #expect(hash("") != 0)
    }
}

/// A cancelled batch (SIGINT, SIGTERM in the CLI) stops before its next
/// chunk and says how far it got.
@Suite struct BatchCancellationTests {
    @Test func stopsBeforeTheNextChunk() throws {
        let input = RepositoryFixtures.temporaryPath(suffix: ".csv")
        let output = RepositoryFixtures.temporaryPath(suffix: ".out")
        defer {
            unlink(input)
            unlink(output)
        }
        RepositoryFixtures.write(DuplicateIdentifierTests.csv((0..<5000).map { "P\($0)" }), to: input)
        let program = RepositoryFixtures.defaultProgram
        let cancellation = BatchCancellation()
        var runner = BatchRunner(program: program, jobs: 1) { ScoreFormatter(program: program, format: .csv) }
        runner.chunkOptions = ChunkerOptions(targetChunkBytes: 4 << 10, readBlockBytes: 4 << 10)
        runner.cancellation = cancellation
        let firstChunk = Mutex<Int?>(nil)
        runner.onProgress = { records, _ in
            firstChunk.withLock { if $0 == nil { $0 = records } }
            cancellation.cancel(signal: SIGTERM)
        }
        let rejects = RejectSink(sink: try ByteSink.createFile("/dev/null"), format: .csv, identifierName: "patient_id")
        #expect {
            _ = try runner.run(inputs: [input], formats: [.csv], output: try ByteSink.createFile(output), rejects: rejects)
        } throws: { error in
            guard case .interrupted(let signal, let records) = error as? BatchError else { return false }
            return signal == SIGTERM && records > 0 && records < 5000 && records == firstChunk.withLock { $0 }
        }
    }

    @Test func cancellationKeepsTheFirstSignal() {
        let cancellation = BatchCancellation()
        #expect(!cancellation.isCancelled)
        cancellation.cancel(signal: SIGINT)
        cancellation.cancel(signal: SIGTERM)
        #expect(cancellation.signal == SIGINT)
    }
}
