import Foundation
import Testing

/// `stratify explain` and `stratify score --explain` as a user runs them:
/// the text and JSON forms, `--patient`, exit statuses and the summary line.
@Suite struct ExplainCommandTests {
    static let edgeCases = "Tests/Fixtures/acceptance/edge-cases.csv"

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
            for key in ["inputs", "missing", "derived", "derived_steps", "rules", "flags", "domains", "total_score", "tier",
                        "overall", "escalations", "model", "model_candidates", "model_changes", "review_by"] {
                #expect(trace[key] != nil, "\(key)")
            }
            let rules = try #require(trace["rules"] as? [[String: Any]])
            #expect(rules.count == 31)
            #expect(rules.allSatisfy { ["fired", "not_fired", "unknown"].contains($0["outcome"] as? String) })
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

    @Test func aPatientNotFoundIsAWarningAndExitsOne() throws {
        let stdin = #"{"patient_id":"A","age":80}"# + "\n"
        let found = try CLI.run(["explain", "-", "--patient", "A"], stdin: stdin)
        #expect(found.status == 0)
        #expect(found.stderr == "1 scored, 0 rejected\n")
        let missing = try CLI.run(["explain", "-", "--patient", "B"], stdin: stdin)
        #expect(missing.status == 1)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("warning: no scored record has patient_id B"))
        #expect(missing.stderr.contains("1 scored, 0 rejected"))
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
