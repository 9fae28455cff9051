import Foundation
import Testing

/// `stratify explain` and `stratify score --explain` as a user runs them:
/// the text and JSON forms, `--patient`, exit statuses and the summary line.
@Suite struct ExplainCommandTests {
    static let edgeCases = "Tests/Fixtures/acceptance/edge-cases.csv"

    /// A JSON value as compact text with sorted keys, to compare.
    static func canonical(_ value: Any?) -> String {
        guard let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else {
            return "absent"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func textFormExplainsAPatientForAPerson() throws {
        let result = try CLI.run(["explain", Self.edgeCases, "--patient", "X08"])
        #expect(result.status == 1, "record 13 of the file is invalid")
        #expect(result.stderr.contains("record 13 (patient_id X13): phq9_total: 31 is above the maximum 27"))
        #expect(result.stderr.hasSuffix("12 scored, 1 rejected\n"))
        let text = result.stdout
        #expect(text.contains("patient_id X08: tier HIGH, model clinical, review by 2026-04-30"))
        #expect(text.contains("✓ mental_health.self_harm: +3 to mental_health, flag self_harm_risk"))
        #expect(text.contains("phq9_item9 2 ≥ 1 ✓"))
        #expect(text.contains("Any positive answer to PHQ-9 item 9"))
        #expect(text.contains("raised to at least high by floor.self_harm_risk"))
        #expect(text.contains("✓ escalate.safety applies: at least high."))
        #expect(text.contains("✗ intensive does not hold: tier high = very_high ✗"))
        #expect(text.contains("phq9_item9 2 → 0: brokerage"))
        #expect(text.contains("✗ clinical.lace_high (+4): lace 0 ≥ 10 ✗"))
        // Fired rules come before the rules that did not fire.
        let fired = try #require(text.range(of: "Why: the rules that fired"))
        let notFired = try #require(text.range(of: "Rules that did not fire"))
        #expect(fired.lowerBound < notFired.lowerBound)
        #expect(!text.contains("X01") && !text.contains("X09"))
        // Fits a 100-column terminal; no colour when standard output is a pipe.
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 })
        #expect(!text.contains("\u{1B}["))
    }

