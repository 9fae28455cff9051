import StratifyTestSupport
import Foundation
import Testing

/// `track` and `worklist` through the binary, on the README's samples.
@Suite struct MonitoringCommandTests {
    @Test func trackTheSampleWaves() throws {
        let result = try CLI.run(["track", "--format", "json", "Samples/intake.csv", "Samples/intake-wave2.csv"])
        // Record 18 of the first wave is invalid: reported, exit 1.
        #expect(result.status == 1)
        #expect(result.stderr.contains("Samples/intake.csv: 23 scored, 1 rejected\n"))
        #expect(result.stderr.contains("Samples/intake-wave2.csv: 25 scored, 0 rejected\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let records = try #require(json["records"] as? [String: Int])
        #expect(records["both"] == 22 && records["new"] == 3 && records["departed"] == 1)
        #expect(records["rejected_previous"] == 1 && records["rejected_current"] == 0)
        let tiers = try #require(json["tier_transitions"] as? [String: [String: Int]])
        #expect(tiers["new"]?.values.reduce(0, +) == 3)
        #expect(Set(tiers.keys) == ["low", "moderate", "high", "very_high", "new"])
    }

    @Test func trackReadsScoreOutputAsItIs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scored = directory.appendingPathComponent("wave1.scored.ndjson").path
        _ = try CLI.run(["score", "Samples/intake.csv", "--format", "ndjson", "--output", scored])
        let fromIntake = try CLI.run(["track", "--format", "json", "Samples/intake.csv", "Samples/intake-wave2.csv"])
        let fromOutput = try CLI.run(["track", "--format", "json", scored, "Samples/intake-wave2.csv"])
        #expect(fromOutput.stderr.contains("wave1.scored.ndjson: 23 assessments read from score output"))
        // The rejected record is simply absent from score output.
        #expect(fromOutput.stdout == fromIntake.stdout.replacingOccurrences(of: "\"rejected_previous\":1", with: "\"rejected_previous\":0"))
        #expect(fromOutput.status == 0)
    }

    @Test func trackWritesChanges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let changes = directory.appendingPathComponent("changes.csv").path
        _ = try CLI.run(["track", "--changes", changes, "Samples/intake.csv", "Samples/intake-wave2.csv"])
        let rows = try String(contentsOfFile: changes, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "patient_id,previous_tier,current_tier,previous_model,current_model,direction,flags_gained,flags_lost,domains_up")
        #expect(rows.contains { $0.hasPrefix("P0000003,high,very_high,") && $0.contains(",up,self_harm_risk,") })
        #expect(rows.last?.hasPrefix("P0000005,") == true && rows.last?.contains(",departed,") == true)
    }

    @Test func worklistOfTheSample() throws {
        let result = try CLI.run([
            "worklist", "--as-of", "2026-12-01", "--previous", "Samples/intake.csv",
            "--contacts", "Samples/contacts.csv", "Samples/intake-wave2.csv",
        ])
        #expect(result.status == 1)  // the previous wave has one invalid record
        #expect(result.stderr.contains("Samples/contacts.csv: warning: 1 patient_id value of the contacts file matches no scored record"))
        let rows = result.stdout.split(separator: "\n")
        #expect(rows.first == "patient_id,priority,reason,tier,model,review_by,days_overdue,last_contact,next_contact")
        #expect(rows[1].hasPrefix("P0000003,1,self_harm_risk is new since the previous assessment; tier rose from high to very_high;"))
    }

    @Test func usageErrors() throws {
        let cases: [([String], String)] = [
            (["track", "Samples/intake.csv"], "give two assessments: PREVIOUS CURRENT"),
            (["track", "--changes", "c.txt", "Samples/intake.csv", "Samples/intake.csv"], "--changes must name a .csv or .ndjson file"),
            (["worklist", "Samples/intake.csv"], "Missing expected argument '--as-of <date>'"),
            (["worklist", "--as-of", "2026-02-30", "Samples/intake.csv"], "--as-of must be a date (YYYY-MM-DD), not '2026-02-30'"),
            (["worklist", "--as-of", "2026-02-01", "--horizon=-1", "Samples/intake.csv"], "--horizon must be 0 or more days"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// Assessments hold flags as bits of one word: a rule set with more than
    /// 64 is refused, never scored with flags dropped.
    @Test func moreThanSixtyFourFlagsAreRefused() throws {
        let base = try RepositoryFixtures.text("Tests/Fixtures/presence/rules.yaml")
        let rules = (0..<65).map {
            "      - {id: mental_health.flag\($0), when: phq9_total >= \($0 % 27), points: 0, flag: flag_\($0), because: Test.}\n"
        }.joined()
        let text = base.replacingOccurrences(of: "    rules:\n", with: "    rules:\n" + rules)
        let path = NSTemporaryDirectory() + "stratify-flags-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let intake = CLI.root + "/Tests/Fixtures/presence/intake.ndjson"
        #expect(try CLI.run(["score", "--rules", path, intake]).status == 0)
        for command in [["caseload"], ["track", intake], ["report", "--output", NSTemporaryDirectory() + "r.html"]] {
            let result = try CLI.run(command + ["--rules", path, intake])
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("the rule set has 66 flags; track, worklist, caseload and report handle at most 64"), "\(command)")
        }
    }
}
