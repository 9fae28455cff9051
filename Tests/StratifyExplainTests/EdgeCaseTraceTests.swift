import StratifyTestSupport
import StratifyEngine
import StratifyExplain
import Testing

/// The traces of the hand-made edge cases (`Tests/Fixtures/acceptance/edge-cases.csv`),
/// asserted in detail: rule outcomes and missing fields, the derived values
/// and how they were computed, floors, escalations, model candidates and
/// what would change the result.
@Suite struct EdgeCaseTraceTests {
    static let traces: [String: Trace] = {
        let records = try! TraceHarness.run([RepositoryFixtures.fixture("acceptance/edge-cases.csv")], whatIf: true)
        return Dictionary(uniqueKeysWithValues: records.map { ($0.trace.identifier, $0.trace) })
    }()

    static func trace(_ id: String) throws -> Trace {
        try #require(traces[id])
    }

    /// The ids of the rules with an outcome.
    static func rules(_ trace: Trace, _ outcome: Outcome) -> [String] {
        trace.rules.filter { $0.outcome == outcome }.map(\.id)
    }

    static func candidate(_ trace: Trace, _ id: String) throws -> Trace.ModelCandidate {
        try #require(trace.modelCandidates.first { $0.id == id })
    }

    static func escalation(_ trace: Trace, _ id: String) throws -> Trace.Adjustment {
        try #require(trace.escalations.first { $0.id == id })
    }

    @Test func everyValidRecordHasATrace() {
        #expect(Self.traces.keys.sorted() == (1...12).map { String(format: "X%02d", $0) })
        #expect(Self.traces["X13"] == nil)
    }

    @Test func baselineFiresNothing() throws {
        let trace = try Self.trace("X01")
        #expect(Self.rules(trace, .fired).isEmpty)
        #expect(Self.rules(trace, .unknown).isEmpty)
        #expect(Self.rules(trace, .notFired).count == 31)
        #expect(trace.missing.isEmpty)
        #expect(trace.derived("lace")?.value == .integer(0))
        #expect(trace.derived("lace")?.steps == "L 0 (los_days 0) + A 0 (acute_admission false) + C 0 (charlson_index 0) + E 0 (ed_visits_6mo 0) = 0")
        #expect(trace.derived("bp_category")?.value == .name("normal"))
        #expect(trace.derived("bp_category")?.steps == "normal (no case holds: systolic_bp 110, diastolic_bp 70)")
        #expect(trace.escalations.allSatisfy { !$0.applied })
        #expect(trace.domains.allSatisfy { $0.floors.allSatisfy { !$0.applied } })
        #expect(trace.modelCandidates.map(\.id) == ["intensive", "clinical", "strengths_based", "brokerage"])
        #expect(trace.modelCandidates.map(\.outcome) == [.notFired, .notFired, .notFired, .fired])
        #expect(trace.modelCandidates.map(\.chosen) == [false, false, false, true])
        #expect(trace.model == "brokerage")
        #expect(trace.reviewBy == "2026-08-28")
        // Why not: the part of each rule that failed, with its values.
        let rule = try #require(trace.rule("mental_health.phq9_moderate"))
        #expect(rule.condition.failed.map(\.expr) == ["10 <= phq9_total"])
        #expect(rule.condition.failed.map(\.sentence) == ["10 ≤ phq9_total 2 ✗"])
        #expect(rule.condition.checks.map(\.sentence) == ["10 ≤ phq9_total 2 ✗", "phq9_total 2 ≤ 14 ✓"])
        #expect(rule.because == "A PHQ-9 score from 10 to 14 indicates moderate depression.")
        // What would change it: the distance to the next band.
        #expect(trace.overall.up == Trace.Step(tier: "moderate", points: 6))
        #expect(trace.overall.down == nil)
        #expect(trace.overall.exact && trace.overall.reachable == "low")
        #expect(trace.domain("clinical")?.scale.up == Trace.Step(tier: "moderate", points: 3))
        let changes = try #require(trace.modelChanges)
        #expect(changes.contains(Trace.ModelChange(field: "phq9_item9", from: .integer(0), to: .integer(1), model: "clinical")))
        #expect(changes.contains(Trace.ModelChange(field: "living_situation", from: .name("steady"), to: .name("no_steady_place"), model: "strengths_based")))
        #expect(!changes.contains { $0.field == "age" }, "age 75 adds one point: not enough to change the model")
    }

