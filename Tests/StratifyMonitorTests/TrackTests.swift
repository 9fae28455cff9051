import Foundation
import StratifyBatch
import StratifyCore
import StratifyIO
@testable import StratifyMonitor
import StratifyRules
import StratifyTestSupport
import Testing

@Suite struct TrackTests {
    let program = Fixture.defaultProgram
    var vocabulary: AssessmentVocabulary { AssessmentVocabulary(program: program) }

    func patient(_ id: String, tier: Int, model: Int = 3, domains: [Int] = [0, 0, 0, 0, 0], flags: UInt64 = 0) -> Assessment {
        Assessment(identifier: id, tier: tier, model: model, domainTiers: domains, flags: flags, totalScore: 1, reviewBy: nil)
    }

    @Test func transitionsDirectionsDomainsAndFlags() {
        let before = PatientTable(vocabulary: vocabulary)
        before.insert(patient("A", tier: 0))
        before.insert(patient("B", tier: 3, model: 0, flags: 0b100))
        before.insert(patient("C", tier: 2, domains: [2, 0, 0, 0, 0]))
        before.insert(patient("GONE", tier: 1))
        #expect(before.insert(patient("A", tier: 2)) == 0)  // a repeat is refused, the first kept
        let tracker = Tracker(previous: before, scale: program.tiers.values)
        let changes = [
            tracker.add(patient("A", tier: 1, domains: [0, 1, 0, 0, 0], flags: 0b001), vocabulary: vocabulary),
            tracker.add(patient("B", tier: 2, model: 0), vocabulary: vocabulary),
            tracker.add(patient("C", tier: 2, domains: [2, 0, 0, 0, 0]), vocabulary: vocabulary),
            tracker.add(patient("NEW", tier: 3, model: 0), vocabulary: vocabulary),
            tracker.add(patient("NEW", tier: 0), vocabulary: vocabulary),
        ]
        #expect(changes.map { $0?.direction } == ["up", "down", nil, "new", nil])
        #expect(changes[0]?.flagsGained == ["homeless"])
        #expect(changes[0]?.domainsUp == ["mental_health"])
        #expect(changes[1]?.flagsLost == ["self_harm_risk"])
        let report = tracker.finish(current: vocabulary, rejectedPrevious: 2, rejectedCurrent: 0, duplicatePrevious: 1)
        #expect(report.records == .init(both: 3, new: 1, departed: 1, rejectedPrevious: 2, rejectedCurrent: 0, duplicatePrevious: 1, duplicateCurrent: 1))
        #expect(report.tierTransitions.count("low", "moderate") == 1)
        #expect(report.tierTransitions.count("very_high", "high") == 1)
        #expect(report.tierTransitions.count("high", "high") == 1)
        #expect(report.tierTransitions.count("new", "very_high") == 1)
        #expect(report.tierTransitions.count("moderate", "departed") == 1)
        #expect(report.tierTransitions.rows == ["low", "moderate", "high", "very_high", "new"])
        #expect(report.tierTransitions.columns == ["low", "moderate", "high", "very_high", "departed"])
        #expect(report.modelTransitions.count("intensive", "intensive") == 1)
        #expect(report.direction == .init(up: 1, down: 1, same: 1))
        #expect(report.persistentTop == 2)  // B (very_high → high) and C (high → high)
        #expect(report.previousHighest == 1 && report.highestFell == 1)
        #expect(report.domains.first { $0.name == "mental_health" }?.direction == .init(up: 1, down: 0, same: 2))
        #expect(report.flags.map(\.flag) == ["homeless", "interpersonal_safety", "self_harm_risk"])
        #expect(report.flags.map(\.gained) == [1, 0, 0])
        #expect(report.flags.map(\.lost) == [0, 0, 1])
        #expect(tracker.departed().map(\.identifier) == ["GONE"])
    }

