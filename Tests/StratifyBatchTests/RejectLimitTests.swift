import StratifyTestSupport
import StratifyBatch
import Testing

/// `--max-rejected` stops a batch where a plain reading of the rule says,
/// whatever the chunk size and the number of threads.
@Suite struct RejectLimitTests {
    static let intake = RepositoryFixtures.fixture("acceptance/reference-2k.csv")

    /// The record numbers of the rejected records of the whole batch.
    static let rejectedRecords: [Int] = {
        let errors = RepositoryFixtures.read(RepositoryFixtures.fixture("acceptance/reference-2k.errors.csv"))
        return Array(Set(errors.split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! })).sorted()
    }()

    /// The rule, record by record: where the batch must stop (rejected
    /// records so far, records read), or nil.
    static func expectedStop(_ limit: String, records: Int) -> (rejected: Int, records: Int)? {
        for read in 1...records {
            let rejected = rejectedRecords.filter { $0 <= read }.count
            if limit.hasSuffix("%") {
                let percent = Double(limit.dropLast())!
                let checked = read >= RejectLimit.minimumRecords || (records < RejectLimit.minimumRecords && read == records)
                if checked, Double(rejected) * 100 > percent * Double(read) { return (rejected, read) }
            } else if rejected > Int(limit)! {
                return (rejected, read)
            }
        }
        return nil
    }

    @Test(arguments: ["0", "5", "23", "24", "0%", "1%", "1.25%", "3%"])
    func stopsWhereTheRuleSays(limit: String) throws {
        #expect(Self.rejectedRecords.count == 24)
        let expected = Self.expectedStop(limit, records: 2000)
        for (jobs, chunkBytes) in [(1, 97), (2, 4096), (2, 1 << 20)] {
            let outcome = try BatchHarness.score([Self.intake], jobs: jobs, chunkBytes: chunkBytes, rejectLimit: RejectLimit(limit)!)
            #expect(
                outcome.stopped.map { [$0.rejected, $0.records] } == expected.map { [$0.rejected, $0.records] },
                "\(limit), jobs \(jobs), chunks of \(chunkBytes) bytes")
            // Every rejected record up to the stop is reported, and none after it.
            let reported = Set(outcome.rejects.split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! })
            let stop = expected?.records ?? 2000
            #expect(reported.sorted() == Self.rejectedRecords.filter { $0 <= stop }, "\(limit), chunks of \(chunkBytes) bytes")
        }
    }

    @Test func parsesCountsAndPercentages() {
        for valid in ["0", "7", "0%", "5%", "0.5%", "100%", "100.000000%", "12.345678%"] {
            #expect(RejectLimit(valid)?.description == valid)
        }
        for invalid in ["", "-1", "1.5", "%", "101%", "100.0000001%", ".5%", "5.%", "five", "5 %", "+5", "99999999999999999999"] {
            #expect(RejectLimit(invalid) == nil, "\(invalid)")
        }
    }
}
