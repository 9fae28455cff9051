import StratifyTestSupport
import Glibc
import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML
import Testing

/// `DiffRunner` on the acceptance fixtures with small edits of the default
/// rule set: every count is checked against two independent `score` runs.
@Suite struct DiffRunnerTests {
    static let csv = RepositoryFixtures.fixture("acceptance/reference-2k.csv")
    static let ndjson = RepositoryFixtures.fixture("acceptance/reference-1k.ndjson")

    @Test func changingPointsMovesTiersAsTwoScoreRunsSay() throws {
        let candidate = try Self.edit(
            "      - id: clinical.lace_high\n        when: lace >= 10\n        points: 4",
            to: "      - id: clinical.lace_high\n        when: lace >= 10\n        points: 6")
        let report = try Self.diff(candidate, [Self.csv])
        try Self.expectMatchesScoreRuns(report, candidate, [Self.csv])
        #expect(report.changed > 0)
        #expect(report.rulesChanged == 0)
        let clinical = try #require(report.domains.first { $0.name == "clinical" })
        let laceHigh = try #require(report.rules.first { $0.id == "clinical.lace_high" })
        #expect(clinical.up == laceHigh.firedOld)
        #expect(clinical.down == 0)
        #expect(clinical.totalChange == 2 * laceHigh.firedOld)
        #expect(report.domains.filter { $0.name != "clinical" }.allSatisfy { $0.up == 0 && $0.down == 0 })
    }

    @Test func movingABandBoundaryGivesTheSameReportForAnyJobsAndChunking() throws {
        let candidate = try Self.edit(
            "tiers: {low: 0..5, moderate: 6..11, high: 12..17, very_high: 18..}",
            to: "tiers: {low: 0..4, moderate: 5..10, high: 11..17, very_high: 18..}")
        let one = try Self.diff(candidate, [Self.ndjson], jobs: 1)
        #expect(try Self.diff(candidate, [Self.ndjson], jobs: 2, chunkBytes: 4096).json() == one.json())
        let alone = try Self.diff(candidate, [Self.csv], jobs: 1)
        let many = try Self.diff(candidate, [Self.ndjson, Self.csv], jobs: 2, chunkBytes: 4096)
        #expect(many.records == one.records + alone.records)
        #expect(many.changed == one.changed + alone.changed)
        #expect(many.tierMigration.counts == zip(one.tierMigration.counts, alone.tierMigration.counts).map { zip($0, $1).map(+) })
        #expect(many.modelMigration.counts == zip(one.modelMigration.counts, alone.modelMigration.counts).map { zip($0, $1).map(+) })
        #expect(many.rules.map(\.firedNew) == zip(one.rules, alone.rules).map { $0.firedNew + $1.firedNew })
        try Self.expectMatchesScoreRuns(one, candidate, [Self.ndjson])
        #expect(one.tierMigration["moderate", "low"] == 0)
        #expect(one.tierMigration["low", "moderate"] > 0)
    }

    @Test func aNarrowerSchemaRejectsRecordsOnTheNewSideOnly() throws {
        let candidate = try Self.edit(
            "phq9_total:                 {type: integer, min: 0, max: 27,",
            to: "phq9_total:                 {type: integer, min: 0, max: 20,")
        let report = try Self.diff(candidate, [Self.csv])
        try Self.expectMatchesScoreRuns(report, candidate, [Self.csv])
        let old = try Self.score(RepositoryFixtures.defaultProgram, [Self.csv])
        let new = try Self.score(candidate, [Self.csv])
        #expect(report.rejected.newOnly == old.count - new.count)
        #expect(report.rejected.newOnly > 0)
        #expect(report.rejected.oldOnly == 0)
        #expect(report.rejected.both == 2000 - old.count)
        #expect(report.read == 2000)
        #expect(report.records + report.rejected.newOnly + report.rejected.both == report.read)
        // By their old tier, summing to the count.
        #expect(report.rejected.newOnlyByOldTier.values.reduce(0, +) == report.rejected.newOnly)
        let droppedHigh = old.values.filter { new[$0.id] == nil && $0.tier == "high" }.count
        #expect(report.rejected.newOnlyByOldTier["high"] == droppedHigh)
    }

