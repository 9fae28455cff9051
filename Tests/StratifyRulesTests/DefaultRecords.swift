import StratifyTestSupport
import Testing
import StratifyRules
import StratifyEngine

/// Records scored by the default rule set (Rules/default.yaml), built as
/// changes to a baseline record that scores zero everywhere.
enum DefaultRecords {
    /// DefaultRulesTests shows the diagnostics when the file does not compile.
    static let program: Program = {
        do {
            return try RuleCompiler.program(try RepositoryFixtures.source("Rules/default.yaml"))
        } catch {
            fatalError("Rules/default.yaml does not compile:\n\(error)")
        }
    }()

    /// Edge case X01 of the shared acceptance data: every domain 0, low, brokerage.
    static let baseline: [String: String] = [
        "patient_id": "P1", "assessed_on": "2026-03-01", "age": "40", "los_days": "0", "acute_admission": "false",
        "charlson_index": "0", "ed_visits_6mo": "0", "admissions_12mo": "0", "systolic_bp": "110", "diastolic_bp": "70",
        "med_count": "2", "phq9_total": "2", "phq9_item9": "0", "gad7_total": "2", "smi_diagnosis": "false",
        "psych_admissions_12mo": "0", "substance_use": "none", "income_pct_fpl": "400", "insurance": "private",
        "food_insecure": "false", "utilities_shutoff_threat": "false", "cost_related_nonadherence": "false",
        "living_situation": "steady", "housing_problems": "0", "interpersonal_safety_score": "4",
        "caregiver_available": "true", "lives_alone": "false", "loneliness": "never", "transportation_barrier": "false",
        "engaged_in_care": "true",
    ]

    /// The baseline with `changes` applied; a nil value makes the field missing.
    static func record(_ changes: [String: String?]) -> Record {
        var values = baseline
        for (name, value) in changes {
            values[name] = value
        }
        return Record(program, values)
    }
}
