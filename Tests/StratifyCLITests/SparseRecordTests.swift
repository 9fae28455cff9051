import StratifyTestSupport
import Foundation
import Testing

/// Records scored on little data are never silent: the summary line counts
/// those with more than half of the inputs missing, `explain` says under
/// the result how much a record was scored on and how high the missing data
/// could take it, and a rule file can act on missing data with `known(x)`
/// and `missing(x)`.
@Suite struct SparseRecordTests {
    static let presenceRules = "Tests/Fixtures/presence/rules.yaml"
    static let presenceIntake = "Tests/Fixtures/presence/intake.ndjson"

    /// The reference rules' intake columns: the identifier and 29 inputs.
    static let header = try! RepositoryFixtures.text("Samples/intake.csv")
        .split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    static let complete = "P1,2026-02-22,47,0,FALSE,0,0,0,107,72,9,10,0,4,FALSE,0,NONE,218,MEDICAID,FALSE,FALSE,FALSE,STEADY,0,6,TRUE,FALSE,NEVER,FALSE,TRUE"
        .split(separator: ",").map(String.init)

    /// The complete row with `identifier`, and the last `blank` inputs left empty.
    static func row(_ identifier: String, blank: Int) -> String {
        var fields = complete
        fields[0] = identifier
        for index in (fields.count - blank)..<fields.count { fields[index] = "" }
        return fields.joined(separator: ",")
    }

    // MARK: - The summary line

