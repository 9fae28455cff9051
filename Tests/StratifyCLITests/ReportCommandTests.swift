import StratifyTestSupport
import Foundation
import Testing

/// `stratify report` through the binary, on the README's samples.
@Suite struct ReportCommandTests {
    static let everything = [
        "report", "Samples/intake-wave2.csv", "--previous", "Samples/intake.csv", "--outcomes", "Samples/outcomes.csv",
        "--outcome", "admitted_90d", "--staff", "Samples/staff.csv", "--as-of", "2026-12-01", "--min-cell", "0",
    ]

    @Test func writesOneSelfContainedDeterministicPage() throws {
        let directory = try ScratchFolder()
        let first = directory.file("a.html"), second = directory.file("b.html")
        let result = try CLI.run(Self.everything + ["--output", first])
        #expect(result.status == 0, "\(result.stderr)")
        _ = try CLI.run(Self.everything + ["--output", second])
        let page = try String(contentsOfFile: first, encoding: .utf8)
        #expect(page == (try String(contentsOfFile: second, encoding: .utf8)))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("src=") && !page.contains("href="))
        // Every section, every chart with its table.
        for id in ["population", "migration", "outcomes", "traceability"] { #expect(page.contains("<section id=\"\(id)\">"), "\(id)") }
        #expect(page.components(separatedBy: "<svg ").count == page.components(separatedBy: "<details>").count)
        #expect(page.components(separatedBy: "aria-label=").count == page.components(separatedBy: "<svg ").count)
        // The sample's figures (caseload: 1 intensive, 1 clinical, 15 strengths_based, 8 brokerage).
        #expect(page.contains("data-kind=\"tier\" data-key=\"moderate\" data-n=\"13\""))
        #expect(page.contains("data-kind=\"model\" data-key=\"strengths_based\" data-n=\"15\" data-needed=\"1\""))
        #expect(page.contains("data-kind=\"track-records\" data-both=\"22\" data-new=\"3\" data-departed=\"1\""))
        #expect(page.contains("2026-12-01 (--as-of)"))
    }

    /// The outcome figures come through the same read as the population's:
    /// they must be evaluate's, patient for patient.
    @Test func outcomeFiguresAreEvaluates() throws {
        let directory = try ScratchFolder()
        let path = directory.file("r.html")
        _ = try CLI.run(Self.everything + ["--output", path])
        let page = try String(contentsOfFile: path, encoding: .utf8)
        let evaluation = try CLI.run([
            "evaluate", "--outcomes", "Samples/outcomes.csv", "--outcome", "admitted_90d", "--min-cell", "0", "--format", "json",
            "Samples/intake-wave2.csv",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let tiers = try #require(json["tiers"] as? [[String: Any]])
        #expect(tiers.count == 4)
        for tier in tiers {
            let name = try #require(tier["tier"] as? String), n = try #require(tier["n"] as? Int), events = try #require(tier["events"] as? Int)
            #expect(page.contains("data-kind=\"outcome-tier\" data-key=\"\(name)\" data-n=\"\(n)\" data-events=\"\(events)\""), "\(name)")
        }
    }

    @Test func smallCellsAreHiddenByDefault() throws {
        let directory = try ScratchFolder()
        let path = directory.file("r.html")
        let result = try CLI.run(["report", "Samples/intake-wave2.csv", "--as-of", "2026-12-01", "--output", path])
        #expect(result.status == 0)
        let page = try String(contentsOfFile: path, encoding: .utf8)
        #expect(page.contains("data-kind=\"tier\" data-key=\"very_high\" data-suppressed=\"true\""))
        #expect(page.contains("data-kind=\"tier\" data-key=\"moderate\" data-n=\"13\""))
        #expect(page.contains("&lt;11"))
    }

    @Test func usageErrors() throws {
        let cases: [([String], String)] = [
            (["Samples/intake.csv"], "Missing expected argument '--output <file>'"),
            (["--as-of", "2026-13-01", "--output", "r.html", "Samples/intake.csv"], "--as-of must be a date"),
            (["--outcomes", "Samples/outcomes.csv", "--output", "r.html", "Samples/intake.csv"], "--outcomes needs --outcome NAME"),
            (["--errors", "e.csv", "--output", "r.html", "Samples/intake.csv", "Samples/intake-wave2.csv"], "--errors takes one input with report"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(["report"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}

/// `explain --format html`: the patient card.
@Suite struct PatientCardTests {
    @Test func aCardPerPatientInOnePage() throws {
        let result = try CLI.run(["explain", "Samples/intake.csv", "--patient", "P0000003", "--patient", "P0000007", "--format", "html", "-q"])
        #expect(result.status == 1)  // the sample's invalid record 18
        let page = result.stdout
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</body></html>\n"))
        #expect(page.components(separatedBy: "<article class=\"card\"").count == 3)
        #expect(page.contains("data-key=\"P0000003\" data-tier=\"high\" data-model=\"clinical\""))
        #expect(page.contains("Next review by 2026-04-21."))
        #expect(page.contains("A LACE index of 10 or more means a high risk of readmission or death within 30 days."))
        #expect(page.contains("Not recorded (1 of 29): admissions_12mo."))
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("href="))
    }

    @Test func needsAPatient() throws {
        let result = try CLI.run(["explain", "Samples/intake.csv", "--format", "html"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--format html needs --patient ID"))
    }
}

/// `diff --format html`.
@Suite struct DiffHTMLTests {
    @Test func migrationsRulesAndCapacityOnOnePage() throws {
        let directory = try ScratchFolder()
        // The reference rules with one band edge moved: moderate ends at 10.
        let rules = try RepositoryFixtures.text("Rules/default.yaml")
        let candidate = directory.file("candidate.yaml")
        try rules.replacingOccurrences(of: "moderate: 6..11, high: 12..17", with: "moderate: 6..10, high: 11..17")
            .write(toFile: candidate, atomically: true, encoding: .utf8)
        let page = directory.file("diff.html")
        let result = try CLI.run(["diff", "--candidate", candidate, "Samples/intake.csv", "--format", "html", "--output", page, "--min-cell", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("data-kind=\"diff-records\" data-records=\"23\""))
        for title in ["Tier migration (before → after)", "Model migration", "Score changes per domain", "Rule firing before and after", "Capacity"] {
            #expect(html.contains(title), "\(title)")
        }
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        let usage = try CLI.run(["diff", "--candidate", candidate, "Samples/intake.csv", "--format", "html"])
        #expect(usage.status == 2 && usage.stderr.contains("--format html and --output FILE go together"))
    }
}
