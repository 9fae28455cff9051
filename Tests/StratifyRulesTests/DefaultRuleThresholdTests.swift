import Testing
import StratifyRules
import StratifyEngine

/// Every rule threshold of the default rule set (spec section 3), on both
/// sides, with the rest of the record at the baseline.
@Suite struct DefaultRuleThresholdTests {
    /// (field, value, the rules of the field's domain that fire)
    static let thresholds: [(String, String, [String])] = [
        ("phq9_total", "9", []),
        ("phq9_total", "10", ["mental_health.phq9_moderate"]),
        ("phq9_total", "14", ["mental_health.phq9_moderate"]),
        ("phq9_total", "15", ["mental_health.phq9_moderately_severe"]),
        ("phq9_total", "19", ["mental_health.phq9_moderately_severe"]),
        ("phq9_total", "20", ["mental_health.phq9_severe"]),
        ("phq9_total", "27", ["mental_health.phq9_severe"]),
        ("gad7_total", "9", []),
        ("gad7_total", "10", ["mental_health.gad7_moderate"]),
        ("gad7_total", "14", ["mental_health.gad7_moderate"]),
        ("gad7_total", "15", ["mental_health.gad7_severe"]),
        ("phq9_item9", "0", []),
        ("phq9_item9", "1", ["mental_health.self_harm"]),
        ("psych_admissions_12mo", "0", []),
        ("psych_admissions_12mo", "1", ["mental_health.psych_admission"]),
        ("substance_use", "misuse", []),
        ("substance_use", "disorder", ["mental_health.substance_use_disorder"]),
        ("smi_diagnosis", "true", ["mental_health.smi"]),
        ("income_pct_fpl", "0", ["financial.below_poverty"]),
        ("income_pct_fpl", "99.9", ["financial.below_poverty"]),
        ("income_pct_fpl", "99.999", ["financial.below_poverty"]),
        ("income_pct_fpl", "100", ["financial.near_poverty"]),
        ("income_pct_fpl", "100.0", ["financial.near_poverty"]),
        ("income_pct_fpl", "199.9", ["financial.near_poverty"]),
        ("income_pct_fpl", "200", []),
        ("insurance", "uninsured", ["financial.uninsured"]),
        ("insurance", "medicaid", []),
        ("food_insecure", "yes", ["financial.food_insecurity"]),
        ("utilities_shutoff_threat", "1", ["financial.utilities"]),
        ("cost_related_nonadherence", "TRUE", ["financial.cost_nonadherence"]),
        ("living_situation", "worried", ["housing.at_risk"]),
        ("living_situation", "no_steady_place", ["housing.homeless"]),
        ("housing_problems", "0", []),
        ("housing_problems", "1", ["housing.problems"]),
        ("housing_problems", "2", ["housing.problems"]),
        ("housing_problems", "3", ["housing.problems", "housing.many_problems"]),
        ("interpersonal_safety_score", "10", []),
        ("interpersonal_safety_score", "11", ["support.interpersonal_safety"]),
        ("caregiver_available", "false", ["support.no_caregiver"]),
        ("lives_alone", "true", ["support.lives_alone"]),
        ("loneliness", "sometimes", []),
        ("loneliness", "often", ["support.lonely"]),
        ("loneliness", "always", ["support.lonely"]),
        ("transportation_barrier", "true", ["support.transportation"]),
        ("age", "74", []),
        ("age", "75", ["clinical.older_age"]),
        ("med_count", "9", []),
        ("med_count", "10", ["clinical.polypharmacy"]),
        ("admissions_12mo", "1", []),
        ("admissions_12mo", "2", ["clinical.frequent_admissions"]),
    ]

    @Test(arguments: thresholds) func ruleThreshold(_ field: String, _ value: String, _ expected: [String]) {
        #expect(DefaultRecords.record([field: value]).fired == expected)
    }

    /// (systolic, diastolic, category, clinical rules that fire)
    static let bloodPressure: [(String, String, String, [String])] = [
        ("119", "70", "normal", []),
        ("120", "70", "elevated", []),
        ("129", "79", "elevated", []),
        ("130", "70", "stage1", []),
        ("110", "80", "stage1", []),
        ("139", "89", "stage1", []),
        ("140", "70", "stage2", ["clinical.bp_stage2"]),
        ("110", "90", "stage2", ["clinical.bp_stage2"]),
        ("180", "120", "stage2", ["clinical.bp_stage2"]),
        ("181", "70", "crisis", ["clinical.bp_crisis"]),
        ("110", "121", "crisis", ["clinical.bp_crisis"]),
        ("118", "121", "crisis", ["clinical.bp_crisis"]),
    ]

    @Test(arguments: bloodPressure)
    func bloodPressureCategory(_ systolic: String, _ diastolic: String, _ category: String, _ expected: [String]) {
        let record = DefaultRecords.record(["systolic_bp": systolic, "diastolic_bp": diastolic])
        #expect(record.derivedName("bp_category") == category)
        #expect(record.fired == expected)
    }

    /// (LACE, an intake giving it, the LACE rule that fires)
    static let lace: [(Int, [String: String?], [String])] = [
        (4, ["los_days": "4"], []),
        (5, ["los_days": "7"], ["clinical.lace_moderate"]),
        (9, ["los_days": "4", "acute_admission": "true", "charlson_index": "2"], ["clinical.lace_moderate"]),
        (10, ["los_days": "7", "acute_admission": "true", "charlson_index": "2"], ["clinical.lace_high"]),
    ]

    @Test(arguments: lace) func laceThreshold(_ lace: Int, _ changes: [String: String?], _ expected: [String]) {
        let record = DefaultRecords.record(changes)
        #expect(record.derived("lace") == Double(lace))
        #expect(record.fired == expected)
    }

    @Test func theBaselineFiresNothing() {
        let record = DefaultRecords.record([:])
        #expect(record.fired == [])
        #expect(record.derivedName("bp_category") == "normal")
        #expect(record.derived("lace") == 0)
        #expect(record.total == 0)
        #expect(record.model == "brokerage")
    }
}