    @Test func laceOfTenIsHigh() throws {
        let trace = try Self.trace("X02")
        #expect(Self.rules(trace, .fired) == ["clinical.lace_high"])
        #expect(trace.derived("lace")?.value == .integer(10))
        #expect(trace.derived("lace")?.steps == "L 5 (los_days 7 in 7..13) + A 3 (acute_admission true) + C 2 (charlson_index 2) + E 0 (ed_visits_6mo 0) = 10")
        let rule = try #require(trace.rule("clinical.lace_high"))
        #expect(rule.condition.held.map(\.sentence) == ["lace 10 ≥ 10 ✓"])
        #expect(trace.rule("clinical.lace_moderate")?.condition.failed.map(\.sentence) == ["lace 10 ≤ 9 ✗"])
        let clinical = try #require(trace.domain("clinical"))
        #expect(clinical.score == 4 && clinical.tier == "moderate")
        #expect(clinical.scale.band == Trace.Band(tier: "moderate", lower: 3, upper: 5))
        #expect(clinical.scale.up == Trace.Step(tier: "high", points: 2))
        #expect(clinical.scale.down == Trace.Step(tier: "low", points: 2))
        #expect(trace.tier == "low" && trace.model == "brokerage")
        #expect(trace.overall.up == Trace.Step(tier: "moderate", points: 2))
    }

    @Test func laceOfNineIsModerate() throws {
        let trace = try Self.trace("X03")
        #expect(Self.rules(trace, .fired) == ["clinical.lace_moderate"])
        #expect(trace.derived("lace")?.steps == "L 4 (los_days 5 in 4..6) + A 0 (acute_admission false) + C 3 (charlson_index 3) + E 2 (ed_visits_6mo 2) = 9")
        #expect(trace.rule("clinical.lace_high")?.condition.failed.map(\.sentence) == ["lace 9 ≥ 10 ✗"])
        #expect(trace.domain("clinical")?.score == 2)
        #expect(trace.domain("clinical")?.tier == "low")
        #expect(trace.domain("clinical")?.scale.up == Trace.Step(tier: "moderate", points: 1))
    }

    @Test func diastolicAloneIsACrisis() throws {
        let trace = try Self.trace("X04")
        #expect(Self.rules(trace, .fired) == ["clinical.bp_crisis"])
        #expect(trace.derived("bp_category")?.steps == "crisis (case 1 holds: diastolic_bp 121 > 120 ✓)")
        #expect(trace.rule("clinical.bp_stage2")?.condition.failed.map(\.sentence) == ["bp_category crisis = stage2 ✗"])
    }

    @Test func missingSystolicWithHighDiastolicIsStillACrisis() throws {
        let trace = try Self.trace("X05")
        #expect(trace.missing == ["systolic_bp"])
        #expect(trace.inputs.first { $0.name == "systolic_bp" }?.value == .unknown)
        #expect(Self.rules(trace, .fired) == ["clinical.bp_crisis"])
        #expect(Self.rules(trace, .unknown).isEmpty)
        #expect(trace.derived("bp_category")?.value == .name("crisis"))
        #expect(trace.derived("bp_category")?.steps == "crisis (case 1 holds: diastolic_bp 130 > 120 ✓)")
        // Nothing unknown can change the tier: the bound is exact.
        #expect(trace.overall.exact && trace.overall.reachable == "low")
    }

    @Test func missingSystolicWithNormalDiastolicIsUnknown() throws {
        let trace = try Self.trace("X06")
        #expect(Self.rules(trace, .fired).isEmpty)
        #expect(Self.rules(trace, .unknown) == ["clinical.bp_crisis", "clinical.bp_stage2"])
        for id in ["clinical.bp_crisis", "clinical.bp_stage2"] {
            #expect(trace.rule(id)?.missing == ["systolic_bp"])
        }
        #expect(trace.rule("clinical.bp_crisis")?.condition.checks.map(\.sentence) == ["bp_category unknown = crisis ?"])
        #expect(trace.derived("bp_category")?.value == .unknown)
        #expect(trace.derived("bp_category")?.steps == "unknown (case 1 is unknown: systolic_bp missing > 180 ?)")
        // If systolic were known: clinical could gain 3 + 1 points (moderate), the total stays low.
        #expect(trace.domain("clinical")?.scale.reachable == "moderate")
        #expect(trace.domain("clinical")?.scale.exact == false)
        #expect(trace.overall.reachable == "low")
        #expect(trace.overall.exact == false)
    }

