import Testing
import StratifyRules
import StratifyEngine

/// The default rule set's tiers (spec section 4): every edge of every
/// domain band and of the overall band, the self-harm floor, and each escalation.
@Suite struct DefaultTierTests {
    /// (domain, intake changes, score, tier)
    static let domainEdges: [(String, [String: String?], Int, String)] = [
        ("clinical", ["admissions_12mo": "2"], 2, "low"),
        ("clinical", ["admissions_12mo": "2", "med_count": "10"], 3, "moderate"),
        ("clinical", ["admissions_12mo": "2", "systolic_bp": "181"], 5, "moderate"),
        ("clinical", ["admissions_12mo": "2", "los_days": "7", "acute_admission": "true", "charlson_index": "2"], 6, "high"),
        ("mental_health", ["phq9_total": "10"], 2, "low"),
        ("mental_health", ["smi_diagnosis": "true"], 3, "moderate"),
        ("mental_health", ["smi_diagnosis": "true", "psych_admissions_12mo": "1"], 5, "moderate"),
        ("mental_health", ["smi_diagnosis": "true", "phq9_total": "15"], 6, "high"),
        ("financial", ["utilities_shutoff_threat": "true"], 1, "low"),
        ("financial", ["food_insecure": "true"], 2, "moderate"),
        ("financial", ["income_pct_fpl": "50"], 3, "moderate"),
        ("financial", ["food_insecure": "true", "cost_related_nonadherence": "true"], 4, "high"),
        ("housing", ["housing_problems": "1"], 1, "low"),
        ("housing", ["living_situation": "worried"], 2, "moderate"),
        ("housing", ["living_situation": "worried", "housing_problems": "3"], 4, "moderate"),
        ("housing", ["living_situation": "no_steady_place"], 5, "high"),
        ("support", ["lives_alone": "true"], 1, "low"),
        ("support", ["caregiver_available": "false"], 2, "moderate"),
        ("support", ["caregiver_available": "false", "transportation_barrier": "true"], 3, "moderate"),
        ("support", ["caregiver_available": "false", "loneliness": "often"], 4, "high"),
    ]

    @Test(arguments: domainEdges)
    func domainBandEdge(_ domain: String, _ changes: [String: String?], _ score: Int, _ tier: String) {
        let record = DefaultRecords.record(changes)
        #expect(record.score(domain) == score)
        #expect(record.tier(domain) == tier)
        #expect(record.total == score)
    }

    /// (intake changes giving the total, total, overall tier); no flag is set
    /// and fewer than three domains are high, so no escalation applies.
    static let overallEdges: [([String: String?], Int, String)] = [
        (["admissions_12mo": "2", "systolic_bp": "181"], 5, "low"),
        (["admissions_12mo": "2", "systolic_bp": "181", "lives_alone": "true"], 6, "moderate"),
        (
            [
                "admissions_12mo": "2", "systolic_bp": "181", "smi_diagnosis": "true", "psych_admissions_12mo": "1",
                "lives_alone": "true",
            ], 11, "moderate"
        ),
        (
            [
                "admissions_12mo": "2", "systolic_bp": "181", "smi_diagnosis": "true", "psych_admissions_12mo": "1",
                "lives_alone": "true", "transportation_barrier": "true",
            ], 12, "high"
        ),
        (
            [
                "admissions_12mo": "2", "los_days": "7", "acute_admission": "true", "charlson_index": "2",
                "smi_diagnosis": "true", "psych_admissions_12mo": "1", "income_pct_fpl": "50", "living_situation": "worried",
                "lives_alone": "true",
            ], 17, "high"
        ),
        (
            [
                "admissions_12mo": "2", "los_days": "7", "acute_admission": "true", "charlson_index": "2",
                "smi_diagnosis": "true", "psych_admissions_12mo": "1", "income_pct_fpl": "50", "living_situation": "worried",
                "lives_alone": "true", "transportation_barrier": "true",
            ], 18, "very_high"
        ),
    ]

    @Test(arguments: overallEdges) func overallBandEdge(_ changes: [String: String?], _ total: Int, _ tier: String) {
        let record = DefaultRecords.record(changes)
        #expect(record.total == total)
        #expect(record.tier == tier)
        #expect(record.program.flags.allSatisfy { record.flag($0.name) == .notFired })
    }

