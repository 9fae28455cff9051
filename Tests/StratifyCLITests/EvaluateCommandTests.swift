import StratifyTestSupport
import Foundation
import Testing

/// `stratify evaluate` and `diff --outcomes` through the binary, on the
/// README's sample and its outcomes.
@Suite struct EvaluateCommandTests {
    /// The default rules with the high band starting at 10 instead of 12.
    func lowerHighBand(in directory: ScratchFolder) throws -> String {
        let candidate = directory.file("candidate.yaml")
        let rules = try RepositoryFixtures.text("Rules/default.yaml")
        try rules.replacingOccurrences(of: "moderate: 6..11, high: 12..17", with: "moderate: 6..9, high: 10..17")
            .write(toFile: candidate, atomically: true, encoding: .utf8)
        return candidate
    }

    @Test func evaluatesTheSampleAndReportsEveryRecord() throws {
        let result = try CLI.run(["evaluate", "--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--min-cell", "0", "Samples/intake.csv"])
        // Record 18 is rejected: reported as by score, exit 1.
        #expect(result.status == 1)
        #expect(result.stderr.contains("record 18 (patient_id P0000018)"))
        #expect(
            result.stdout.hasPrefix(
                """
                records: 23 scored, 22 with an outcome, 1 without, 1 outcome rows unmatched, 1 rejected
                outcome: admitted_90d (binary)
                patients 22, events 8, base rate 36.4%
                c-statistic of total_score: 0.674 (95% CI 0.438–0.910)
                c-statistic of tier: 0.629 (95% CI 0.406–0.853)

                by tier
                  tier        n  events   rate       95% CI
                  low         7       1  14.3%   2.6%–51.3%
                  moderate   10       5  50.0%  23.7%–76.3%
                  high        5       2  40.0%  11.8%–76.9%
                  very_high   0       0      -            -

                thresholds
                  at least   flagged  share  sensitivity  specificity    PPV  lift
                  moderate        15  68.2%        87.5%        42.9%  46.7%  1.28
                  high             5  22.7%        25.0%        78.6%  40.0%  1.10
                  very_high        0   0.0%         0.0%       100.0%      -     -
                """))
    }

    @Test func hidesSmallCellsByDefaultInJSON() throws {
        let result = try CLI.run([
            "evaluate", "--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--format", "json", "-q", "Samples/intake.csv",
        ])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let records = try #require(json["records"] as? [String: Int])
        #expect(records == ["scored": 23, "with_outcome": 22, "without_outcome": 1, "outcomes_unmatched": 1, "rejected": 1])
        #expect(json["min_cell"] as? Int == 11)
        let outcome = try #require(json["outcome"] as? [String: Any])
        #expect(outcome["n"] as? Int == 22)
        #expect(outcome["events"] is NSNull && outcome["suppressed"] as? Bool == true)
        let tiers = try #require(json["tiers"] as? [[String: Any]])
        #expect(tiers[0]["n"] is NSNull && tiers[0]["suppressed"] as? Bool == true)
        #expect(tiers[3]["n"] as? Int == 0 && tiers[3]["suppressed"] as? Bool == false)
        #expect((json["c_statistic"] as? [String: Any])?["total_score"] is NSNull)
    }

    @Test func numericOutcomeByGroupAndCandidate() throws {
        let directory = try ScratchFolder()
        let candidate = try lowerHighBand(in: directory)
        let result = try CLI.run([
            "evaluate", "--outcomes", "Samples/outcomes.csv", "--outcome", "cost_next_12mo", "--by", "insurance",
            "--candidate", candidate, "--min-cell", "0", "--format", "json", "Samples/intake.csv",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["outcome"] as? [String: Any])?["type"] as? String == "number")
        #expect(json["c_statistic"] is NSNull)
        #expect((json["groups"] as? [[String: Any]])?.map { $0["value"] as? String } == ["private", "medicare", "medicaid", "dual", "uninsured"])
        #expect((json["candidate"] as? [String: Any])?["rules_file"] as? String == candidate)
        // Moving the high band down moves patients up: the candidate's high tier holds more.
        let current = try #require((json["tiers"] as? [[String: Any]])?[2]["n"] as? Int)
        let moved = try #require(((json["candidate"] as? [String: Any])?["tiers"] as? [[String: Any]])?[2]["n"] as? Int)
        #expect(moved > current)
        #expect(((json["records"] as? [String: Int])?["rejected_both"]) == 1)
    }

    @Test func diffPrintsTheComparisonUnderItsMatrices() throws {
        let directory = try ScratchFolder()
        let candidate = try lowerHighBand(in: directory)
        let text = try CLI.run([
            "diff", "--candidate", candidate, "--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--min-cell", "0", "Samples/intake.csv",
        ])
        #expect(text.status == 0, "\(text.stderr)")
        let migration = try #require(text.stdout.range(of: "Tier migration"))
        let comparison = try #require(text.stdout.range(of: "== candidate minus current\nc-statistic of total_score: "))
        #expect(migration.upperBound < comparison.lowerBound)
        #expect(text.stdout.contains("net reclassification improvement across tiers: "))
        let json = try CLI.run([
            "diff", "--candidate", candidate, "--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--format", "json", "Samples/intake.csv",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["tier_migration"] != nil)
        let evaluation = try #require(object["evaluation"] as? [String: Any])
        #expect((evaluation["comparison"] as? [String: Any])?["nri"] != nil)
    }

    @Test func joinErrors() throws {
        let directory = try ScratchFolder()
        let outcomes = directory.file("outcomes.csv")
        try "patient_id,admitted_90d\nP0000001,1\nP0000002,0\nP0000001,0\n".write(toFile: outcomes, atomically: true, encoding: .utf8)
        let duplicate = try CLI.run(["evaluate", "--outcomes", outcomes, "--outcome", "admitted_90d", "Samples/intake.csv"])
        #expect(duplicate.status == 2)
        #expect(duplicate.stdout.isEmpty)
        #expect(duplicate.stderr.contains("outcomes.csv:4: error: patient_id P0000001 has more than one outcome row"))

        let cases: [([String], String)] = [
            (["--outcomes", "Samples/outcomes.csv", "Samples/intake.csv"], "--outcome NAME is required"),
            (["--outcomes", "Samples/outcomes.csv", "--outcome", "admitted", "Samples/intake.csv"], "no 'admitted' column"),
            (
                ["--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--by", "age", "Samples/intake.csv"],
                "--by 'age' is not an enum or boolean input"
            ),
            (
                ["--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--by", "colour", "Samples/intake.csv"],
                "--by 'colour' is not an input of the rule set"
            ),
            (["--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--min-cell=-1", "Samples/intake.csv"], "--min-cell must be 0 or more"),
            (["--outcome", "admitted_90d", "-"], "cannot be standard input"),
            (
                ["--outcomes", "Samples/outcomes.csv", "--outcome", "cost_next_12mo", "--outcome-type", "binary", "Samples/intake.csv"],
                "is not 0/1, true/false or yes/no"
            ),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(["evaluate"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func outcomesFromTheIntakeItself() throws {
        let directory = try ScratchFolder()
        let intake = directory.file("intake.csv")
        // The sample has no outcome column: smi_diagnosis (a boolean) stands in for one.
        try FileManager.default.copyItem(atPath: CLI.root + "/Samples/intake.csv", toPath: intake)
        let result = try CLI.run(["evaluate", "--outcome", "smi_diagnosis", "--min-cell", "0", "--format", "json", "-q", intake])
        #expect(result.status == 1, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["records"] as? [String: Int])?["scored"] == 23)
        #expect((json["outcome"] as? [String: Any])?["type"] as? String == "binary")
    }
}
