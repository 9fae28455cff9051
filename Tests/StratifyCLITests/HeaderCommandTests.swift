import StratifyTestSupport
import Foundation
import Testing

/// Issue 11: a header whose names are not exactly the rules' inputs is
/// never scored silently. Each variant of `Samples/intake.csv` is given to
/// the built `stratify`, with what it must print and exit with.
@Suite struct HeaderCommandTests {
    static let sample = CLI.root + "/Samples/intake.csv"
    static let sampleNDJSON = CLI.root + "/Samples/intake.ndjson"
    static let expected = try! RepositoryFixtures.text("Samples/intake.scored.csv")
    static let expectedNDJSON = try! RepositoryFixtures.text("Samples/intake.scored.ndjson")
    static let rejected = ":19: record 18 (patient_id P0000018): phq9_item9: 4 is above the maximum 3"

    /// The sample's header with each name changed by `rename`, and its records.
    static func sampleCSV(_ rename: (String) -> String) throws -> String {
        let text = try String(contentsOfFile: sample, encoding: .utf8)
        let newline = text.firstIndex(of: "\n")!
        return text[..<newline].split(separator: ",").map { rename(String($0)) }.joined(separator: ",") + text[newline...]
    }

    static func titleCase(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    static func run(_ arguments: [String], files: [String: String], stdin: String? = nil) throws -> CLI.Result {
        let directory = try ScratchFolder()
        for (name, text) in files { _ = try directory.write(name, Array(text.utf8)) }
        return try CLI.run(arguments, stdin: stdin, directory: directory.path)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    @Test(arguments: [
        ("padded.csv", "padded.csv:1: warning: column ' age ' read as input 'age' (its name normalised: case, spaces, hyphens)"),
        (
            "hyphens.csv",
            "hyphens.csv:1: warning: 2 columns read as inputs after normalising their names (case, spaces, hyphens): "
                + "'PHQ9-Total' as phq9_total, 'PHQ9-Item9' as phq9_item9"
        ),
        (
            "title.csv",
            "title.csv:1: warning: 30 columns read as inputs after normalising their names (case, spaces, hyphens): "
                + "'Patient Id' as patient_id, 'Assessed On' as assessed_on, 'Age' as age, 'Los Days' as los_days, "
        ),
    ])
    func renamedColumnsScoreLikeTheSample(file: String, warning: String) throws {
        let text = try Self.sampleCSV { name in
            switch file {
            case "padded.csv": name == "age" ? " age " : name
            case "hyphens.csv": name.hasPrefix("phq9_") ? "PHQ9-" + Self.titleCase(String(name.dropFirst(5))) : name
            default: Self.titleCase(name)
            }
        }
        let result = try Self.run(["score", file], files: [file: text])
        #expect(result.status == 1)
        #expect(result.stdout == Self.expected)
        let lines = Self.lines(result.stderr)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(warning))
        #expect(lines.dropFirst() == [file + Self.rejected, "23 scored, 1 rejected"])
    }

    @Test func twoColumnsForOneInputStopTheRun() throws {
        let text = try Self.sampleCSV { $0 == "engaged_in_care" ? "Age" : $0 }
        let result = try Self.run(["score", "two.csv"], files: ["two.csv": text])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "two.csv:1: error: columns 'age' (column 3) and 'Age' (column 30) are both read as input 'age'\n")
    }

