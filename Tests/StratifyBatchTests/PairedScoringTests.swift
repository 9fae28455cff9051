import StratifyTestSupport
import Testing
import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// `DiffRunner.runPaired`: each record both rule files scored, once per
/// side, in input order, whatever the jobs and chunking; the records one
/// side rejected counted, not paired.
@Suite struct PairedScoringTests {
    /// Writes `identifier,total;` for each record.
    struct TotalFormatter: RecordFormatter {
        let totalRegister: Int

        func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
            out.append(bytes: identifier)
            out.append(",\(Int(evaluator.registerValues[totalRegister]));")
        }
    }

    func pairs(_ candidate: Program, _ inputs: [String], jobs: Int, chunkBytes: Int) throws -> (pairs: [String], chunk: PairedChunk) {
        let options = ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: min(chunkBytes, 256 << 10))
        let old = RepositoryFixtures.defaultProgram
        var bytes: [UInt8] = []
        var total = PairedChunk(pairs: [])
        try DiffRunner(old: old, new: candidate, jobs: jobs, chunkOptions: options).runPaired(
            inputs: inputs, formats: inputs.map { IntakeFormat.detect(path: $0)! },
            formatters: {
                (TotalFormatter(totalRegister: old.overall.totalRegister), TotalFormatter(totalRegister: candidate.overall.totalRegister))
            },
            emit: { chunk in
                bytes += chunk.pairs
                total.read += chunk.read
                total.rejectedOldOnly += chunk.rejectedOldOnly
                total.rejectedNewOnly += chunk.rejectedNewOnly
                total.rejectedBoth += chunk.rejectedBoth
            })
        return (String(decoding: bytes, as: UTF8.self).split(separator: ";").map(String.init), total)
    }

    @Test func pairsEveryRecordBothScoredInInputOrder() throws {
        // A narrower schema: the candidate rejects some records the current rules score.
        let candidate = try DiffRunnerTests.edit(
            "phq9_total:                 {type: integer, min: 0, max: 27,",
            to: "phq9_total:                 {type: integer, min: 0, max: 20,")
        let one = try pairs(candidate, [DiffRunnerTests.csv], jobs: 1, chunkBytes: 1 << 20)
        let many = try pairs(candidate, [DiffRunnerTests.csv], jobs: 2, chunkBytes: 4096)
        #expect(one.pairs == many.pairs)
        let old = try DiffRunnerTests.score(RepositoryFixtures.defaultProgram, [DiffRunnerTests.csv])
        let new = try DiffRunnerTests.score(candidate, [DiffRunnerTests.csv])
        let both = old.keys.filter { new[$0] != nil }
        #expect(one.pairs.count == 2 * both.count)
        #expect(one.chunk.read == 2000)
        #expect(one.chunk.rejectedNewOnly == old.count - new.count && one.chunk.rejectedNewOnly > 0)
        #expect(one.chunk.rejectedOldOnly == 0)
        #expect(one.chunk.rejectedBoth == 2000 - old.count)
        for k in stride(from: 0, to: one.pairs.count, by: 2) {
            let a = one.pairs[k].split(separator: ","), b = one.pairs[k + 1].split(separator: ",")
            #expect(a[0] == b[0])
            #expect(Int(a[1]) == old[String(a[0])]?.total)
            #expect(Int(b[1]) == new[String(b[0])]?.total)
        }
    }
}