    @Test func textFormShowsMissingDataAndTheBound() throws {
        let result = try CLI.run(["explain", Self.edgeCases, "--patient", "X06", "--width", "80"])
        let text = result.stdout
        #expect(text.contains("Missing data (1): systolic_bp."))
        #expect(text.contains("? clinical.bp_crisis: would add +3 to clinical; needs systolic_bp"))
        #expect(text.contains("bp_category = unknown (case 1 is unknown: systolic_bp missing > 180 ?)"))
        #expect(text.contains("the tier could be at most low"))
        #expect(text.contains("upper bound"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func jsonFormIsOneTracePerLine() throws {
        let result = try CLI.run(["explain", "--format", "json", Self.edgeCases])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("12 scored, 1 rejected\n"))
        let traces = try Self.jsonLines(result.stdout)
        #expect(traces.map { $0["patient_id"] as? String } == (1...12).map { String(format: "X%02d", $0) })
        for trace in traces {
            let keys = [
                "patient_id", "inputs", "missing", "inputs_known", "inputs_total", "derived", "derived_parts", "rules", "flags", "domains", "total_score",
                "tier", "overall", "escalations", "model", "model_candidates", "rule_set", "model_changes", "review_by",
            ]
            #expect(Set(trace.keys) == Set(keys))
            let rules = try #require(trace["rules"] as? [[String: Any]])
            #expect(rules.count == 31)
            #expect(rules.allSatisfy { ["fired", "not_fired", "unknown"].contains($0["outcome"] as? String) })
            for key in ["id", "domain", "outcome", "points", "because", "condition", "values", "failed", "missing"] {
                #expect(rules.allSatisfy { $0[key] != nil }, "\(key)")
            }
            // A JSON batch leaves out the model changes unless asked.
            #expect(trace["model_changes"] is NSNull)
        }
        let x02 = traces[1]
        #expect((x02["derived"] as? [String: Any])?["lace"] as? Int == 10)
        let fired = (x02["rules"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "fired" }.map { $0["id"] as? String }
        #expect(fired == ["clinical.lace_high"])
        let x06 = traces[5]
        let bpCrisis = (x06["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "clinical.bp_crisis" }
        #expect(bpCrisis?["outcome"] as? String == "unknown")
        #expect(bpCrisis?["missing"] as? [String] == ["systolic_bp"])
        #expect((x06["derived"] as? [String: Any])?["bp_category"] is NSNull)
    }

    /// The edge cases as a machine reads them: each condition's values, the
    /// parts that failed, the missing fields, how derived values were
    /// computed, floors, escalations, the model candidates and the scales.
    @Test func jsonFormExplainsTheEdgeCasesInDetail() throws {
        let result = try CLI.run(["explain", "--format", "json", Self.edgeCases])
        var traces: [String: [String: Any]] = [:]
        for trace in try Self.jsonLines(result.stdout) { traces[trace["patient_id"] as? String ?? ""] = trace }
        func rule(_ patient: String, _ id: String) -> [String: Any] {
            (traces[patient]?["rules"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id } ?? [:]
        }
        func item(_ patient: String, _ key: String, _ id: String) -> [String: Any] {
            (traces[patient]?[key] as? [[String: Any]] ?? []).first { $0["id"] as? String == id } ?? [:]
        }
        func domain(_ patient: String, _ name: String) -> [String: Any] {
            (traces[patient]?["domains"] as? [String: [String: Any]])?[name] ?? [:]
        }
        func parts(_ patient: String, _ name: String) -> Any? {
            (traces[patient]?["derived_parts"] as? [String: Any])?[name]
        }
        // X02: a LACE of 10, part by part; the moderate rule fails on its upper bound.
        #expect(Self.canonical(parts("X02", "lace")) == #"{"A":3,"C":2,"E":0,"L":5}"#)
        #expect(rule("X02", "clinical.lace_high")["outcome"] as? String == "fired")
        #expect(rule("X02", "clinical.lace_high")["values"] as? [String: Int] == ["lace": 10])
        #expect(
            rule("X02", "clinical.lace_high")["because"] as? String
                == "A LACE index of 10 or more means a high risk of readmission or death within 30 days.")
        #expect(rule("X02", "clinical.lace_moderate")["condition"] as? String == "5 <= lace <= 9")
        #expect(rule("X02", "clinical.lace_moderate")["failed"] as? [String] == ["lace <= 9"])
        #expect(Self.canonical(domain("X02", "clinical")["band"]) == #"{"from":3,"tier":"moderate","to":5}"#)
        #expect(Self.canonical(domain("X02", "clinical")["next_up"]) == #"{"points":2,"tier":"high"}"#)
        #expect(Self.canonical(domain("X02", "clinical")["next_down"]) == #"{"points":2,"tier":"low"}"#)
        // X04: diastolic alone is a crisis; the blood-pressure category says which case held.
        #expect(Self.canonical(parts("X04", "bp_category")) == #"{"case":1,"holds":true,"when":"systolic_bp > 180 or diastolic_bp > 120"}"#)
        #expect(rule("X04", "clinical.bp_stage2")["values"] as? [String: String] == ["bp_category": "crisis"])
        // X01: no case holds, so the otherwise.
        #expect(Self.canonical(parts("X01", "bp_category")) == #"{"case":5,"holds":true,"when":null}"#)
        // X06: systolic missing, diastolic normal: the category, and the rules on it, are unknown.
        #expect(traces["X06"]?["missing"] as? [String] == ["systolic_bp"])
        #expect((traces["X06"]?["inputs"] as? [String: Any])?["systolic_bp"] is NSNull)
        #expect(Self.canonical(parts("X06", "bp_category")) == #"{"case":1,"holds":null,"when":"systolic_bp > 180 or diastolic_bp > 120"}"#)
        for id in ["clinical.bp_crisis", "clinical.bp_stage2"] {
            #expect(rule("X06", id)["outcome"] as? String == "unknown")
            #expect(rule("X06", id)["missing"] as? [String] == ["systolic_bp"])
            #expect(rule("X06", id)["failed"] as? [String] == [])
            #expect((rule("X06", id)["values"] as? [String: Any])?["bp_category"] is NSNull)
        }
        #expect(Self.canonical(domain("X06", "clinical")["highest_tier"]) == #"{"exact":false,"tier":"moderate"}"#)
        #expect(Self.canonical((traces["X06"]?["overall"] as? [String: Any])?["highest_tier"]) == #"{"exact":false,"tier":"low"}"#)
        // X08: self-harm floors mental health and escalates; why not intensive; why clinical.
        let floor = (domain("X08", "mental_health")["floors"] as? [[String: Any]])?.first ?? [:]
        #expect(floor["id"] as? String == "floor.self_harm_risk")
        #expect(floor["applied"] as? Bool == true && floor["at_least"] as? String == "high")
        #expect((floor["because"] as? String)?.hasPrefix("Any risk of self-harm") == true)
        #expect(domain("X08", "mental_health")["tier"] as? String == "high")
        #expect((domain("X08", "mental_health")["band"] as? [String: Any])?["tier"] as? String == "moderate")
        let safety = item("X08", "escalations", "escalate.safety")
        #expect(safety["applied"] as? Bool == true && safety["outcome"] as? String == "fired")
        #expect(Self.canonical(safety["values"]) == #"{"interpersonal_safety":false,"self_harm_risk":true}"#)
        let multi = item("X08", "escalations", "escalate.multi_domain")
        #expect(multi["applied"] as? Bool == false && multi["because"] == nil)
        #expect((multi["values"] as? [String: Any])?["mental_health.tier"] as? String == "high")
        #expect((multi["failed"] as? [String])?.first?.hasPrefix("count(clinical.tier >= high") == true)
        let intensive = item("X08", "model_candidates", "intensive")
        #expect(intensive["outcome"] as? String == "not_fired" && intensive["chosen"] as? Bool == false)
        #expect(
            intensive["failed"] as? [String] == [
                "tier == very_high", "smi_diagnosis", "psych_admissions_12mo >= 2",
                "ed_visits_6mo >= 4", "caregiver_available == false", "engaged_in_care == false",
            ])
        let clinical = item("X08", "model_candidates", "clinical")
        #expect(clinical["chosen"] as? Bool == true && clinical["contact"] as? String == "every 2 weeks")
        #expect(clinical["review_days"] as? Int == 60)
        #expect(traces["X08"]?["tier"] as? String == "high" && traces["X08"]?["model"] as? String == "clinical")
        #expect(traces["X08"]?["flags"] as? [String] == ["self_harm_risk"])
        #expect(rule("X08", "mental_health.self_harm")["flag"] as? String == "self_harm_risk")
        // X09: homeless: housing is in its top band; the escalation raises the tier.
        #expect(domain("X09", "housing")["next_up"] is NSNull)
        #expect(item("X09", "escalations", "escalate.homeless")["applied"] as? Bool == true)
        #expect(
            item("X09", "model_candidates", "clinical")["failed"] as? [String]
                == ["clinical.tier == high", "mental_health.tier == high", "clinical.tier >= moderate", "mental_health.tier >= moderate"])
        // X10: an unknown part of a model condition does not stop a true one.
        #expect(rule("X10", "mental_health.psych_admission")["outcome"] as? String == "unknown")
        #expect(rule("X10", "mental_health.psych_admission")["missing"] as? [String] == ["psych_admissions_12mo"])
        #expect(item("X10", "model_candidates", "intensive")["chosen"] as? Bool == true)
        // X11: ED visits missing: LACE is unknown through its E part; both LACE rules need the field.
        #expect((traces["X11"]?["derived"] as? [String: Any])?["lace"] is NSNull)
        #expect((parts("X11", "lace") as? [String: Any])?["E"] is NSNull)
        #expect(rule("X11", "clinical.lace_moderate")["missing"] as? [String] == ["ed_visits_6mo"])
        #expect(
            item("X11", "model_candidates", "intensive")["failed"] as? [String]
                == ["tier == very_high", "smi_diagnosis", "tier == high", "caregiver_available == false", "engaged_in_care == false"])
        // X12: the near-poverty rule held on both bounds.
        #expect(rule("X12", "financial.near_poverty")["values"] as? [String: Int] == ["income_pct_fpl": 100])
        #expect(rule("X12", "financial.below_poverty")["failed"] as? [String] == ["income_pct_fpl < 100"])
    }

    /// Whatever the number of threads, the same bytes.
    @Test func jsonFormIsTheSameWithTwoJobs() throws {
        let input = "Tests/Fixtures/acceptance/reference-2k.csv"
        let one = try CLI.run(["explain", "--format", "json", "--jobs", "1", input])
        let two = try CLI.run(["explain", "--format", "json", "--jobs", "2", input])
        #expect(one.stdout.utf8.count > 1_000_000)
        #expect(one.stdout == two.stdout)
        #expect(one.stderr == two.stderr)
    }

    @Test func patientSelectsRecordsAndWhatIfIsOnForThem() throws {
        let result = try CLI.run(["explain", "--format", "json", Self.edgeCases, "--patient", "X10", "--patient", "X02", "--jobs", "2"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("record 13 (patient_id X13)"))
        #expect(result.stderr.hasSuffix("12 scored, 1 rejected\n"))
        let traces = try Self.jsonLines(result.stdout)
        #expect(traces.map { $0["patient_id"] as? String } == ["X02", "X10"], "input order, not the order asked")
        let changes = try #require(traces[1]["model_changes"] as? [[String: Any]])
        #expect(changes.contains { $0["field"] as? String == "smi_diagnosis" && $0["model"] as? String == "brokerage" })
        let off = try CLI.run(["explain", "--format", "json", Self.edgeCases, "--patient", "X10", "--no-what-if"])
        #expect(try Self.jsonLines(off.stdout).first?["model_changes"] is NSNull)
    }

    @Test func aPatientNotFoundIsAWarningAndExitsThree() throws {
        let stdin = #"{"patient_id":"A","age":80}"# + "\n"
        let found = try CLI.run(["explain", "-", "--patient", "A"], stdin: stdin)
        #expect(found.status == 0)
        #expect(CLI.withoutAbsentInputWarnings(found.stderr) == "1 scored (1 with more than half of the inputs missing), 0 rejected\n")
        let missing = try CLI.run(["explain", "-", "--patient", "B"], stdin: stdin)
        #expect(missing.status == 3)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("warning: no scored record has patient_id B"))
        #expect(missing.stderr.contains("1 scored (1 with more than half of the inputs missing), 0 rejected"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["explain"]).status == 2)
        #expect(try CLI.run(["explain", "--format", "xml", Self.edgeCases]).status == 2)
        #expect(try CLI.run(["explain", "--what-if", "--no-what-if", Self.edgeCases]).status == 2)
        #expect(try CLI.run(["explain", "/nonexistent.csv"]).status == 2)
        let help = try CLI.run(["explain", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit status:"))
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        // Standard output is a pipe here: no colour, whatever NO_COLOR says.
        let plain = try CLI.run(["explain", Self.edgeCases, "--patient", "X01"], environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["))
        #expect(plain.stdout.contains("patient_id X01"))
    }

    @Test func scoreExplainAddsTheFiredColumn() throws {
        let csv = try CLI.run(["score", "--explain", Self.edgeCases])
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix(",review_by,fired"))
        #expect(lines[2] == "X02,4,moderate,0,low,0,low,0,low,0,low,4,low,brokerage,,,2026-08-28,clinical.lace_high")
        #expect(lines[1].hasSuffix(",2026-08-28,"), "no rule fired")
        // The other columns are those of `score`.
        let plain = try CLI.run(["score", Self.edgeCases]).stdout.split(separator: "\n")
        for (with, without) in zip(lines, plain) {
            #expect(with.hasPrefix(without))
        }
        let json = try CLI.run(["score", "--explain", "--format", "ndjson", Self.edgeCases])
        let records = try Self.jsonLines(json.stdout)
        #expect(records[7]["fired"] as? [String] == ["mental_health.self_harm"])
        #expect(records[0]["fired"] as? [String] == [])
        // The fired column lists exactly the rules the trace says fired.
        let traces = try Self.jsonLines(try CLI.run(["explain", "--format", "json", Self.edgeCases]).stdout)
        for (record, trace) in zip(records, traces) {
            let fired = (trace["rules"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "fired" }.compactMap { $0["id"] as? String }
            #expect(record["fired"] as? [String] == fired)
        }
    }
}