    @Test func typosUnknownColumnsAndAbsentInputsAreWarnings() throws {
        let text = try Self.sampleCSV { ["living_situation", "systolic_bp"].contains($0) ? "x_" + $0 : $0 == "phq9_total" ? "phq9_totl" : $0 }
        let result = try Self.run(["score", "typo.csv"], files: ["typo.csv": text])
        #expect(result.status == 1)
        #expect(
            Self.lines(result.stderr) == [
                "typo.csv:1: warning: column 'x_systolic_bp' matches no input and is ignored: did you mean 'systolic_bp'?",
                "typo.csv:1: warning: column 'phq9_totl' matches no input and is ignored: did you mean 'phq9_total'?",
                "typo.csv:1: warning: column 'x_living_situation' matches no input and is ignored: did you mean 'living_situation'?",
                "typo.csv:1: warning: 3 inputs have no column, so they are missing for every record: living_situation, phq9_total, systolic_bp",
                "typo.csv" + Self.rejected,
                "23 scored, 1 rejected",
            ])
    }

    @Test func aFileWithOnlyTheIdentifierIsRefused() throws {
        let result = try Self.run(["score", "ids.csv"], files: ["ids.csv": "Patient ID\nP1\nP2\n"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                ids.csv:1: error: no column of the header is an input of the rules but 'patient_id', so every record would be scored on nothing
                    = expected: 29 inputs besides 'patient_id', such as assessed_on, age, los_days, acute_admission, charlson_index, and 24 more
                    = columns found: Patient ID

                """)
        let ndjson = try Self.run(["score", "-"], files: [:], stdin: #"{"patient_id":"P1","mrn":7}"# + "\n")
        #expect(ndjson.status == 2)
        #expect(
            ndjson.stderr.hasPrefix(
                "-: error: no key of the record is an input of the rules but 'patient_id', so every record would be scored on nothing\n"))
    }

    @Test func strictColumnsRefusesWhatWouldBeAWarning() throws {
        let files = [
            "padded.csv": try Self.sampleCSV { $0 == "age" ? " age " : $0 },
            "extra.csv": try Self.sampleCSV { $0 == "age" ? "age,notes" : $0 },
            "typo.csv": try Self.sampleCSV { $0 == "phq9_total" ? "phq9_totl" : $0 },
            "absent.csv": try Self.sampleCSV { $0 == "engaged_in_care" ? "notes" : $0 },
            "title.ndjson": try String(contentsOfFile: Self.sampleNDJSON, encoding: .utf8).replacing("\"age\":", with: "\"Age\":"),
        ]
        for file in files.keys.sorted() {
            let result = try Self.run(["score", "--strict-columns", file], files: files)
            #expect(result.status == 2, "\(file)")
            #expect(result.stdout.isEmpty, "\(file)")
            #expect(result.stderr.contains(" are not exactly the inputs of the rules (--strict-columns)\n    = "), "\(file): \(result.stderr)")
        }
        // The exact sample files pass.
        for (input, expected) in [(Self.sample, Self.expected), (Self.sampleNDJSON, Self.expectedNDJSON)] {
            let result = try CLI.run(["score", "--strict-columns", input])
            #expect(result.status == 1)
            #expect(result.stdout == expected)
            #expect(!result.stderr.contains("warning"))
        }
    }

    @Test func titleCaseNDJSONKeysScoreLikeTheSample() throws {
        var text = try String(contentsOfFile: Self.sampleNDJSON, encoding: .utf8)
        for name in Self.lines(try String(contentsOfFile: Self.sample, encoding: .utf8))[0].split(separator: ",") {
            text = text.replacing("\"\(name)\":", with: "\"\(Self.titleCase(String(name)))\":")
        }
        for arguments in [["score", "title.ndjson"], ["score", "-"]] {
            let result = try Self.run(arguments, files: ["title.ndjson": text], stdin: arguments[1] == "-" ? text : nil)
            #expect(result.status == 1)
            #expect(result.stdout == Self.expectedNDJSON)
            let lines = Self.lines(result.stderr)
            #expect(lines.count == 3)
            #expect(
                lines[0].hasPrefix(
                    "\(arguments[1]): warning: 30 keys read as inputs after normalising their names (case, spaces, hyphens): 'Patient Id' as patient_id, "))
            #expect(lines.last == "11 scored, 1 rejected")
        }
    }

    @Test func explainAndDiffWarnAlike() throws {
        let text = try Self.sampleCSV { $0 == "phq9_total" ? "phq9_totl" : $0 == "age" ? "Age" : $0 }
        let warnings = [
            "typo.csv:1: warning: column 'Age' read as input 'age' (its name normalised: case, spaces, hyphens)",
            "typo.csv:1: warning: column 'phq9_totl' matches no input and is ignored: did you mean 'phq9_total'?",
            "typo.csv:1: warning: 1 input has no column, so it is missing for every record: phq9_total",
        ]
        let explain = try Self.run(["explain", "typo.csv", "--patient", "P0000001"], files: ["typo.csv": text])
        #expect(explain.status == 1)
        #expect(Array(Self.lines(explain.stderr).prefix(3)) == warnings)
        // Both rule files find the same: said once.
        let rules = CLI.root + "/Rules/default.yaml"
        let diff = try Self.run(["diff", "--candidate", rules, "typo.csv"], files: ["typo.csv": text])
        #expect(diff.status == 0)
        #expect(Self.lines(diff.stderr) == warnings)
        let strict = try Self.run(["diff", "--strict-columns", "--candidate", rules, "typo.csv"], files: ["typo.csv": text])
        #expect(strict.status == 2)
        #expect(strict.stdout.isEmpty)
    }
}
