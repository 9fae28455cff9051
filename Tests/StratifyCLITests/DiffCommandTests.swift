import StratifyTestSupport
import Testing
import Foundation

/// `stratify diff` as a user runs it: the text and JSON reports, the
/// changes file, and exit statuses.
@Suite struct DiffCommandTests {
    static let edgeCases = "Tests/Fixtures/acceptance/edge-cases.csv"

    /// The default rules with the overall low band ending at 3 instead of 5.
    static func candidate(in directory: String) throws -> String {
        let rules = try RepositoryFixtures.text("Rules/default.yaml")
        let edited = rules.replacingOccurrences(
            of: "tiers: {low: 0..5, moderate: 6..11, high: 12..17, very_high: 18..}",
            with: "tiers: {low: 0..3, moderate: 4..11, high: 12..17, very_high: 18..}")
        #expect(edited != rules)
        let path = directory + "/candidate.yaml"
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func jsonReportCountsTheMigrations() throws {
        let directory = try TestCommandTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let candidate = try Self.candidate(in: directory)
        let result = try CLI.run(["diff", "--rules", "Rules/default.yaml", "--candidate", candidate, Self.edgeCases, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // X13 is invalid under both: 12 records are scored by both.
        #expect(json["records"] as? Int == 12)
        // Only totals 4 and 5 change band: X02 (4) and X09 (5, already moderate by escalation).
        #expect(json["changed"] as? Int == 1)
        let tiers = try #require(json["tier_migration"] as? [String: [String: Int]])
        #expect(tiers["low"]?["moderate"] == 1)
        #expect(tiers["low"]?["low"] == 9)
        #expect(tiers["moderate"]?["moderate"] == 1)
        #expect(Set(tiers.keys) == ["low", "moderate", "high", "very_high"])
        #expect(tiers.values.flatMap(\.values).reduce(0, +) == 12)
        let models = try #require(json["model_migration"] as? [String: [String: Int]])
        #expect(models["brokerage"]?["strengths_based"] == 1)
        let rules = try #require(json["rules"] as? [String: [String: Any]])
        #expect(rules.count == 31)
        #expect(rules["clinical.lace_high"]?["fired_old"] as? Int == 1)
        #expect(rules["clinical.lace_high"]?["fired_new"] as? Int == 1)
        let rejected = try #require(json["rejected"] as? [String: Any])
        #expect(rejected["both"] as? Int == 1)
        #expect(json["read"] as? Int == 13)
        #expect((json["domains"] as? [String: Any])?.count == 5)
    }

    /// The candidate moves X02 from brokerage to strengths_based; with a
    /// strengths_based caseload of 1, that is one more case manager.
    @Test func caseManagersNeededUnderEachFile() throws {
        let directory = try TestCommandTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let candidate = try Self.candidate(in: directory)
        let rules = try String(contentsOfFile: candidate, encoding: .utf8)
            .replacingOccurrences(of: "    contact_days: 30\n    caseload: 20\n", with: "    contact_days: 30\n    caseload: 1\n")
        try rules.write(toFile: candidate, atomically: true, encoding: .utf8)
        let json = try CLI.run(["diff", "--candidate", candidate, Self.edgeCases, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let caseload = try #require(object["caseload"] as? [String: [String: Any]])
        let strengths = try #require(caseload["strengths_based"])
        let patientsOld = try #require(strengths["patients_old"] as? Int)
        #expect(strengths["patients_new"] as? Int == patientsOld + 1)
        #expect(strengths["caseload_old"] as? Int == 20 && strengths["caseload_new"] as? Int == 1)
        #expect(strengths["needed_old"] as? Int == (patientsOld + 19) / 20)
        #expect(strengths["needed_new"] as? Int == patientsOld + 1)
        #expect(strengths["change"] as? Int == patientsOld + 1 - (patientsOld + 19) / 20)
        #expect(caseload["brokerage"]?["change"] as? Int == 0)
        let text = try CLI.run(["diff", "--candidate", candidate, Self.edgeCases])
        #expect(text.stdout.contains("Case managers needed (patients ÷ caseload, rounded up)\n"))
        let change = patientsOld + 1 - (patientsOld + 19) / 20
        #expect(text.stdout.contains("  +\(change) strengths_based case manager\(change == 1 ? "" : "s") needed\n"))

        // Rule files without caseloads: no such section.
        let plain = try RepositoryFixtures.text("Rules/default.yaml")
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("caseload:") }.joined(separator: "\n")
        try plain.write(toFile: candidate, atomically: true, encoding: .utf8)
        let none = try CLI.run(["diff", "--rules", candidate, "--candidate", candidate, Self.edgeCases, "--format", "json"])
        #expect(!none.stdout.contains("\"caseload\""))
    }

    @Test func textReportIsAlignedAndFitsInAHundredColumns() throws {
        let directory = try TestCommandTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let candidate = try Self.candidate(in: directory)
        let result = try CLI.run(["diff", "--candidate", candidate, Self.edgeCases, "Tests/Fixtures/acceptance/reference-1k.ndjson", "--jobs", "2"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Old rules: Rules/default.yaml (built in)\nNew rules: \(candidate)\n"))
        #expect(result.stdout.contains("Tier migration (rows: old tier, columns: new tier)\n  old \\ new    low  moderate  high  very_high  rejected  total\n"))
        #expect(result.stdout.contains("Model migration (rows: old model, columns: new model)"))
        #expect(result.stdout.contains("\n  clinical.lace_high "))
        #expect(result.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test func changesFileListsTheChangedPatients() throws {
        let directory = try TestCommandTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let candidate = try Self.candidate(in: directory)
        let changes = directory + "/changes.csv"
        let result = try CLI.run(["diff", "--candidate", candidate, Self.edgeCases, "--changes", changes, "--format", "json"])
        #expect(result.status == 0)
        #expect(
            try String(contentsOfFile: changes, encoding: .utf8) == """
                record,patient_id,old_tier,new_tier,old_model,new_model,rules_changed,rejected
                2,X02,low,moderate,brokerage,strengths_based,,

                """)
        let ndjson = directory + "/changes.ndjson"
        _ = try CLI.run(["diff", "--candidate", candidate, Self.edgeCases, "--changes", ndjson])
        #expect(
            try String(contentsOfFile: ndjson, encoding: .utf8)
                == #"{"record":2,"patient_id":"X02","old_tier":"low","new_tier":"moderate","old_model":"brokerage","new_model":"strengths_based","rules_changed":[],"rejected":null}"#
                + "\n")
    }

    @Test func errorsExitTwo() throws {
        #expect(try CLI.run(["diff", Self.edgeCases]).status == 2)  // no --candidate
        #expect(try CLI.run(["diff", "--candidate", "Rules/default.yaml"]).status == 2)  // no input
        #expect(try CLI.run(["diff", "--candidate", "Rules/default.yaml", Self.edgeCases, "--changes", "out.txt"]).status == 2)
        let broken = try CLI.run(["diff", "--candidate", Self.edgeCases, Self.edgeCases])
        #expect(broken.status == 2)
        #expect(broken.stdout.isEmpty)
        #expect(broken.stderr.contains("\(Self.edgeCases):6:160: error: mapping values are not allowed in this context"))
        let missing = try CLI.run(["diff", "--candidate", "Rules/default.yaml", "/nonexistent.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent.csv"))
    }
}