    @Test func phq9OfFifteenIsModeratelySevere() throws {
        let trace = try Self.trace("X07")
        #expect(Self.rules(trace, .fired) == ["mental_health.phq9_moderately_severe"])
        #expect(
            trace.rule("mental_health.phq9_moderately_severe")?.condition.held.map(\.sentence)
                == ["15 ≤ phq9_total 15 ✓", "phq9_total 15 ≤ 19 ✓"])
        #expect(trace.rule("mental_health.phq9_moderate")?.condition.failed.map(\.sentence) == ["phq9_total 15 ≤ 14 ✗"])
        #expect(trace.domain("mental_health")?.tier == "moderate")
        #expect(trace.domain("mental_health")?.scale.up == Trace.Step(tier: "high", points: 3))
        #expect(trace.domain("mental_health")?.scale.down == Trace.Step(tier: "low", points: 1))
    }

    @Test func selfHarmFloorsAndEscalates() throws {
        let trace = try Self.trace("X08")
        #expect(Self.rules(trace, .fired) == ["mental_health.self_harm"])
        #expect(trace.rule("mental_health.self_harm")?.flag == "self_harm_risk")
        #expect(trace.flags == ["self_harm_risk"])
        let mental = try #require(trace.domain("mental_health"))
        #expect(mental.score == 3)
        #expect(mental.scale.band.tier == "moderate")
        #expect(mental.tier == "high")
        #expect(mental.floors.map(\.id) == ["floor.self_harm_risk"])
        #expect(mental.floors[0].applied)
        #expect(mental.floors[0].atLeast == "high")
        let safety = try Self.escalation(trace, "escalate.safety")
        #expect(safety.applied)
        #expect(safety.condition.held.map(\.sentence) == ["self_harm_risk true ✓"])
        #expect(try !Self.escalation(trace, "escalate.multi_domain").applied)
        #expect(
            try Self.escalation(trace, "escalate.multi_domain").condition.failed.map(\.sentence)
                == ["count(clinical.tier >= high, mental_health.tier >= high, financial.tier >= high, housing.tier >= high, support.tier >= high) 1 ≥ 3 ✗"])
        #expect(try !Self.escalation(trace, "escalate.homeless").applied)
        #expect(trace.overall.band.tier == "low")
        #expect(trace.tier == "high")
        #expect(trace.model == "clinical")
        // Why not intensive: tier is high but the person has a caregiver and is engaged.
        let intensive = try Self.candidate(trace, "intensive")
        #expect(intensive.outcome == .notFired)
        #expect(
            intensive.condition?.failed.map(\.expr)
                == [
                    "tier == very_high", "smi_diagnosis", "psych_admissions_12mo >= 2", "ed_visits_6mo >= 4",
                    "caregiver_available == false", "engaged_in_care == false",
                ])
        #expect(try Self.candidate(trace, "clinical").condition?.held.map(\.sentence) == ["mental_health.tier high = high ✓"])
        #expect(trace.reviewBy == "2026-04-30")
        #expect(trace.modelChanges == [Trace.ModelChange(field: "phq9_item9", from: .integer(2), to: .integer(0), model: "brokerage")])
    }

    @Test func homelessRaisesTheOverallTier() throws {
        let trace = try Self.trace("X09")
        #expect(Self.rules(trace, .fired) == ["housing.homeless"])
        #expect(trace.domain("housing")?.tier == "high")
        #expect(trace.domain("housing")?.scale.down == Trace.Step(tier: "moderate", points: 1))
        #expect(trace.domain("housing")?.scale.up == nil)
        #expect(try Self.escalation(trace, "escalate.homeless").applied)
        #expect(trace.overall.band.tier == "low")
        #expect(trace.tier == "moderate")
        #expect(trace.model == "strengths_based")
        #expect(
            try Self.candidate(trace, "clinical").condition?.failed.map(\.expr)
                == ["clinical.tier == high", "mental_health.tier == high", "clinical.tier >= moderate", "mental_health.tier >= moderate"])
        #expect(trace.reviewBy == "2026-05-30")
    }

    @Test func unknownPartOfAModelConditionDoesNotStopATrueOne() throws {
        let trace = try Self.trace("X10")
        #expect(trace.missing == ["psych_admissions_12mo"])
        #expect(Self.rules(trace, .fired) == ["mental_health.smi"])
        #expect(Self.rules(trace, .unknown) == ["mental_health.psych_admission"])
        #expect(trace.rule("mental_health.psych_admission")?.missing == ["psych_admissions_12mo"])
        #expect(trace.rule("mental_health.psych_admission")?.condition.checks.map(\.sentence) == ["psych_admissions_12mo missing ≥ 1 ?"])
        #expect(trace.derived("lace")?.steps == "L 0 (los_days 0) + A 0 (acute_admission false) + C 0 (charlson_index 0) + E 4 (ed_visits_6mo 4 in 4..) = 4")
        let intensive = try Self.candidate(trace, "intensive")
        #expect(intensive.chosen && intensive.outcome == .fired)
        #expect(intensive.condition?.held.map(\.sentence) == ["smi_diagnosis true ✓", "ed_visits_6mo 4 ≥ 4 ✓"])
        #expect(trace.model == "intensive")
        #expect(trace.reviewBy == "2026-03-31")
        // With psych admissions known, mental health could gain 2 points: still moderate.
        #expect(trace.domain("mental_health")?.scale.reachable == "moderate")
        #expect(trace.overall.reachable == "low")
        let changes = try #require(trace.modelChanges)
        #expect(changes.contains(Trace.ModelChange(field: "ed_visits_6mo", from: .integer(4), to: .integer(3), model: "brokerage")))
        #expect(changes.contains(Trace.ModelChange(field: "smi_diagnosis", from: .boolean(true), to: .boolean(false), model: "brokerage")))
    }

    @Test func missingEDVisitsLeavesLACEUnknownButNotTheModel() throws {
        let trace = try Self.trace("X11")
        #expect(trace.missing == ["ed_visits_6mo"])
        #expect(Self.rules(trace, .unknown) == ["clinical.lace_high", "clinical.lace_moderate"])
        #expect(trace.rule("clinical.lace_high")?.missing == ["ed_visits_6mo"])
        #expect(trace.rule("clinical.lace_moderate")?.missing == ["ed_visits_6mo"])
        #expect(trace.derived("lace")?.value == .unknown)
        #expect(
            trace.derived("lace")?.steps
                == "L 0 (los_days 0) + A 0 (acute_admission false) + C 0 (charlson_index 0) + E unknown (ed_visits_6mo missing) = unknown")
        let intensive = try Self.candidate(trace, "intensive")
        #expect(intensive.outcome == .notFired)
        #expect(
            intensive.condition?.failed.map(\.expr)
                == ["tier == very_high", "smi_diagnosis", "tier == high", "caregiver_available == false", "engaged_in_care == false"])
        #expect(intensive.condition?.missing == [])
        #expect(trace.model == "brokerage")
        // The bound counts both unknown LACE rules as possibly firing (4 + 2
        // points), though at most one can: a sound bound, not a tight one.
        #expect(trace.domain("clinical")?.scale.reachable == "high")
        #expect(trace.domain("clinical")?.scale.exact == false)
        #expect(trace.overall.exact == false)
    }

    @Test func incomeOfOneHundredIsNearPoverty() throws {
        let trace = try Self.trace("X12")
        #expect(Self.rules(trace, .fired) == ["financial.near_poverty"])
        #expect(trace.inputs.first { $0.name == "income_pct_fpl" }?.value == .integer(100))
        #expect(trace.rule("financial.near_poverty")?.condition.held.map(\.sentence) == ["100 ≤ income_pct_fpl 100 ✓", "income_pct_fpl 100 < 200 ✓"])
        #expect(trace.rule("financial.below_poverty")?.condition.failed.map(\.sentence) == ["income_pct_fpl 100 < 100 ✗"])
        #expect(trace.domain("financial")?.score == 1)
        #expect(trace.domain("financial")?.scale.up == Trace.Step(tier: "moderate", points: 1))
    }
}
