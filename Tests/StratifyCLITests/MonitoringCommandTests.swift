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

    /// The monitoring commands find repeated identifiers in their patient
    /// tables, not with the batch's own check: the warnings must be those
    /// `score` writes, word for word and in the same place among the
    /// rejected records, on either side, across chunks, and the sides'
    /// counts must leave the repeats out of the join.
    @Test func repeatedIdentifiersAreWarnedAsScoreWarns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-repeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try String(contentsOfFile: CLI.root + "/Samples/intake.csv", encoding: .utf8).split(separator: "\n")
        // Records 2 and 4 again, and a rejected one between them; 40 copies
        // of the sample with new identifiers, so that it spans chunks.
        var rows = [String(lines[0])]
        for copy in 0..<40 {
            for line in lines.dropFirst() {
                rows.append(copy == 0 ? String(line) : "C\(copy)-" + line)
            }
            if copy % 13 == 0 {
                rows.append(copy == 0 ? String(lines[2]) : "C\(copy)-" + lines[2])
                rows.append(
                    "BAD\(copy),"
                        + lines[3].split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",").replacingOccurrences(
                            of: "2026-", with: "20x-"))
                rows.append(copy == 0 ? String(lines[4]) : "C\(copy)-" + lines[4])
            }
        }
        let path = directory.appendingPathComponent("dup.csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let score = try CLI.run(["score", "--jobs", "2", path])
        let warnings = score.stderr.split(separator: "\n").filter { $0.contains("dup.csv:") && !$0.contains(" scored, ") }
        #expect(warnings.filter { $0.contains(": warning: record ") }.count == 8)
        #expect(warnings.count > 8)
        for command in [["track", "--format", "json", path, path], ["worklist", "--as-of", "2026-12-01", "--previous", path, path]] {
            let result = try CLI.run(command + ["--jobs", "2"])
            #expect(result.status == 1)
            let sides = result.stderr.components(separatedBy: "\(path): ").count - 1
            #expect(sides == 2)
            // Each side's lines are score's.
            let seen = result.stderr.split(separator: "\n").filter { $0.contains("dup.csv:") && !$0.contains(" scored, ") }
            #expect(seen == warnings + warnings)
            #expect(result.stderr.contains("\(path): \(score.stderr.split(separator: "\n").last!)"))
        }
        let track = try CLI.run(["track", "--format", "json", path, path])
        #expect(track.stdout.contains(#""duplicate_previous":8,"duplicate_current":8"#))
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
