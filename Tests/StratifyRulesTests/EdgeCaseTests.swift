import Testing
import StratifyRules
import StratifyEngine

/// The hand-made edge cases of the acceptance data (shared/data/edge-cases.*,
/// copied here) scored by the default rule set: every output column but
/// patient_id, field for field.
@Suite struct EdgeCaseTests {
    static let intake = """
        patient_id,assessed_on,age,los_days,acute_admission,charlson_index,ed_visits_6mo,admissions_12mo,systolic_bp,diastolic_bp,med_count,phq9_total,phq9_item9,gad7_total,smi_diagnosis,psych_admissions_12mo,substance_use,income_pct_fpl,insurance,food_insecure,utilities_shutoff_threat,cost_related_nonadherence,living_situation,housing_problems,interpersonal_safety_score,caregiver_available,lives_alone,loneliness,transportation_barrier,engaged_in_care
        X01,2026-03-01,40,0,false,0,0,0,110,70,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X02,2026-03-01,40,7,true,2,0,0,110,70,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X03,2026-03-01,40,5,false,3,2,0,110,70,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X04,2026-03-01,40,0,false,0,0,0,118,121,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X05,2026-03-01,40,0,false,0,0,0,,130,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X06,2026-03-01,40,0,false,0,0,0,,75,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X07,2026-03-01,40,0,false,0,0,0,110,70,2,15,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X08,2026-03-01,40,0,false,0,0,0,110,70,2,6,2,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X09,2026-03-01,40,0,false,0,0,0,110,70,2,2,0,2,false,0,none,400,private,false,false,false,no_steady_place,0,4,true,false,never,false,true
        X10,2026-03-01,40,0,false,0,4,0,110,70,2,2,0,2,true,,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X11,2026-03-01,40,0,false,0,,0,110,70,2,2,0,2,false,0,none,400,private,false,false,false,steady,0,4,true,false,never,false,true
        X12,2026-03-01,40,0,false,0,0,0,110,70,2,2,0,2,false,0,none,100.0,private,false,false,false,steady,0,4,true,false,never,false,true
        """

    static let expected = """
        patient_id,clinical_score,clinical_tier,mental_health_score,mental_health_tier,financial_score,financial_tier,housing_score,housing_tier,support_score,support_tier,total_score,tier,model,flags,missing,review_by
        X01,0,low,0,low,0,low,0,low,0,low,0,low,brokerage,,,2026-08-28
        X02,4,moderate,0,low,0,low,0,low,0,low,4,low,brokerage,,,2026-08-28
        X03,2,low,0,low,0,low,0,low,0,low,2,low,brokerage,,,2026-08-28
        X04,3,moderate,0,low,0,low,0,low,0,low,3,low,brokerage,,,2026-08-28
        X05,3,moderate,0,low,0,low,0,low,0,low,3,low,brokerage,,systolic_bp,2026-08-28
        X06,0,low,0,low,0,low,0,low,0,low,0,low,brokerage,,systolic_bp,2026-08-28
        X07,0,low,3,moderate,0,low,0,low,0,low,3,low,brokerage,,,2026-08-28
        X08,0,low,3,high,0,low,0,low,0,low,3,high,clinical,self_harm_risk,,2026-04-30
        X09,0,low,0,low,0,low,5,high,0,low,5,moderate,strengths_based,homeless,,2026-05-30
        X10,0,low,3,moderate,0,low,0,low,0,low,3,low,intensive,,psych_admissions_12mo,2026-03-31
        X11,0,low,0,low,0,low,0,low,0,low,0,low,brokerage,,ed_visits_6mo,2026-08-28
        X12,0,low,0,low,1,low,0,low,0,low,1,low,brokerage,,,2026-08-28
        """

    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    /// An intake row and its expected output row, named by patient_id in test output.
    struct Case: Sendable, CustomTestStringConvertible {
        let intake: [String: String]
        let expected: [String: String]
        var testDescription: String { intake["patient_id"] ?? "?" }
    }

    static let cases: [Case] = zip(rows(intake), rows(expected)).map { Case(intake: $0, expected: $1) }

    /// Days since 1970-01-01 of `YYYY-MM-DD` (the civil-calendar algorithm, written out here as an oracle).
    static func days(_ text: String) -> Int {
        let parts = text.split(separator: "-").map { Int($0)! }
        let (y, m, d) = (parts[1] <= 2 ? parts[0] - 1 : parts[0], parts[1], parts[2])
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    @Test func theOracleDateFunction() {
        #expect(Self.days("1970-01-01") == 0)
        #expect(Self.days("2026-03-01") == 20513)
        #expect(Self.days("2000-02-29") == 11016)
    }

    @Test(arguments: cases) func edgeCase(_ edge: Case) {
        let (intake, expected) = (edge.intake, edge.expected)
        let record = Record(DefaultRecords.program, intake.filter { !$0.value.isEmpty })
        let program = record.program
        var actual: [String: String] = ["patient_id": intake["patient_id"]!]
        for domain in program.domains {
            actual["\(domain.name)_score"] = String(record.score(domain.name))
            actual["\(domain.name)_tier"] = record.tier(domain.name)
        }
        actual["total_score"] = String(record.total)
        actual["tier"] = record.tier
        actual["model"] = record.model
        actual["flags"] = program.flags.filter { record.flag($0.name) == .fired }.map(\.name).joined(separator: ";")
        actual["missing"] = program.missingOrder.filter { record.value($0) == nil }.map { program.inputs[$0].name }
            .joined(separator: ";")
        actual["review_by"] = record.reviewBy.map(String.init) ?? ""
        var wanted = expected
        wanted["review_by"] = expected["review_by"].map { $0.isEmpty ? "" : String(Self.days($0)) }
        #expect(actual == wanted)
    }

    @Test func edgeCaseX13IsInvalidNotScored() throws {
        let program = DefaultRecords.program
        let decoder = InputDecoder(program: program)
        let evaluator = Evaluator(program: program)
        let index = try #require(program.inputs.firstIndex { $0.name == "phq9_total" })
        var bytes = Array("31".utf8)
        let error = bytes.withUnsafeMutableBytes { decoder.decode(UnsafeRawBufferPointer($0), input: index, into: evaluator.inputRegisters) }
        let problem = try #require(error)
        #expect(problem.problem == .aboveMaximum)
        #expect(decoder.message(for: problem, input: index) == "31 is above the maximum 27")
    }
}
