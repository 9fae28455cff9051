import StratifyTestSupport
import Testing
import StratifyBatch

/// Every intake file of the shared acceptance data, scored with
/// Rules/default.yaml, equals its expected output byte for byte, and the
/// rejected records equal the expected errors.
@Suite struct AcceptanceTests {
    static let cases: [(input: String, expected: String, errors: String)] = [
        ("acceptance/edge-cases.csv", "acceptance/edge-cases.expected.csv", "acceptance/edge-cases.errors.csv"),
        ("acceptance/reference-2k.csv", "acceptance/reference-2k.expected.csv", "acceptance/reference-2k.errors.csv"),
        ("acceptance/reference-1k.ndjson", "acceptance/reference-1k.expected.csv", "acceptance/reference-1k.errors.csv"),
    ]

    @Test(arguments: cases.map(\.input))
    func scoredOutputMatchesExpected(input: String) throws {
        let entry = Self.cases.first { $0.input == input }!
        let outcome = try BatchHarness.score([RepositoryFixtures.fixture(input)], output: .csv)
        let expected = RepositoryFixtures.read(RepositoryFixtures.fixture(entry.expected))
        #expect(outcome.output == expected)
        let expectedErrors = RepositoryFixtures.read(RepositoryFixtures.fixture(entry.errors))
        #expect(BatchHarness.rejectKeys(outcome.rejects) == expectedErrors)
        // Every record is either scored or reported.
        let expectedRows = expected.split(separator: "\n").count - 1
        let rejectedRows = expectedErrors.split(separator: "\n").count - 1
        #expect(outcome.summary.scored == expectedRows)
        #expect(outcome.summary.rejected == rejectedRows)
        #expect(outcome.summary.records == expectedRows + rejectedRows)
    }
}