    @Test func theSummaryCountsRecordsScoredWithMoreThanHalfOfTheInputsMissing() throws {
        #expect(Self.header.count == 30)
        let rows = [
            Self.row("P1", blank: 0),
            Self.row("P2", blank: 14),  // 15 of 29 known: not more than half missing
            Self.row("P3", blank: 15),  // 14 of 29 known
            Self.row("P4", blank: 29),  // the identifier alone
            "P5," + String(repeating: ",", count: 11) + "4" + String(repeating: ",", count: 17),  // phq9_item9 4: rejected
        ]
        let csv = RepositoryFixtures.temporaryFile(
            ([Self.header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n", prefix: "stratify-sparse", suffix: ".csv")
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let result = try CLI.run(["score", csv])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").count == 5)
        #expect(result.stderr.hasSuffix("\n4 scored (2 with more than half of the inputs missing), 1 rejected\n"), "\(result.stderr)")
        #expect(result.stderr.contains("record 5 (patient_id P5): phq9_item9: 4 is above the maximum 3"))

        // The same records as NDJSON, and with one sparse record: the word stays plural-free.
        let ndjson = RepositoryFixtures.temporaryFile(
            #"{"patient_id":"A","age":80}"# + "\n" + #"{"patient_id":"B"}"# + "\n", prefix: "stratify-sparse", suffix: ".ndjson")
        defer { try? FileManager.default.removeItem(atPath: ndjson) }
        let json = try CLI.run(["score", ndjson])
        #expect(json.status == 0)
        #expect(CLI.withoutAbsentInputWarnings(json.stderr) == "2 scored (2 with more than half of the inputs missing), 0 rejected\n")
        let one = try CLI.run(["score", "-"], stdin: #"{"patient_id":"A","age":80}"# + "\n")
        #expect(CLI.withoutAbsentInputWarnings(one.stderr) == "1 scored (1 with more than half of the inputs missing), 0 rejected\n")
    }

    @Test func withNoSparseRecordTheSummaryIsAsBefore() throws {
        let sample = try CLI.run(["score", "Samples/intake.csv"])
        #expect(sample.stderr.hasSuffix("\n23 scored, 1 rejected\n"))
        let reference = try CLI.run(["score", "Tests/Fixtures/acceptance/reference-1k.ndjson"])
        #expect(reference.stderr.hasSuffix("\n987 scored, 13 rejected\n"))
        // explain counts alike.
        let explained = try CLI.run(["explain", "--format", "json", "Samples/intake.csv"])
        #expect(explained.stderr.hasSuffix("\n23 scored, 1 rejected\n"))
    }

    @Test func theCountFollowsTheRuleFilesInputs() throws {
        // Two inputs besides the identifier: one missing is not more than half.
        let result = try CLI.run(["score", "--rules", Self.presenceRules, Self.presenceIntake])
        #expect(result.stderr == "4 scored (1 with more than half of the inputs missing), 0 rejected\n")
    }

    // MARK: - explain

    /// The first 12 hex digits of the built-in rule set's SHA-256, as explain shows them.
    static var defaultDigest: String { String((try? CLI.sha256(ofFile: "Rules/default.yaml"))?.prefix(12) ?? "") }

    /// The first lines of the text form, without the rule above them.
    static func head(_ text: String, _ count: Int = 4) -> [String] {
        Array(text.split(separator: "\n").dropFirst().prefix(count).map(String.init))
    }

    @Test func explainSaysWhatARecordWasScoredOnUnderTheResult() throws {
        let sparse = try CLI.run(["explain", "Samples/intake.csv", "--patient", "P0000012"])
        #expect(
            Self.head(sparse.stdout) == [
                "patient_id P0000012: tier HIGH, model clinical, review by 2027-01-13",
                "Scored on 27 of 29 inputs; if the missing data were known, the tier could be as high as very_high.",
                "Total score 13. Flags: self_harm_risk. Rule set: reference (sha256 \(Self.defaultDigest)).",
                "Missing data (2): phq9_total, systolic_bp. The scores count only what is known.",
            ])
        // The bound is the one "What would change it" gives.
        #expect(sparse.stdout.contains("If the missing data were known, the tier could be at most very_high"))

        let cannotRaise = try CLI.run(["explain", "Samples/intake.csv", "--patient", "P0000001"])
        #expect(
            Self.head(cannotRaise.stdout, 2) == [
                "patient_id P0000001: tier LOW, model brokerage, review by 2026-08-21",
                "Scored on 28 of 29 inputs; the missing data could not raise the tier.",
            ])

        let complete = try CLI.run(["explain", "Tests/Fixtures/acceptance/edge-cases.csv", "--patient", "X08"])
        #expect(
            Self.head(complete.stdout, 3) == [
                "patient_id X08: tier HIGH, model clinical, review by 2026-04-30",
                "Total score 3. Flags: self_harm_risk. Rule set: reference (sha256 \(Self.defaultDigest)).",
                "No missing data.",
            ])
    }

    @Test func explainOfARecordWithOnlyItsIdentifier() throws {
        // (A file of such records alone is refused: it has no input to score on.)
        let stdin = #"{"patient_id":"A"}"# + "\n" + #"{"patient_id":"B","age":80}"# + "\n"
        let text = try CLI.run(["explain", "-", "--no-what-if", "--patient", "A"], stdin: stdin)
        #expect(text.status == 0)
        let lines = Self.head(text.stdout, 2)
        #expect(lines.first?.hasPrefix("patient_id A: tier ") == true)
        #expect(lines.last == "Scored on 0 of 29 inputs; if the missing data were known, the tier could be as high as very_high.")
        #expect(CLI.withoutAbsentInputWarnings(text.stderr) == "2 scored (2 with more than half of the inputs missing), 0 rejected\n")

        let json = try #require(try ExplainCommandTests.jsonLines(CLI.run(["explain", "--format", "json", "-", "--patient", "A"], stdin: stdin).stdout).first)
        #expect(json["inputs_known"] as? Int == 0)
        #expect(json["inputs_total"] as? Int == 29)
        #expect((json["missing"] as? [String])?.count == 29)
        #expect((json["overall"] as? [String: Any]).flatMap { $0["highest_tier"] as? [String: Any] }?["tier"] as? String == "very_high")
    }

    @Test func theJSONTraceCountsTheInputsKnown() throws {
        let traces = try ExplainCommandTests.jsonLines(CLI.run(["explain", "--format", "json", "Tests/Fixtures/acceptance/edge-cases.csv"]).stdout)
        #expect(traces.count == 12)
        for trace in traces {
            let missing = try #require(trace["missing"] as? [String])
            #expect(trace["inputs_total"] as? Int == 29)
            #expect(trace["inputs_known"] as? Int == 29 - missing.count)
        }
        let x08 = try #require(traces.first { $0["patient_id"] as? String == "X08" })
        #expect(x08["inputs_known"] as? Int == 29)
        // After `missing`, before `derived`, in the order the docs give.
        let line = try #require(
            CLI.run(["explain", "--format", "json", "Tests/Fixtures/acceptance/edge-cases.csv", "--patient", "X06"])
                .stdout.split(separator: "\n").first)
        #expect(line.contains(#""missing":["systolic_bp"],"inputs_known":28,"inputs_total":29,"derived":{"#))
    }

    // MARK: - known(x) and missing(x)

    @Test func aRuleFileCanActOnMissingData() throws {
        let check = try CLI.run(["check", Self.presenceRules])
        #expect(check.status == 0)
        #expect(check.stdout + check.stderr == "\(Self.presenceRules): no problems (sha256 \(try CLI.sha256(ofFile: Self.presenceRules)))\n")

        let scored = try CLI.run(["score", "--rules", Self.presenceRules, Self.presenceIntake, "--format", "csv"])
        #expect(
            scored.stdout == """
                patient_id,mental_health_score,mental_health_tier,total_score,tier,model,flags,missing,review_by
                A,0,low,0,moderate,standard,incomplete_screening,gad7_total;phq9_total,
                B,0,low,0,low,standard,,gad7_total,
                C,0,low,0,low,standard,,,
                D,3,moderate,3,moderate,standard,,phq9_total,

                """)
    }

