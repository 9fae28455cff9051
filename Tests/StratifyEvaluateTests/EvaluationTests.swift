import Foundation
import Testing
import StratifyBatch
@testable import StratifyEvaluate
import StratifyRules
import StratifyTestSupport

enum Fixture {
    static var root: String { RepositoryFixtures.root }
    static var defaultProgram: Program { RepositoryFixtures.defaultProgram }

    static func temporaryFile(_ text: String, suffix: String = ".csv") -> String {
        RepositoryFixtures.temporaryFile(text, prefix: "stratify-evaluate", suffix: suffix)
    }
}

/// A scored record as an `EvaluationFormatter` would write it.
struct FakeRecord {
    var id: String
    var total: Double
    var tier: Int
    var model: Int
    var groups: [UInt8] = []
    var fired: [Int] = []

    func bytes(_ layout: EvaluationLayout) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: layout.fixedSize)
        withUnsafeBytes(of: UInt32(id.utf8.count)) { bytes.replaceSubrange(0..<4, with: $0) }
        bytes[4] = UInt8(tier)
        bytes[5] = UInt8(model)
        withUnsafeBytes(of: total) { bytes.replaceSubrange(6..<14, with: $0) }
        for (k, value) in groups.enumerated() { bytes[14 + k] = value }
        for rule in fired { bytes[14 + groups.count + rule / 8] |= 1 << UInt8(rule % 8) }
        return bytes + Array(id.utf8)
    }
}

@Suite struct EvaluationTests {
    let program = Fixture.defaultProgram
    let low = 0, moderate = 1, high = 2, veryHigh = 3

    /// Nine patients with an outcome (4 events), one without a row, one
    /// lost to follow-up, one outcome row with no record. Low holds no
    /// event; totals tie across outcomes at 7.
    func population() -> [(FakeRecord, String?)] {
        [
            (FakeRecord(id: "A", total: 2, tier: low, model: 3, groups: [0]), "0"),
            (FakeRecord(id: "B", total: 2, tier: low, model: 3, groups: [0]), "0"),
            (FakeRecord(id: "C", total: 5, tier: low, model: 3, groups: [0]), "0"),
            (FakeRecord(id: "D", total: 7, tier: moderate, model: 2, groups: [0], fired: [0]), "1"),
            (FakeRecord(id: "E", total: 7, tier: moderate, model: 2, groups: [0]), "0"),
            (FakeRecord(id: "F", total: 7, tier: moderate, model: 2, groups: [1]), "0"),
            (FakeRecord(id: "G", total: 13, tier: high, model: 1, groups: [1], fired: [0]), "1"),
            (FakeRecord(id: "H", total: 13, tier: high, model: 1, groups: [1]), "1"),
            (FakeRecord(id: "I", total: 20, tier: veryHigh, model: 0, groups: [1], fired: [0]), "1"),
            (FakeRecord(id: "J", total: 20, tier: veryHigh, model: 0, groups: [1]), nil),
            (FakeRecord(id: "K", total: 20, tier: veryHigh, model: 0, groups: [1]), ""),
        ]
    }

    /// The same patients with a cost: low 10, 20, 30; moderate 40, 50, 60;
    /// high 100, 300; very_high 1000 (J and K without one).
    func costs() -> [(FakeRecord, String?)] {
        let values = ["10", "20", "30", "40", "50", "60", "100", "300", "1000", nil, ""]
        return zip(population(), values).map { ($0.0, $1) }
    }