    @Test func theSelfHarmFloorRaisesMentalHealthToHigh() {
        // Edge case X08: PHQ-9 6, item 9 = 2.
        let record = DefaultRecords.record(["phq9_total": "6", "phq9_item9": "2"])
        #expect(record.score("mental_health") == 3)
        #expect(record.tier("mental_health") == "high")
        #expect(record.flag("self_harm_risk") == .fired)
        // escalate.safety: total 3 is low, the tier is high.
        #expect(record.total == 3)
        #expect(record.tier == "high")
        #expect(record.model == "clinical")
        #expect(record.reviewBy == 20513 + 60)  // 2026-04-30
    }

    @Test func withoutTheFlagAScoreOfThreeIsModerate() {
        let record = DefaultRecords.record(["smi_diagnosis": "true"])
        #expect(record.score("mental_health") == 3)
        #expect(record.tier("mental_health") == "moderate")
        #expect(record.tier == "low")
    }

    @Test func escalateSafetyForInterpersonalSafety() {
        let record = DefaultRecords.record(["interpersonal_safety_score": "11"])
        #expect((record.score("support"), record.tier("support"), record.total) == (4, "high", 4))
        #expect(record.flag("interpersonal_safety") == .fired)
        #expect(record.tier == "high")
        #expect(record.model == "strengths_based")
    }

    @Test func escalateHomelessRaisesToModerate() {
        // Edge case X09.
        let record = DefaultRecords.record(["living_situation": "no_steady_place"])
        #expect((record.score("housing"), record.tier("housing"), record.total) == (5, "high", 5))
        #expect(record.flag("homeless") == .fired)
        #expect(record.tier == "moderate")
        #expect(record.model == "strengths_based")
        #expect(record.reviewBy == 20513 + 90)  // 2026-05-30
    }

    @Test func escalateHomelessNeverLowers() {
        let record = DefaultRecords.record(["living_situation": "no_steady_place", "interpersonal_safety_score": "12"])
        #expect(record.total == 9)
        #expect(record.tier == "high")
    }

    private func multiDomain(_ record: Record) -> Outcome {
        let escalation = record.program.overall.escalations.first { $0.id == "escalate.multi_domain" }!
        return Outcome(record.evaluator.registerValues[escalation.condition.register])
    }

    @Test func escalateMultiDomainCountsHighDomainsAfterFloors() {
        let two = DefaultRecords.record([
            "food_insecure": "true", "cost_related_nonadherence": "true",
            "caregiver_available": "false", "loneliness": "always",
        ])
        #expect([two.tier("financial"), two.tier("support")] == ["high", "high"])
        #expect(multiDomain(two) == .notFired)
        #expect((two.total, two.tier) == (8, "moderate"))

        // A third high domain through the self-harm floor (3 points, band moderate).
        let three = DefaultRecords.record([
            "food_insecure": "true", "cost_related_nonadherence": "true",
            "caregiver_available": "false", "loneliness": "always", "phq9_item9": "1",
        ])
        #expect(three.tier("mental_health") == "high")
        #expect(multiDomain(three) == .fired)
        #expect((three.total, three.tier) == (11, "high"))
    }

    @Test func escalationsDoNotLowerAVeryHighTier() {
        let record = DefaultRecords.record([
            "admissions_12mo": "2", "los_days": "14", "acute_admission": "true",
            "charlson_index": "4", "smi_diagnosis": "true", "phq9_total": "20",
            "living_situation": "no_steady_place",
        ])
        #expect(record.total >= 18)
        #expect(record.tier == "very_high")
        #expect(record.model == "intensive")
    }

    /// (changes, model): spec section 5, in order.
    @Test(
        arguments: [
            (["smi_diagnosis": "true", "psych_admissions_12mo": "2"], "intensive"),
            (["smi_diagnosis": "true", "ed_visits_6mo": "4"], "intensive"),
            (["interpersonal_safety_score": "11", "caregiver_available": "false", "engaged_in_care": "false"], "intensive"),
            (["interpersonal_safety_score": "11", "caregiver_available": "false"], "strengths_based"),
            (["admissions_12mo": "2", "los_days": "7", "acute_admission": "true", "charlson_index": "2"], "clinical"),
            (["admissions_12mo": "2", "med_count": "10", "smi_diagnosis": "true"], "clinical"),
            (["admissions_12mo": "2", "med_count": "10"], "brokerage"),
            (["living_situation": "no_steady_place"], "strengths_based"),
            ([:], "brokerage"),
        ] as [([String: String?], String)])
    func caseManagementModel(_ changes: [String: String?], _ model: String) {
        #expect(DefaultRecords.record(changes).model == model)
    }
}