    /// A patient goes into the table as a row of words and comes out the
    /// same, inserted as values or as a record read in place, through the
    /// table's growth, looked up in order (the next-row guess) or not.
    @Test func theTableGivesBackWhatWasInserted() {
        let table = PatientTable(vocabulary: vocabulary)
        let patients = (0..<5000).map { i in
            Assessment(
                identifier: "ID\(i * 7919 % 100_003)", tier: i % 4, model: (i / 4) % 4, domainTiers: [i % 4, -1, 3, 0, i % 2],
                flags: UInt64(i) << 40 | 0b101, totalScore: nil, reviewBy: nil)
        }
        for (i, patient) in patients.enumerated() {
            let existing = i % 2 == 0 ? table.insert(patient) : AssessmentRecord.with(patient, domains: 5) { table.insert($0) }
            #expect(existing == nil)
        }
        #expect(table.count == patients.count)
        #expect(table.insert(patients[123]) == 123)
        #expect(table.count == patients.count)
        for i in [4999, 0, 1, 2, 2500, 17, 18] + Array(patients.indices) {
            #expect(table.index(of: patients[i].identifier) == i)
            #expect(table[i] == patients[i])
        }
        #expect(table.index(of: "absent") == nil)
        #expect(table.index(of: "") == nil)
        #expect(table.insert(Assessment(identifier: "", tier: 1, model: 2, domainTiers: [], flags: 0, totalScore: nil, reviewBy: nil)) == nil)
        #expect(table.index(of: "") == 5000)
        #expect(table[5000].domainTiers == [-1, -1, -1, -1, -1])
    }

    /// A rule set with more than 32 flags gets rows of two flag words; with
    /// fewer, flags past the 32nd (learned later from score output) are
    /// kept aside. Either way, every flag comes back.
    @Test func flagsPastTheThirtySecondComeBack() {
        let many = AssessmentVocabulary(tiers: ["low"], models: ["m"], domains: ["d"], flags: (0..<40).map { "f\($0)" })
        for vocabulary in [many, self.vocabulary] {
            let table = PatientTable(vocabulary: vocabulary)
            let flags: [UInt64] = [0, 1, 1 << 31, 1 << 32, 1 << 39 | 1, .max]
            for (i, flag) in flags.enumerated() {
                table.insert(Assessment(identifier: "P\(i)", tier: 0, model: 0, domainTiers: [0], flags: flag, totalScore: nil, reviewBy: nil))
            }
            #expect(flags.indices.map(table.flags) == flags)
        }
    }

    /// A repeat names the earlier record of its own side: the previous
    /// side's while its table is built, the current side's once joined
    /// (not the previous side's number for the same patient).
    @Test func repeatsNameTheEarlierRecordOfTheirSide() {
        func numbered(_ value: Assessment, _ number: Int, _ body: (AssessmentRecord) -> Int?) -> Int? {
            AssessmentRecord.with(value, domains: 5) { record in
                var record = record
                record.recordNumber = number
                return body(record)
            }
        }
        let builder = PatientTableBuilder()
        #expect(numbered(patient("A", tier: 0), 2) { builder.add($0, vocabulary: vocabulary) } == nil)
        #expect(numbered(patient("B", tier: 1), 3) { builder.add($0, vocabulary: vocabulary) } == nil)
        #expect(numbered(patient("A", tier: 2), 5) { builder.add($0, vocabulary: vocabulary) } == 2)
        let table = builder.finish(vocabulary: vocabulary)
        #expect(builder.duplicates == 1)
        #expect(table.record(0) == 2 && table.record(1) == 3)
        let tracker = Tracker(previous: table, scale: program.tiers.values)
        func add(_ value: Assessment, _ number: Int) -> Int? {
            numbered(value, number) { record in
                _ = tracker.add(record, vocabulary: vocabulary)
                return tracker.lastRepeated
            }
        }
        #expect(add(patient("B", tier: 1), 7) == nil)
        #expect(add(patient("NEW", tier: 1), 8) == nil)
        #expect(add(patient("B", tier: 3), 11) == 7)
        #expect(add(patient("NEW", tier: 0), 12) == 8)
        #expect(add(patient("A", tier: 0), 13) == nil)
        let report = tracker.finish(current: vocabulary, rejectedPrevious: 0, rejectedCurrent: 0, duplicatePrevious: builder.duplicates)
        #expect(report.records == .init(both: 2, new: 1, departed: 0, rejectedPrevious: 0, rejectedCurrent: 0, duplicatePrevious: 1, duplicateCurrent: 2))
    }