    @Test func explainShowsPresenceTestsAndTheirBound() throws {
        let result = try CLI.run(["explain", "--rules", Self.presenceRules, Self.presenceIntake, "--no-what-if"])
        let records = result.stdout.components(separatedBy: String(repeating: "═", count: 100) + "\n").filter { !$0.isEmpty }
        #expect(records.count == 4)
        let a = records[0]
        #expect(
            a.hasPrefix(
                """
                patient_id A: tier MODERATE, model standard
                Scored on 0 of 2 inputs; if the missing data were known, the tier could be as high as high.

                """))
        #expect(
            a.contains(
                """
                  ✓ mental_health.screening_incomplete: +0 to mental_health, flag incomplete_screening
                      missing(phq9_total) ✓; missing(gad7_total) ✓
                """))
        #expect(a.contains("✗ mental_health.gad7_severe (+3): known(gad7_total) ✗"))
        // `known(gad7_total)` is false, not unknown, but filling gad7_total
        // in could make the rule fire: the bound counts it.
        let b = records[1]
        #expect(
            b.hasPrefix(
                """
                patient_id B: tier LOW, model standard
                Scored on 1 of 2 inputs; if the missing data were known, the tier could be as high as moderate.

                """))
        #expect(b.contains("✗ mental_health.screening_incomplete (+0): missing(phq9_total) ✗"))
        #expect(!records[2].contains("Scored on"))

        let json = try ExplainCommandTests.jsonLines(CLI.run(["explain", "--format", "json", "--rules", Self.presenceRules, Self.presenceIntake]).stdout)
        let rules = try #require(json[1]["rules"] as? [[String: Any]])
        let gad7 = try #require(rules.first { $0["id"] as? String == "mental_health.gad7_severe" })
        #expect(gad7["outcome"] as? String == "not_fired")
        #expect(gad7["failed"] as? [String] == ["known(gad7_total)"])
        #expect(gad7["missing"] as? [String] == [])
        #expect((gad7["values"] as? [String: Any])?["gad7_total"] is NSNull)
        let overall = try #require(json[1]["overall"] as? [String: Any])
        #expect((overall["highest_tier"] as? [String: Any])?["tier"] as? String == "moderate")
        #expect((overall["highest_tier"] as? [String: Any])?["exact"] as? Bool == false)
    }
}
