import Testing
import StratifyRules
import StratifyEngine

/// The LACE index of the default rule set against the published table
/// (van Walraven et al., CMAJ 2010): every edge of every part, and worked examples.
@Suite struct LACETests {
    private func lace(los: String, acute: String, charlson: String, ed: String) -> Double? {
        DefaultRecords.record(["los_days": los, "acute_admission": acute, "charlson_index": charlson, "ed_visits_6mo": ed])
            .derived("lace")
    }

    /// L: 0 → 0; 1 → 1; 2 → 2; 3 → 3; 4–6 → 4; 7–13 → 5; 14 or more → 7.
    @Test(arguments: [
        ("0", 0.0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("6", 4), ("7", 5), ("13", 5), ("14", 7), ("365", 7),
    ])
    func lengthOfStay(_ days: String, _ points: Double) {
        #expect(lace(los: days, acute: "false", charlson: "0", ed: "0") == points)
    }

    /// A: acute 3, elective 0.
    @Test(arguments: [("true", 3.0), ("false", 0)])
    func acuity(_ acute: String, _ points: Double) {
        #expect(lace(los: "0", acute: acute, charlson: "0", ed: "0") == points)
    }

    /// C: 0 → 0; 1 → 1; 2 → 2; 3 → 3; 4 or more → 5.
    @Test(arguments: [("0", 0.0), ("1", 1), ("2", 2), ("3", 3), ("4", 5), ("40", 5)])
    func comorbidity(_ charlson: String, _ points: Double) {
        #expect(lace(los: "0", acute: "false", charlson: charlson, ed: "0") == points)
    }

    /// E: 0 → 0; 1 → 1; 2 → 2; 3 → 3; 4 or more → 4.
    @Test(arguments: [("0", 0.0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("365", 4)])
    func emergencyVisits(_ visits: String, _ points: Double) {
        #expect(lace(los: "0", acute: "false", charlson: "0", ed: visits) == points)
    }

    /// (LOS, acute, Charlson, ED visits, LACE, the clinical LACE rule)
    @Test(
        arguments: [
            // van Walraven 2010: 5 days, emergent, Charlson 2, one ED visit: 4 + 3 + 2 + 1.
            ("5", "true", "2", "1", 10.0, "clinical.lace_high"),
            // Edge cases X02 and X03 of the acceptance data.
            ("7", "true", "2", "0", 10, "clinical.lace_high"),
            ("5", "false", "3", "2", 9, "clinical.lace_moderate"),
            // The highest possible score: 7 + 3 + 5 + 4.
            ("30", "true", "6", "5", 19, "clinical.lace_high"),
            // Day surgery, elective, no comorbidity, no visits.
            ("0", "false", "0", "0", 0, nil),
            ("1", "true", "1", "0", 5, "clinical.lace_moderate"),
            ("3", "false", "0", "1", 4, nil),
            ("14", "false", "1", "1", 9, "clinical.lace_moderate"),
        ] as [(String, String, String, String, Double, String?)])
    func workedExample(_ los: String, _ acute: String, _ charlson: String, _ ed: String, _ expected: Double, _ rule: String?) {
        let record = DefaultRecords.record(["los_days": los, "acute_admission": acute, "charlson_index": charlson, "ed_visits_6mo": ed])
        #expect(record.derived("lace") == expected)
        #expect(record.fired.filter { $0.hasPrefix("clinical.lace") } == (rule.map { [$0] } ?? []))
    }
}