    @Test func aRecordReadInPlaceIsTheAssessmentWritten() {
        let value = Assessment(identifier: "P,ü", tier: 3, model: 1, domainTiers: [0, -1, 2], flags: 1 << 63 | 1, totalScore: nil, reviewBy: -3)
        AssessmentRecord.with(value, domains: 3) { record in
            #expect(record.assessment == value)
            #expect(record.identifierHash == value.identifierHash)
            #expect(record.bytes.count == AssessmentRecord.fixedSize(domains: 3) + 4)
        }
        let scored = Assessment(identifier: "X", tier: 0, model: 0, domainTiers: [1], flags: 0, totalScore: 7.5, reviewBy: 20_000)
        AssessmentRecord.with(scored, domains: 1) { #expect($0.assessment == scored) }
    }

    @Test func regressionCautionNeedsALargeShareOfEnoughPatients() {
        var report = TrackReport(tierTransitions: .init(rows: [], columns: [], counts: []), modelTransitions: .init(rows: [], columns: [], counts: []))
        report.topTiers = ["high", "very_high"]
        report.previousHighest = 9
        report.highestFell = 9
        #expect(report.regressionCaution == nil)
        report.previousHighest = 40
        report.highestFell = 9
        #expect(report.regressionCaution == nil)
        report.highestFell = 10
        #expect(report.regressionCaution?.hasPrefix("25% of the patients at very_high before (10 of 40) are lower now.") == true)
    }

    @Test func scoreOutputIsReadBackFromCSVAndNDJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("s.csv").path
        try """
        patient_id,clinical_score,clinical_tier,mental_health_score,mental_health_tier,total_score,tier,model,flags,missing,review_by
        "P,1",3,moderate,4,high,7,high,old_model,self_harm_risk;homeless,,2026-05-01
        P2,0,low,0,low,0,low,brokerage,,age,

        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let ndjson = directory.appendingPathComponent("s.ndjson").path
        try """
        {"patient_id":"P,1","clinical_score":3,"clinical_tier":"moderate","mental_health_score":4,"mental_health_tier":"high","total_score":7,"tier":"high","model":"old_model","flags":["self_harm_risk","homeless"],"missing":[],"review_by":"2026-05-01"}
        {"patient_id":"P2","clinical_score":0,"clinical_tier":"low","mental_health_score":0,"mental_health_tier":"low","total_score":0,"tier":"low","model":"brokerage","flags":[],"missing":["age"],"review_by":null}

        """.write(toFile: ndjson, atomically: true, encoding: .utf8)
        for (path, format) in [(csv, IntakeFormat.csv), (ndjson, .ndjson)] {
            #expect(try ScoredFileReader.isScoreOutput(path: path, format: format, identifierName: "patient_id"))
            let reader = ScoredFileReader(path: path, format: format, program: program)
            var read: [Assessment] = []
            try reader.read { read.append($0) }
            #expect(reader.vocabulary.domains == ["clinical", "mental_health"])
            #expect(reader.vocabulary.models == ["intensive", "clinical", "strengths_based", "brokerage", "old_model"])
            #expect(read.map(\.identifier) == ["P,1", "P2"])
            #expect(read.map(\.tier) == [2, 0])
            #expect(read.map(\.model) == [4, 3])
            #expect(read.map(\.domainTiers) == [[1, 2], [0, 0]])
            #expect(read[0].hasFlag(0) && read[0].hasFlag(2) && !read[0].hasFlag(1))
            #expect(read.map(\.reviewBy) == [ISODate.parse("2026-05-01"), nil])
        }
        #expect(try !ScoredFileReader.isScoreOutput(path: CLIPath.sample, format: .csv, identifierName: "patient_id"))
    }

    @Test func brokenScoreOutputNamesTheLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("s.csv").path
        try "patient_id,total_score,tier,model,review_by\nP1,3,,brokerage,\nP2,1,low,brokerage,2026-13-01\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let reader = ScoredFileReader(path: csv, format: .csv, program: program)
        #expect(throws: BatchError.self) { try reader.read { _ in } }
        do {
            try reader.read { _ in }
        } catch {
            #expect(error.description == "\(csv):2: error: record 1 (patient_id P1): 'tier' is empty or absent")
        }
    }

    /// The CSV path reads fields in place (a quoted one through the
    /// scanner's scratch space): escaped quotes in any column, and the same
    /// refusals, with the same words, as the NDJSON path.
    @Test func scoreOutputInPlaceMatchesTheRowPath() throws {
        let folder = try ScratchFolder()
        let csv = try folder.write("s.csv", "patient_id,total_score,tier,model,flags,review_by\n\"P\"\"3\",1,low,\"new \"\"model\"\"\",\"a;b\",2026-01-02\n")
        let ndjson = try folder.write(
            "s.ndjson", #"{"patient_id":"P\"3","total_score":1,"tier":"low","model":"new \"model\"","flags":["a","b"],"review_by":"2026-01-02"}"# + "\n")
        for (path, format) in [(csv, IntakeFormat.csv), (ndjson, .ndjson)] {
            let reader = ScoredFileReader(path: path, format: format, program: program)
            var read: [Assessment] = []
            try reader.read { read.append($0) }
            #expect(read.map(\.identifier) == ["P\"3"], "\(format)")
            #expect(reader.vocabulary.models.last == "new \"model\"", "\(format)")
            #expect(read.first?.model == reader.vocabulary.models.count - 1)
            #expect(Array(reader.vocabulary.flags.suffix(2)) == ["a", "b"], "\(format)")
            #expect(read.first?.reviewBy == ISODate.parse("2026-01-02"))
        }
        let rows: [(csv: String, ndjson: String, message: String)] = [
            (
                "P1,3,low,brokerage,2026-13-01", #"{"patient_id":"P1","total_score":3,"tier":"low","model":"brokerage","review_by":"2026-13-01"}"#,
                "record 1 (patient_id P1): review_by '2026-13-01' is not a date (YYYY-MM-DD)"
            ),
            (
                "P1,3,low,,", #"{"patient_id":"P1","total_score":3,"tier":"low","model":"","review_by":null}"#,
                "record 1 (patient_id P1): 'model' is empty or absent"
            ),
            (
                ",3,low,brokerage,", #"{"patient_id":"","total_score":3,"tier":"low","model":"brokerage","review_by":null}"#,
                "record 1 (patient_id ): 'patient_id' is empty or absent"
            ),
        ]
        for row in rows {
            let csv = try folder.write("bad.csv", "patient_id,total_score,tier,model,review_by\n\(row.csv)\n")
            let ndjson = try folder.write("bad.ndjson", row.ndjson + "\n")
            for (path, format) in [(csv, IntakeFormat.csv), (ndjson, .ndjson)] {
                let line = format == .csv ? 2 : 1
                do {
                    try ScoredFileReader(path: path, format: format, program: program).read { _ in }
                    Issue.record("\(format): \(row.message) was not reported")
                } catch {
                    #expect(error.description == "\(path):\(line): error: \(row.message)")
                }
            }
        }
    }
}

/// Score output read on several threads, a chunk each, is what reading it
/// row by row gives: the same assessments, the names learned in the same
/// order (new ones first named in any chunk, again in later ones), and the
/// same first error, for any threads and chunk sizes.
@Suite struct ChunkedScoreOutputTests {
    let program = Fixture.defaultProgram

    static func file(rows: Int, edit: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "patient_id,clinical_score,clinical_tier,housing_tier,total_score,tier,model,flags,missing,review_by\n"
        let tiers = ["low", "moderate", "high", "very_high"]
        let models = ["intensive", "clinical", "strengths_based", "brokerage"]
        let flags = ["", "homeless", "self_harm_risk;homeless", "interpersonal_safety"]
        for row in 1...rows {
            var fields = [
                row % 97 == 0 ? "\"Q\"\"\(row),x\"" : "P\(row)", "\(row % 7)", tiers[row % 4], tiers[(row / 3) % 4], "\(Double(row % 50) / 2)",
                tiers[(row / 5) % 4], models[row % 4], flags[row % 4], "", row % 11 == 0 ? "" : "2026-0\(1 + row % 9)-1\(row % 10)",
            ]
            edit(row, &fields)
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    func rowByRow(_ path: String) -> (records: [Assessment], vocabulary: AssessmentVocabulary, error: String?) {
        let reader = ScoredFileReader(path: path, format: .csv, program: program)
        var records: [Assessment] = []
        do {
            try reader.read { records.append($0) }
            return (records, reader.vocabulary, nil)
        } catch {
            return (records, reader.vocabulary, error.description)
        }
    }

    func chunked(_ path: String, jobs: Int, chunkBytes: Int) -> (records: [Assessment], vocabulary: AssessmentVocabulary, error: String?) {
        let reader = ScoredFileReader(path: path, format: .csv, program: program)
        nonisolated(unsafe) var records: [Assessment] = []
        do {
            try reader.readRecords(jobs: jobs, chunkOptions: ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: chunkBytes)) {
                records.append($0.assessment)
            }
            return (records, reader.vocabulary, nil)
        } catch {
            return (records, reader.vocabulary, error.description)
        }
    }

    static let layouts = [(1, 1 << 20), (2, 1 << 10), (4, 333), (3, 64 << 10)]

    @Test func newNamesInAnyChunkAreLearnedInOrder() throws {
        let folder = try ScratchFolder()
        let path = try folder.write(
            "s.csv",
            Self.file(rows: 3000) { row, fields in
                if row == 5 || row == 2200 { fields[5] = "odd" }  // a tier the rules lack, again much later
                if row >= 1500 && row % 50 == 0 { fields[6] = "legacy" }
                if row == 700 { fields[3] = "unknown_tier" }  // a domain's tier
                if row == 2900 || row == 10 { fields[7] = "newflag;homeless" }
                if row == 2950 { fields[7] = "zeta;alpha;newflag" }
            })
        let reference = rowByRow(path)
        #expect(reference.error == nil)
        #expect(reference.records.count == 3000)
        #expect(reference.vocabulary.tiers == ["low", "moderate", "high", "very_high", "odd", "unknown_tier"])
        #expect(reference.vocabulary.models.last == "legacy")
        #expect(Array(reference.vocabulary.flags.suffix(3)) == ["newflag", "zeta", "alpha"])
        for (jobs, chunkBytes) in Self.layouts {
            let read = chunked(path, jobs: jobs, chunkBytes: chunkBytes)
            #expect(read.error == nil)
            #expect(read.vocabulary == reference.vocabulary, "jobs \(jobs), chunks of \(chunkBytes)")
            #expect(read.records == reference.records, "jobs \(jobs), chunks of \(chunkBytes)")

        }
    }

    @Test func theFirstErrorIsTheRowByRowOne() throws {
        let folder = try ScratchFolder()
        let cases: [(String, (Int, inout [String]) -> Void)] = [
            ("bad review_by", { row, fields in if row == 2000 || row == 2500 { fields[9] = "2026-13-01" } }),
            ("empty tier", { row, fields in if row == 1234 { fields[5] = "" } }),
            ("empty domain tier", { row, fields in if row == 77 { fields[3] = "" } }),
            ("empty identifier", { row, fields in if row == 2999 { fields[0] = "" } }),
            ("ragged row", { row, fields in if row == 1800 { fields.append("extra") } }),
            (
                "a new name, then a bad row",
                { row, fields in
                    if row == 900 { fields[6] = "legacy" }
                    if row == 901 { fields[9] = "x" }
                }
            ),
            // The 65th flag (the rules have 3): one new flag a row from row 1000.
            ("too many flags", { row, fields in if row >= 1000 && row < 1100 { fields[7] = "f\(row)" } }),
            // The 256th tier name (the rules have 4), in a domain's column.
            ("too many tiers", { row, fields in if row >= 1000 && row < 1300 { fields[3] = "t\(row)" } }),
            ("too many models", { row, fields in if row >= 500 && row < 800 { fields[6] = "m\(row)" } }),
        ]
        for (name, edit) in cases {
            let path = try folder.write("bad.csv", Self.file(rows: 3000, edit: edit))
            let reference = rowByRow(path)
            #expect(reference.error != nil, "\(name)")
            for (jobs, chunkBytes) in Self.layouts {
                #expect(chunked(path, jobs: jobs, chunkBytes: chunkBytes).error == reference.error, "\(name): jobs \(jobs), chunks of \(chunkBytes)")
            }
        }
    }
}

enum CLIPath {
    static let sample = Fixture.root + "/Samples/intake.csv"
}