    @Test func rulesInOneFileOnlyCountZeroOnTheOtherSide() throws {
        var text = try Self.edit(
            "      - id: support.transportation\n        when: transportation_barrier\n        points: 1",
            to: "      - id: support.very_lonely\n        when: loneliness == always\n        points: 1", text: true)
        text = text.replacing("because: Lack of transportation has kept the person from care.", with: "because: Always lonely.")
        let candidate = try RuleCompiler.program(SourceFile(path: "candidate.yaml", text: text))
        let report = try Self.diff(candidate, [Self.csv])
        try Self.expectMatchesScoreRuns(report, candidate, [Self.csv])
        let removed = try #require(report.rules.first { $0.id == "support.transportation" })
        let added = try #require(report.rules.first { $0.id == "support.very_lonely" })
        #expect((removed.inOld, removed.inNew, removed.firedNew) == (true, false, 0))
        #expect((added.inOld, added.inNew, added.firedOld) == (false, true, 0))
        #expect(removed.firedOld > 0 && added.firedNew > 0)
        #expect(removed.changed == removed.firedOld)
        #expect(report.rules.last?.id == "support.very_lonely")
    }

    @Test func identicalRulesChangeNothing() throws {
        let report = try Self.diff(RepositoryFixtures.defaultProgram, [Self.csv], jobs: 2)
        #expect(report.changed == 0)
        #expect(report.outputsChanged == 0)
        #expect(report.rulesChanged == 0)
        #expect(report.tierMigration.rows == ["low", "moderate", "high", "very_high"])
        #expect(report.tierMigration.columns == report.tierMigration.rows)
        let diagonal = report.tierMigration.rows.map { report.tierMigration[$0, $0] }.reduce(0, +)
        #expect(diagonal == report.records)
        #expect(report.rules.allSatisfy { $0.firedOld == $0.firedNew && $0.changed == 0 })
        #expect(report.domains.allSatisfy { $0.same == report.records })
    }

    @Test func changesListEveryChangedRecordInInputOrder() throws {
        let candidate = try Self.edit("when: 100 <= income_pct_fpl < 200", to: "when: 100 <= income_pct_fpl < 300")
        let path = RepositoryFixtures.temporaryPath(suffix: ".ndjson")
        defer { unlink(path) }
        let sink = try ByteSink.createFile(path)
        let report = try DiffRunner(old: RepositoryFixtures.defaultProgram, new: candidate, jobs: 2, chunkOptions: ChunkerOptions(targetChunkBytes: 8192))
            .run(inputs: [Self.csv], formats: [.csv], changes: DiffChangesOutput(sink: sink, format: .ndjson))
        try sink.close()
        let lines = RepositoryFixtures.read(path).split(separator: "\n")
        #expect(lines.count == report.changed)
        let old = try Self.score(RepositoryFixtures.defaultProgram, [Self.csv])
        let new = try Self.score(candidate, [Self.csv])
        let changedIds = old.values.filter { record in
            guard let other = new[record.id] else { return false }
            return other.tier != record.tier || other.model != record.model
        }.map(\.id)
        #expect(Set(lines.map { Self.field("patient_id", in: $0) }) == Set(changedIds))
        let numbers = lines.map { Int(Self.field("record", in: $0))! }
        #expect(numbers == numbers.sorted())
        #expect(lines.allSatisfy { $0.contains(#"{"id":"financial.near_poverty","old":"not_fired","new":"fired"}"#) || !$0.contains("near_poverty") })
    }

    // MARK: - Helpers

    /// The default rule set with one piece of text replaced.
    static func edit(_ old: String, to new: String) throws -> Program {
        try RuleCompiler.program(SourceFile(path: "candidate.yaml", text: try edit(old, to: new, text: true)))
    }

    static func edit(_ old: String, to new: String, text: Bool) throws -> String {
        let original = RepositoryFixtures.read(RepositoryFixtures.path("Rules/default.yaml"))
        let edited = original.replacing(old, with: new)
        try #require(edited != original, "the edit must change the rule file")
        return edited
    }

