import StratifyTestSupport
import Testing
import Foundation

/// `stratify score` as a user runs it: exit statuses, the summary line,
/// output and error files, standard input.
@Suite struct ScoreCommandTests {
    @Test func scoresTheSamplesLikeTheReadmeSays() throws {
        let result = try CLI.run(["score", "Samples/intake.csv"])
        let expected = try RepositoryFixtures.text("Samples/intake.scored.csv")
        #expect(result.stdout == expected)
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("23 scored, 1 rejected\n"))
        #expect(result.stderr.contains("Samples/intake.csv:19: record 18 (patient_id P0000018): phq9_item9: 4 is above the maximum 3"))
    }

    /// The intake arguments are checked alike by every command that reads
    /// intake files: exit 2, nothing on standard output, and what is wrong.
    @Test(arguments: ["score", "explain", "diff"])
    func intakeArgumentsAreChecked(command: String) throws {
        let rules = command == "diff" ? ["--candidate", "Rules/default.yaml"] : []
        let cases: [([String], String)] = [
            ([], "Missing expected argument '<input> ...'"),
            (["--jobs", "0", "Samples/intake.csv"], "--jobs must be at least 1"),
            (["-", "-"], "standard input (-) can be read only once"),
            (["Samples/intake.txt"], "cannot tell the format of 'Samples/intake.txt' from its name"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run([command] + rules + arguments, stdin: "")
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func exitsZeroWhenEverythingIsScored() throws {
        let result = try CLI.run(["score", "-"], stdin: #"{"patient_id":"A","age":80}"# + "\n")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix(#"{"patient_id":"A","clinical_score":1,"#))
        #expect(CLI.withoutAbsentInputWarnings(result.stderr) == "1 scored (1 with more than half of the inputs missing), 0 rejected\n")
    }

    @Test func outputAndErrorFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.ndjson").path
        let errors = directory.appendingPathComponent("errors.csv").path
        let result = try CLI.run(["score", "Tests/Fixtures/acceptance/edge-cases.csv", "--format", "ndjson", "--output", output, "--errors", errors])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        // The warning goes to standard error even with --errors.
        #expect(
            result.stderr == """
                Tests/Fixtures/acceptance/edge-cases.csv:1: warning: column 'case' matches no input and is ignored
                12 scored, 1 rejected

                """)
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "record,patient_id,field,message\n13,X13,phq9_total,31 is above the maximum 27\n")
        #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == 12)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["errors.csv", "out.ndjson"])
    }

    @Test func usageAndRuleErrorsExitTwo() throws {
        #expect(try CLI.run(["score"]).status == 2)
        #expect(try CLI.run(["score", "--bogus", "x.csv"]).status == 2)
        #expect(try CLI.run(["score", "intake.txt"]).status == 2)
        let missing = try CLI.run(["score", "/nonexistent.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent.csv"))
        let badRules = try CLI.run(["score", "--rules", "Tests/Fixtures/acceptance/edge-cases.csv", "Samples/intake.csv"])
        #expect(badRules.status == 2)
        #expect(badRules.stdout.isEmpty)
    }

    @Test func defaultRulesWorkFromAnyDirectory() throws {
        let result = try CLI.run(["score", CLI.root + "/Tests/Fixtures/acceptance/edge-cases.csv"], directory: "/")
        #expect(result.status == 1)
        #expect(result.stdout == (try RepositoryFixtures.text("Tests/Fixtures/acceptance/edge-cases.expected.csv")))
    }

    @Test func helpDocumentsExitStatuses() throws {
        let result = try CLI.run(["score", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit status:"))
        #expect(result.stdout.contains("2  usage error"))
    }
}
