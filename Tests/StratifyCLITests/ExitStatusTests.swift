import StratifyTestSupport
import Foundation
import Testing

/// What a script can rely on: exit statuses, `--max-rejected`, how many
/// rejected records standard error lists, `--version` and the rule file's
/// SHA-256, and rule files read from standard input.
@Suite struct ExitStatusTests {

    static let header = "patient_id,age,acute_admission\n"

    /// `count` records; those `rejected(i)` says (from 1) have a bad age.
    static func intake(_ count: Int, rejected: (Int) -> Bool) -> String {
        Self.header + (1...count).map { "P\($0),\(rejected($0) ? "x" : "40"),no\n" }.joined()
    }

    /// Files left in a directory, the intake file aside.
    static func leftovers(_ directory: ScratchFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "intake.csv" }.sorted()
    }

    // MARK: - Exit statuses

    @Test(arguments: ["score", "explain"])
    func everyRecordRejectedExitsTwo(command: String) throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.intake(2) { _ in true }.utf8))
        let result = try CLI.run([command, "intake.csv", "--errors", "rejected.csv"], directory: directory.path)
        #expect(result.status == 2)
        #expect(CLI.withoutAbsentInputWarnings(result.stderr) == "0 scored, 2 rejected\n")
        // The reasons are kept: the errors file is written.
        #expect(
            try String(contentsOfFile: directory.path + "/rejected.csv", encoding: .utf8) == """
                record,patient_id,field,message
                1,P1,age,'x' is not a whole number
                2,P2,age,'x' is not a whole number

                """)
    }

    @Test func anInputWithNoRecordsIsAWarningAndExitsZero() throws {
        let empty = try CLI.run(["score", "-"], stdin: "")
        #expect(empty.status == 0)
        #expect(empty.stdout.isEmpty)
        #expect(empty.stderr == "warning: no records in standard input\n0 scored, 0 rejected\n")
        // Among other inputs, the one without records is named.
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.intake(1) { _ in false }.utf8))
        _ = try directory.write("empty.csv", Array(Self.header.utf8))
        let mixed = try CLI.run(["score", "intake.csv", "empty.csv"], directory: directory.path)
        #expect(mixed.status == 0)
        #expect(
            CLI.withoutAbsentInputWarnings(mixed.stderr)
                == "warning: no records in empty.csv\n1 scored (1 with more than half of the inputs missing), 0 rejected\n")
    }

    @Test func aPatientNotFoundExitsThreeEvenWithRejectedRecords() throws {
        let stdin = #"{"patient_id":"A","age":80}"# + "\n" + #"{"patient_id":"C","age":"x"}"# + "\n"
        let found = try CLI.run(["explain", "-", "--patient", "A"], stdin: stdin)
        #expect(found.status == 1, "C was rejected")
        let someMissing = try CLI.run(["explain", "-", "--patient", "A", "--patient", "B"], stdin: stdin)
        #expect(someMissing.status == 3)
        #expect(someMissing.stdout.contains("patient_id A"))
        #expect(
            someMissing.stderr.hasSuffix("1 scored (1 with more than half of the inputs missing), 1 rejected\nwarning: no scored record has patient_id B\n"))
        // A patient whose record was rejected is not explained either.
        let rejected = try CLI.run(["explain", "-", "--patient", "C"], stdin: stdin)
        #expect(rejected.status == 3)
        #expect(rejected.stderr.contains("-:2: record 2 (patient_id C): age: 'x' is not a whole number"))
        #expect(rejected.stderr.hasSuffix("warning: no scored record has patient_id C\n"))
        // Nothing scored at all: 2 wins.
        let nothing = try CLI.run(["explain", "-", "--patient", "C"], stdin: #"{"patient_id":"C","age":"x"}"# + "\n")
        #expect(nothing.status == 2)
        #expect(nothing.stderr.hasSuffix("0 scored, 1 rejected\n"))
    }

    @Test func helpListsEveryStatus() throws {
        for command in [[], ["score"], ["explain"]] {
            let help = try CLI.run(command + ["--help"]).stdout
            #expect(help.contains("2  usage error"))
            #expect(help.contains("and past --max-rejected (the --output and --errors files are not written)"))
            #expect(help.contains("3  explain --patient: a patient asked for has no scored record"))
        }
    }

    // MARK: - --max-rejected

    /// 200 records, every tenth rejected: 20 in all, 10%.
    static let everyTenth = intake(200) { $0 % 10 == 0 }

    @Test func maxRejectedCountPassesAtItsLimitAndStopsPastIt() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.everyTenth.utf8))
        let within = try CLI.run(["score", "intake.csv", "--max-rejected", "20", "-o", "scored.csv"], directory: directory.path)
        #expect(within.status == 1)
        #expect(try Self.leftovers(directory) == ["scored.csv"])
        try FileManager.default.removeItem(atPath: directory.path + "/scored.csv")

        let past = try CLI.run(
            ["score", "intake.csv", "--max-rejected", "19", "-o", "scored.csv", "--errors", "rejected.csv"], directory: directory.path)
        #expect(past.status == 2)
        #expect(
            CLI.withoutAbsentInputWarnings(past.stderr) == "error: stopped: 20 of the first 200 records were rejected, over --max-rejected 19; "
                + "scored.csv and rejected.csv were not written\n")
        #expect(try Self.leftovers(directory) == [])

        let none = try CLI.run(["score", "intake.csv", "--max-rejected", "0", "-o", "scored.csv"], directory: directory.path)
        #expect(none.status == 2)
        // The first rejected record is listed, and nothing after it.
        #expect(
            CLI.withoutAbsentInputWarnings(none.stderr) == """
                intake.csv:11: record 10 (patient_id P10): age: 'x' is not a whole number
                error: stopped: 1 of the first 10 records was rejected, over --max-rejected 0; scored.csv was not written

                """)
        #expect(try Self.leftovers(directory) == [])
    }

    @Test func maxRejectedPercentageIsCheckedFromTheHundredthRecord() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.everyTenth.utf8))
        // 10% all along (1 of 10, then 10 of 100, 20 of 200): not over 10%.
        let within = try CLI.run(["score", "intake.csv", "--max-rejected", "10%"], directory: directory.path)
        #expect(within.status == 1)
        #expect(within.stderr.hasSuffix("180 scored (180 with more than half of the inputs missing), 20 rejected\n"))
        // 1 of the first 10 is over 9.5%, but only the 100th record is checked first.
        let past = try CLI.run(["score", "intake.csv", "--max-rejected", "9.5%", "-o", "scored.csv"], directory: directory.path)
        #expect(past.status == 2)
        #expect(
            past.stderr.hasSuffix(
                "error: stopped: 10 of the first 100 records were rejected, over --max-rejected 9.5%; scored.csv was not written\n"))
        #expect(try Self.leftovers(directory) == [])
        // On standard output, what was written is said to be incomplete.
        let stdout = try CLI.run(["score", "intake.csv", "--max-rejected", "0.5%"], directory: directory.path)
        #expect(stdout.status == 2)
        #expect(
            stdout.stderr.hasSuffix(
                "error: stopped: 10 of the first 100 records were rejected, over --max-rejected 0.5%; the output so far is incomplete\n"))
    }

    @Test func maxRejectedPercentageOfASmallBatchIsCheckedAtTheEnd() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.intake(50) { $0 % 10 == 0 }.utf8))
        let past = try CLI.run(["score", "intake.csv", "--max-rejected", "9%", "-o", "scored.csv"], directory: directory.path)
        #expect(past.status == 2)
        #expect(
            past.stderr.hasSuffix(
                "error: stopped: 5 of the 50 records were rejected, over --max-rejected 9%; scored.csv was not written\n"))
        #expect(try Self.leftovers(directory) == [])
        #expect(try CLI.run(["score", "intake.csv", "--max-rejected", "10%"], directory: directory.path).status == 1)
    }

    @Test func maxRejectedStopsExplainToo() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.everyTenth.utf8))
        let result = try CLI.run(
            ["explain", "--format", "json", "intake.csv", "--max-rejected", "5", "-o", "traces.ndjson"], directory: directory.path)
        #expect(result.status == 2)
        #expect(
            result.stderr.hasSuffix(
                "error: stopped: 6 of the first 60 records were rejected, over --max-rejected 5; traces.ndjson was not written\n"))
        #expect(try Self.leftovers(directory) == [])
    }

    @Test(arguments: ["-1", "abc", "101%", "100.5%", "5.5", "%", "1.1234567%", "5 %", "+5", "0x10", "5%%", ".5%"])
    func badMaxRejectedIsAUsageError(value: String) throws {
        let result = try CLI.run(["score", "Samples/intake.csv", "--max-rejected=\(value)"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.contains(
                "--max-rejected takes a number of records (0 or more) or a percentage from 0% to 100% (such as 5% or 0.5%), not '\(value)'"))
    }

    @Test func diffRefusesMaxRejected() throws {
        let result = try CLI.run(["diff", "--candidate", "Rules/default.yaml", "Samples/intake.csv", "--max-rejected", "5"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--max-rejected applies to score and explain; diff counts the rejected records in its report"))
    }

    // MARK: - How many rejected records standard error lists

    /// 30 records: 5 valid, then 25 rejected; the last has two bad fields.
    static let twentyFiveRejected =
        header
        + (1...30).map { index -> String in
            switch index {
            case ...5: "P\(index),40,no\n"
            case ...27: "P\(index),40,Y\n"
            case ...29: "P\(index),x,no\n"
            default: "P\(index),x,Y\n"
            }
        }.joined()

    @Test func standardErrorListsTwentyRejectedRecordsThenCountsThem() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.twentyFiveRejected.utf8))
        let result = try CLI.run(["score", "intake.csv"], directory: directory.path)
        #expect(result.status == 1)
        let boolean = "acute_admission: 'Y' is not true or false (true/false, yes/no, 1/0)"
        let listed = (6...25).map { "intake.csv:\($0 + 1): record \($0) (patient_id P\($0)): \(boolean)\n" }.joined()
        #expect(
            CLI.withoutAbsentInputWarnings(result.stderr) == listed + """
                25 rejected records; the first 20 are listed above (--errors FILE lists them all). By field and reason (a record can have several):
                  23  \(boolean)
                   3  age: 'x' is not a whole number
                5 scored (5 with more than half of the inputs missing), 25 rejected

                """)
        // --errors gets every one (26 lines: record 30 has two), and standard error only the summary line.
        let withFile = try CLI.run(["score", "intake.csv", "--errors", "rejected.csv"], directory: directory.path)
        #expect(CLI.withoutAbsentInputWarnings(withFile.stderr) == "5 scored (5 with more than half of the inputs missing), 25 rejected\n")
        let file = try String(contentsOfFile: directory.path + "/rejected.csv", encoding: .utf8)
        #expect(file.split(separator: "\n").count == 1 + 26)
        #expect(
            file.hasSuffix(
                #"30,P30,age,'x' is not a whole number"# + "\n"
                    + #"30,P30,acute_admission,"'Y' is not true or false (true/false, yes/no, 1/0)""# + "\n"))
    }

    @Test func twentyRejectedRecordsAreListedWithoutASummary() throws {
        let directory = try ScratchFolder()
        _ = try directory.write("intake.csv", Array(Self.intake(25) { $0 > 5 }.utf8))
        let result = try CLI.run(["score", "intake.csv"], directory: directory.path)
        let lines = CLI.withoutAbsentInputWarnings(result.stderr).split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines.last == "5 scored (5 with more than half of the inputs missing), 20 rejected")
    }

    @Test func theSummaryShowsTenKindsThenTheRest() throws {
        let directory = try ScratchFolder()
        // 30 rejected records, 12 different bad ages: x0…x5 three times, x6…x11 twice.
        let rows = (0..<30).map { "P\($0),x\($0 % 12),no\n" }.joined()
        _ = try directory.write("intake.csv", Array((Self.header + rows).utf8))
        let result = try CLI.run(["score", "intake.csv"], directory: directory.path)
        #expect(result.status == 2)
        let summary = try #require(result.stderr.components(separatedBy: "By field and reason (a record can have several):\n").last)
        #expect(
            summary == """
                  3  age: 'x0' is not a whole number
                  3  age: 'x1' is not a whole number
                  3  age: 'x2' is not a whole number
                  3  age: 'x3' is not a whole number
                  3  age: 'x4' is not a whole number
                  3  age: 'x5' is not a whole number
                  2  age: 'x10' is not a whole number
                  2  age: 'x11' is not a whole number
                  2  age: 'x6' is not a whole number
                  2  age: 'x7' is not a whole number
                  and 2 more kinds, 4 in all
                0 scored, 30 rejected

                """)
    }

    // MARK: - Versions and SHA-256

    @Test func versionNamesTheBuiltInRulesByTheirSHA256() throws {
        let sha = try CLI.sha256(ofFile: "Rules/default.yaml")
        let expected = "stratify 0.9.0\nrule language 1\nbuilt-in rule set: reference (Rules/default.yaml), sha256 \(sha)\n"
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == expected)
        #expect(try CLI.run(["score", "--version"]).stdout == expected)
        #expect(try CLI.run(["--help"]).stdout.contains("--version"))
    }

    @Test func explainNamesTheRulesBySHA256() throws {
        let sha = try CLI.sha256(ofFile: "Rules/default.yaml")
        let text = try CLI.run(["explain", "Samples/intake.csv", "--patient", "P0000012"])
        #expect(text.stdout.contains("Total score 13. Flags: self_harm_risk. Rule set: reference (sha256 \(sha.prefix(12)))."))
        let json = try CLI.run(["explain", "--format", "json", "Samples/intake.csv", "--patient", "P0000012"])
        let trace = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let ruleSet = try #require(trace["rule_set"] as? [String: Any])
        #expect(ruleSet["name"] as? String == "reference")
        #expect(ruleSet["sha256"] as? String == sha)
    }

    // MARK: - Rule files from standard input, and the built-in one

    @Test func checkWithoutAFileChecksTheBuiltInRules() throws {
        let result = try CLI.run(["check"], directory: "/")
        #expect(result.status == 0)
        #expect(result.stdout == "Rules/default.yaml (built in): no problems (sha256 \(try CLI.sha256(ofFile: "Rules/default.yaml")))\n")
    }

    /// The default rules with the gap of the README's tour on line 99.
    static func rulesWithAGap() throws -> String {
        var lines = try RepositoryFixtures.text("Rules/default.yaml").components(separatedBy: "\n")
        #expect(lines[98] == "    tiers: {low: 0..2, moderate: 3..5, high: 6..}")
        lines[98] = "    tiers: {low: 0..2, moderate: 3..4, high: 6..}"
        return lines.joined(separator: "\n")
    }

    @Test func checkReadsStandardInput() throws {
        let rules = try RepositoryFixtures.text("Rules/default.yaml")
        let clean = try CLI.run(["check", "-"], stdin: rules)
        #expect(clean.status == 0)
        #expect(clean.stdout == "<stdin>: no problems (sha256 \(try CLI.sha256(ofFile: "Rules/default.yaml")))\n")
        let broken = try CLI.run(["check", "-"], stdin: try Self.rulesWithAGap())
        #expect(broken.status == 2)
        #expect(broken.stdout.hasPrefix("<stdin>:99:46: error: the tiers of domain 'clinical' leave a gap: scores 5..5 are in no tier\n"))
    }

    @Test func rulesFromStandardInput() throws {
        let rules = try RepositoryFixtures.text("Rules/default.yaml")
        let result = try CLI.run(["score", "--rules", "-", "Samples/intake.csv"], stdin: rules)
        #expect(result.status == 1)
        #expect(result.stdout == (try RepositoryFixtures.text("Samples/intake.scored.csv")))
        let broken = try CLI.run(["score", "--rules", "-", "Samples/intake.csv"], stdin: try Self.rulesWithAGap())
        #expect(broken.status == 2)
        #expect(broken.stdout.isEmpty)
        #expect(broken.stderr.hasPrefix("<stdin>:99:46: error: the tiers of domain 'clinical' leave a gap: scores 5..5 are in no tier\n"))
        #expect(broken.stderr.hasSuffix("<stdin>: 1 error; nothing was scored\n"))
    }

    @Test func standardInputIsReadOnce() throws {
        let cases = [
            ["score", "--rules", "-", "-"],
            ["explain", "--rules", "-", "Samples/intake.csv", "-"],
            ["diff", "--rules", "-", "--candidate", "-", "Samples/intake.csv"],
            ["diff", "--candidate", "-", "-"],
        ]
        for arguments in cases {
            let result = try CLI.run(arguments, stdin: "")
            #expect(result.status == 2, "\(arguments)")
            #expect(
                result.stderr.contains("standard input (-) can be read only once: as the rule file or as an intake file, not both"),
                "\(arguments): \(result.stderr)")
        }
    }
}