    static func diff(_ candidate: Program, _ inputs: [String], jobs: Int = 1, chunkBytes: Int = 1 << 20) throws -> DiffReport {
        let options = ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: min(chunkBytes, 256 << 10))
        return try DiffRunner(old: RepositoryFixtures.defaultProgram, new: candidate, jobs: jobs, chunkOptions: options)
            .run(inputs: inputs, formats: inputs.map { IntakeFormat.detect(path: $0)! })
    }

    struct Scored {
        var id: String
        var tier: String
        var model: String
        var fired: [String]
        var total: Int
    }

    /// A `score --explain` run, by patient id.
    static func score(_ program: Program, _ inputs: [String]) throws -> [String: Scored] {
        let path = RepositoryFixtures.temporaryPath(suffix: ".csv")
        let rejects = RepositoryFixtures.temporaryPath(suffix: ".rejects")
        defer {
            unlink(path)
            unlink(rejects)
        }
        let sink = try ByteSink.createFile(path)
        let runner = BatchRunner(program: program, jobs: 1) { ScoreFormatter(program: program, format: .csv, fired: true) }
        _ = try runner.run(
            inputs: inputs, formats: inputs.map { IntakeFormat.detect(path: $0)! }, output: sink,
            rejects: RejectSink(sink: try ByteSink.createFile(rejects), format: .csv, identifierName: "patient_id"))
        try sink.close()
        let lines = RepositoryFixtures.read(path).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        var records: [String: Scored] = [:]
        for line in lines.dropFirst() {
            let id = line[column("patient_id")]
            records[id] = Scored(
                id: id, tier: line[column("tier")], model: line[column("model")],
                fired: line[column("fired")].split(separator: ";").map(String.init), total: Int(line[column("total_score")])!)
        }
        return records
    }

    /// The report's matrices, counts and rule counts against two score runs.
    static func expectMatchesScoreRuns(
        _ report: DiffReport, _ candidate: Program, _ inputs: [String],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let old = try score(RepositoryFixtures.defaultProgram, inputs)
        let new = try score(candidate, inputs)
        let both = old.values.filter { new[$0.id] != nil }
        #expect(report.records == both.count, sourceLocation: sourceLocation)
        var tiers: [String: Int] = [:]
        var models: [String: Int] = [:]
        var firedOld: [String: Int] = [:]
        var firedNew: [String: Int] = [:]
        var changed = 0
        var up = 0
        for record in both {
            let other = new[record.id]!
            tiers["\(record.tier)>\(other.tier)", default: 0] += 1
            models["\(record.model)>\(other.model)", default: 0] += 1
            for id in record.fired { firedOld[id, default: 0] += 1 }
            for id in other.fired { firedNew[id, default: 0] += 1 }
            if record.tier != other.tier || record.model != other.model { changed += 1 }
            if other.total > record.total { up += 1 }
        }
        for row in report.tierMigration.rows {
            for column in report.tierMigration.columns {
                #expect(report.tierMigration[row, column] == tiers["\(row)>\(column)"] ?? 0, "tier \(row) → \(column)", sourceLocation: sourceLocation)
            }
        }
        for row in report.modelMigration.rows {
            for column in report.modelMigration.columns {
                #expect(report.modelMigration[row, column] == models["\(row)>\(column)"] ?? 0, "model \(row) → \(column)", sourceLocation: sourceLocation)
            }
        }
        #expect(report.changed == changed, sourceLocation: sourceLocation)
        #expect(report.totalScore.up == up, sourceLocation: sourceLocation)
        for rule in report.rules {
            #expect(rule.firedOld == firedOld[rule.id] ?? 0, "\(rule.id) old", sourceLocation: sourceLocation)
            #expect(rule.firedNew == firedNew[rule.id] ?? 0, "\(rule.id) new", sourceLocation: sourceLocation)
        }
    }

    static func field(_ key: String, in line: Substring) -> String {
        let marker = "\"\(key)\":"
        guard let range = line.firstRange(of: marker) else { return "" }
        var rest = line[range.upperBound...]
        if rest.first == "\"" {
            rest = rest.dropFirst()
            return String(rest.prefix { $0 != "\"" })
        }
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }
}