    func evaluate(minCell: Int, candidate: [String: FakeRecord]? = nil, patients: [(FakeRecord, String?)]? = nil) throws -> EvaluationReport {
        let patients = patients ?? population()
        var outcomes = "patient_id,admitted_90d\n"
        for (record, outcome) in patients {
            if let outcome { outcomes += "\(record.id),\(outcome)\n" }
        }
        outcomes += "Z,1\n"
        let path = Fixture.temporaryFile(outcomes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = OutcomeTable()
        let type = try OutcomeReader(path: path, format: .csv, identifierName: "patient_id", outcomeName: "admitted_90d", type: nil).read(into: table)
        let field = try GroupField.named("insurance", in: program).get()
        let accumulator = EvaluationAccumulator(
            program: program, candidate: candidate == nil ? nil : program, outcomes: table, type: type, fields: [field])
        let layouts = accumulator.layouts
        let decoder = EvaluationDecoder(layouts: layouts, onRecord: accumulator.add)
        var bytes: [UInt8] = []
        for (record, _) in patients {
            bytes += record.bytes(layouts[0])
            if let candidate { bytes += candidate[record.id]!.bytes(layouts[1]) }
        }
        // In two writes cut mid-record, as the pipeline may deliver them.
        bytes.withUnsafeBytes { all in
            decoder.consume(UnsafeRawBufferPointer(rebasing: all[..<17]))
            decoder.consume(UnsafeRawBufferPointer(rebasing: all[17...]))
        }
        #expect(decoder.isComplete)
        accumulator.finishRecords()
        return accumulator.report(minCell: minCell, outcomeName: "admitted_90d")
    }

    @Test func everyFigureOfAHandComputedPopulation() throws {
        let report = try evaluate(minCell: 0)
        #expect(
            report.records
                == {
                    var r = RecordCounts()
                    r.scored = 11
                    r.withOutcome = 9
                    r.withoutOutcome = 2
                    r.outcomesUnmatched = 1
                    return r
                }())
        let f = report.current.figures
        #expect(f.n == 9 && f.events == 4)
        #expect(f.rate == 4.0 / 9)
        #expect(f.tiers.map(\.n) == [3, 3, 2, 1])
        #expect(f.tiers.map(\.events) == [0, 1, 2, 1])
        // A tier with no events: rate 0, Wilson interval from 0.
        #expect(f.tiers[0].rate == 0)
        let z2 = Statistics.z * Statistics.z
        let upper = 2 * (z2 / 6) / (1 + z2 / 3)
        #expect(abs(f.tiers[0].ci95!.0) < 1e-15 && abs(f.tiers[0].ci95!.1 - upper) < 1e-15)
        // Wilson for 1 of 3 by the formula.
        let p = 1.0 / 3, d = 1 + z2 / 3, c = (p + z2 / 6) / d, h = Statistics.z / d * (p * (1 - p) / 3 + z2 / 36).squareRoot()
        #expect(abs(f.tiers[1].ci95!.0 - (c - h)) < 1e-15 && abs(f.tiers[1].ci95!.1 - (c + h)) < 1e-15)

        #expect(f.thresholds.map(\.atLeast) == ["moderate", "high", "very_high"])
        #expect(f.thresholds.map(\.flagged) == [6, 3, 1])
        #expect(f.thresholds.map(\.events) == [4, 3, 1])
        #expect(f.thresholds.map(\.sensitivity) == [1, 0.75, 0.25])
        #expect(f.thresholds.map(\.specificity) == [0.6, 1, 1])
        #expect(f.thresholds.map(\.ppv) == [4.0 / 6, 1, 1])
        #expect(f.thresholds.map { $0.lift! }.enumerated().allSatisfy { abs($1 - [1.5, 2.25, 2.25][$0]) < 1e-12 })

        // Worked by hand: V10 = 0.8, 1, 1, 1; V01 = 1, 1, 1, 0.875, 0.875.
        let cTotal = try #require(f.cTotalScore)
        #expect(abs(cTotal.value - 0.95) < 1e-15)
        #expect(abs(cTotal.standardError! - 0.0034375.squareRoot()) < 1e-15)
        #expect(abs(cTotal.ci95!.1 - (0.95 + 1.96 * 0.0034375.squareRoot())) < 1e-15)
        #expect(abs(f.cTier!.value - 0.95) < 1e-15)

        #expect(f.models.map(\.n) == [1, 2, 3, 3])
        #expect(f.models.map(\.events) == [1, 2, 1, 0])
        let rule = f.rules[0]
        #expect(rule.fired == 3 && rule.eventsFired == 3 && rule.notFired == 6 && rule.eventsNotFired == 1)
        #expect(rule.rateFired == 1 && rule.rateNotFired == 1.0 / 6 && rule.lift == 2.25)
        #expect(f.rules[1].fired == 0 && f.rules[1].rateFired == nil && f.rules[1].lift == nil)

        #expect(f.bands.map(\.n) == [3, 3, 2, 1])
        #expect(f.bands.map(\.lower) == [0, 6, 12, 18])
        #expect(f.scores.map(\.name) == ["2", "5", "7", "13", "20"])
        #expect(f.scores.map(\.n) == [2, 1, 3, 2, 1])
        #expect(f.scores.map(\.events) == [0, 0, 1, 2, 1])

        // Groups: every value of the field, an empty one included.
        let groups = report.current.groups
        #expect(
            groups.map(\.value)
                == program.inputs.first { $0.name == "insurance" }.map {
                    guard case .enumeration(let type) = $0.type else { return [] }
                    return type.values
                })
        #expect(groups.map(\.figures.n) == [5, 4] + Array(repeating: 0, count: groups.count - 2))
        #expect(groups[0].figures.events == 1 && groups[1].figures.events == 3)
        #expect(groups[2].figures.cTotalScore == nil && groups[2].figures.rate == nil)
    }

    @Test func aNumericOutcomeByTierModelAndRule() throws {
        let report = try evaluate(minCell: 0, patients: costs())
        #expect(report.outcomeType == .number)
        let f = report.current.figures
        #expect(f.n == 9 && f.total == 1610 && f.mean == 1610.0 / 9 && f.median == 50)
        #expect(f.tiers.map(\.n) == [3, 3, 2, 1])
        #expect(f.tiers.map(\.total) == [60, 150, 400, 1000])
        #expect(f.tiers.map(\.mean) == [20, 50, 200, 1000])
        // An even count: the mean of the middle two.
        #expect(f.tiers.map(\.median) == [20, 50, 200, 1000])
        let shares: [Double?] = [60, 150, 400, 1000].map { $0 / 1610 }
        #expect(f.tiers.map(\.share) == shares)
        #expect(f.models.map(\.n) == [1, 2, 3, 3] && f.models[3].total == 60)
        // Rule 0 fired for D (40), G (100), I (1000).
        #expect(f.rules[0].fired == 3 && f.rules[0].meanFired == 380 && f.rules[0].meanNotFired == 470.0 / 6)
        // Spearman: totals 2,2,5,7,7,7,13,13,20 against increasing costs.
        let ranks: [Double] = [1.5, 1.5, 3, 5, 5, 5, 7.5, 7.5, 9]
        let costRanks: [Double] = (1...9).map(Double.init)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in 0..<9 {
            sxy += (ranks[k] - 5) * (costRanks[k] - 5)
            sxx += (ranks[k] - 5) * (ranks[k] - 5)
            syy += (costRanks[k] - 5) * (costRanks[k] - 5)
        }
        #expect(abs(f.spearman! - sxy / (sxx * syy).squareRoot()) < 1e-15)
        #expect(f.cTotalScore == nil && f.thresholds.isEmpty)
        let json = report.json()
        #expect(json.contains(#"{"tier": "high", "n": 2, "mean": 200.0, "median": 200.0, "total": 400.0, "share": 0.2484472049689441, "suppressed": false}"#))
    }

    @Test func smallCellsAreHiddenWithWhatIsComputedFromThem() throws {
        let report = try evaluate(minCell: 3)
        let f = report.current.figures
        // 1 and 2 are hidden, 0 and 3 shown.
        #expect(f.tiers.map(\.n) == [3, 3, nil, nil])
        #expect(f.tiers.map(\.events) == [0, nil, nil, nil])
        #expect(f.tiers.map(\.rate) == [0, nil, nil, nil])
        #expect(f.tiers.map(\.suppressed) == [false, true, true, true])
        #expect(f.tiers[1].ci95 == nil)
        #expect(f.thresholds[0].flagged == 6 && f.thresholds[0].events == 4 && f.thresholds[0].specificity == nil)
        #expect(f.thresholds[0].sensitivity == 1 && f.thresholds[0].suppressed)
        #expect(f.thresholds[2].flagged == nil && f.thresholds[2].ppv == nil && f.thresholds[2].sensitivity == nil)
        #expect(f.rules[0].fired == 3 && f.rules[0].eventsNotFired == nil && f.rules[0].rateNotFired == nil)
        #expect(f.rules[0].rateFired == 1)
        let json = report.json()
        #expect(json.contains(#"{"tier": "high", "n": null, "events": null, "rate": null, "ci95": null, "suppressed": true}"#))
        #expect(report.text().contains("  high       <3      <3     -           -\n"))
    }

    @Test func aCandidateIsComparedOnTheSamePatients() throws {
        // The candidate moves D (an event) up to high, E (a non-event) down
        // to low, and gives everyone else the same total and tier.
        var candidate: [String: FakeRecord] = [:]
        for (record, _) in population() { candidate[record.id] = record }
        candidate["D"]!.tier = high
        candidate["D"]!.total = 12
        candidate["E"]!.tier = low
        candidate["E"]!.total = 4
        let report = try evaluate(minCell: 0, candidate: candidate)
        let nri = try #require(report.comparison?.nri)
        #expect(nri.eventsUp == 1 && nri.eventsDown == 0 && nri.nonEventsUp == 0 && nri.nonEventsDown == 1)
        #expect(nri.events == 0.25 && nri.nonEvents == 0.2 && abs(nri.total - 0.45) < 1e-15)
        let difference = try #require(report.comparison?.cStatisticDifference)
        let current = report.current.figures.cTotalScore!.value
        let new = report.candidate!.figures.cTotalScore!.value
        #expect(abs(difference.value - (new - current)) < 1e-15)
        // Events now 12, 13, 13, 20 against non-events 2, 2, 4, 5, 7: perfect.
        #expect(new == 1)
        #expect(report.candidate!.figures.tiers.map(\.n) == [4, 1, 3, 1])
        #expect(report.json().contains(#""comparison": {"c_statistic_difference": {"value": "#))
    }
}
