import StratifyTestSupport
import Testing
import Glibc
import StratifyBatch

/// The same records in other shapes score the same: shuffled and extra
/// columns, CRLF with a byte-order mark, NDJSON, several threads and tiny
/// chunks. File-level problems stop the batch.
@Suite struct IntakeVariantTests {
    static let reference = RepositoryFixtures.fixture("acceptance/reference-2k.csv")
    static let expected = RepositoryFixtures.read(RepositoryFixtures.fixture("acceptance/reference-2k.expected.csv"))
    static let expectedErrors = RepositoryFixtures.read(RepositoryFixtures.fixture("acceptance/reference-2k.errors.csv"))

    /// The reference CSV's rows as fields (it has no quoted fields).
    static func rows() -> [[Substring]] {
        RepositoryFixtures.read(reference).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    static func scoreText(_ text: String, suffix: String = ".csv", jobs: Int = 1, chunkBytes: Int = 1 << 20) throws -> BatchHarness.Outcome {
        let path = RepositoryFixtures.temporaryPath(suffix: suffix)
        RepositoryFixtures.write(text, to: path)
        defer { _ = path.withCString { unlink($0) } }
        return try BatchHarness.score([path], jobs: jobs, chunkBytes: chunkBytes)
    }

    /// Fields are decoded kind by kind (integers before booleans), but a
    /// record's problems are reported in column order.
    @Test func problemsOfOneRecordComeInColumnOrder() throws {
        let outcome = try Self.scoreText("patient_id,acute_admission,lives_alone,age,los_days\nP1,maybe,often,abc,-1\n")
        #expect(outcome.summary.rejected == 1)
        #expect(
            BatchHarness.rejectKeys(outcome.rejects) == """
                record,patient_id,field
                1,P1,acute_admission
                1,P1,lives_alone
                1,P1,age
                1,P1,los_days

                """)
    }

    @Test func shuffledColumnsAndAnExtraColumn() throws {
        let rows = Self.rows()
        var order = Array(rows[0].indices)
        order.reverse()
        order.swapAt(0, 7)
        let text =
            rows.enumerated().map { index, row in
                (order.map { String(row[$0]) } + [index == 0 ? "notes" : "free text"]).joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        let outcome = try Self.scoreText(text)
        #expect(outcome.output == Self.expected)
        #expect(BatchHarness.rejectKeys(outcome.rejects) == Self.expectedErrors)
    }

    @Test func crlfWithByteOrderMark() throws {
        let text = "\u{FEFF}" + RepositoryFixtures.read(Self.reference).replacingAll("\n", with: "\r\n")
        let outcome = try Self.scoreText(text)
        #expect(outcome.output == Self.expected)
        #expect(BatchHarness.rejectKeys(outcome.rejects) == Self.expectedErrors)
    }

    @Test(arguments: [1, 2, 3])
    func threadsAndTinyChunksGiveIdenticalOutput(jobs: Int) throws {
        let outcome = try BatchHarness.score([Self.reference], jobs: jobs, chunkBytes: 4096)
        #expect(outcome.output == Self.expected)
        #expect(BatchHarness.rejectKeys(outcome.rejects) == Self.expectedErrors)
    }

    @Test func ndjsonOutputHasTheSameValues() throws {
        let outcome = try BatchHarness.score([RepositoryFixtures.fixture("acceptance/edge-cases.csv")], output: .ndjson)
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(
            lines[7]
                == #"{"patient_id":"X08","clinical_score":0,"clinical_tier":"low","mental_health_score":3,"mental_health_tier":"high","financial_score":0,"financial_tier":"low","housing_score":0,"housing_tier":"low","support_score":0,"support_tier":"low","total_score":3,"tier":"high","model":"clinical","flags":["self_harm_risk"],"missing":[],"review_by":"2026-04-30"}"#
        )
    }

    @Test func jsonArrayOutputAcrossChunks() throws {
        let outcome = try BatchHarness.score([Self.reference], output: .json, jobs: 2, chunkBytes: 4096)
        #expect(outcome.output.hasPrefix("[{\"patient_id\":\"P0000002\""))
        #expect(outcome.output.hasSuffix("}]\n"))
        #expect(outcome.output.components(separatedBy: "},\n{").count == outcome.summary.scored)
    }

    @Test func absentColumnsAreMissingInEveryRecord() throws {
        let text = "patient_id,age,phq9_total\nA1,80,21\n"
        let outcome = try Self.scoreText(text)
        let row = outcome.output.split(separator: "\n")[1]
        #expect(row.hasPrefix("A1,1,low,4,moderate,0,low,0,low,0,low,5,low,brokerage,,"))
        #expect(row.contains(";assessed_on;"))
        #expect(row.hasSuffix(";transportation_barrier;utilities_shutoff_threat,"))
    }

    @Test func headerOnlyScoresNothing() throws {
        let outcome = try Self.scoreText("patient_id,age\n")
        #expect(outcome.summary == BatchSummary())
        #expect(outcome.output.hasPrefix("patient_id,clinical_score"))
    }

    @Test func fileLevelErrorsStopTheBatch() throws {
        #expect(throws: BatchError.self) { try Self.scoreText("") }
        #expect(throws: BatchError.self) { try Self.scoreText("age,phq9_total\n40,3\n") }
        #expect(throws: BatchError.self) { try Self.scoreText("patient_id,age,age\nA,1,2\n") }
        #expect(throws: BatchError.self) { try BatchHarness.score(["/nonexistent/intake.csv"]) }
    }

    @Test func recordsAreNumberedAcrossInputs() throws {
        let edge = RepositoryFixtures.fixture("acceptance/edge-cases.csv")
        let outcome = try BatchHarness.score([edge, edge])
        #expect(outcome.summary.records == 26)
        #expect(BatchHarness.rejectKeys(outcome.rejects) == "record,patient_id,field\n13,X13,phq9_total\n26,X13,phq9_total\n")
    }

    @Test func raggedRowsAndBadValuesAreReportedAndTheRestScored() throws {
        let text = "patient_id,age,phq9_total\nA1,40,3\nA2,40\nA3,40,3,9\nA4,forty,31\nA5,40,3\n"
        let outcome = try Self.scoreText(text)
        #expect(outcome.summary.scored == 2)
        #expect(outcome.summary.rejected == 3)
        #expect(BatchHarness.rejectKeys(outcome.rejects) == "record,patient_id,field\n2,A2,\n3,A3,\n4,A4,age\n4,A4,phq9_total\n")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }

    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
