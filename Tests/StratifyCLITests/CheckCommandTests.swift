import StratifyTestSupport
import Foundation
import Testing

/// `stratify check` as a user (or an editor, or CI) runs it: the report,
/// exit statuses 0/1/2, --strict, --format json, several files.
@Suite struct CheckCommandTests {
    /// A rule file whose only problem is a rule that can never fire (line 11).
    static let withWarning = """
        version: 1
        identifier: id
        inputs:
          id: {type: string, required: true}
          score: {type: integer, min: 0, max: 27}
        tiers: [low, high]
        domains:
          main:
            tiers: {low: 0..0, high: 1..}
            rules:
              - id: r.extreme
                when: score >= 30
                points: 1
                because: Test.
              - id: r.high
                when: score >= 20
                points: 1
                because: Test.
        overall:
          tiers: {low: 0..0, high: 1..}
        models:
          - id: only
            contact: never
            review_days: 7
            because: Test.

        """

    /// The same with a misspelled key on line 13: an error.
    static var withError: String {
        withWarning.replacingOccurrences(
            of: "        points: 1\n        because: Test.\n      - id: r.high", with: "        pionts: 1\n        because: Test.\n      - id: r.high")
    }

    /// A flag set and used by nothing: a note only.
    static var withNote: String {
        withWarning.replacingOccurrences(of: "when: score >= 30", with: "when: score >= 10\n        flag: scored")
    }

    @Test func defaultRuleSetIsClean() throws {
        let result = try CLI.run(["check", "Rules/default.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout == "Rules/default.yaml: no problems (sha256 \(try CLI.sha256(ofFile: "Rules/default.yaml")))\n")
        #expect(try CLI.run(["check", "--strict", "Rules/default.yaml"]).status == 0)
    }

    @Test func warningsPassUnlessStrict() throws {
        let directory = try ScratchFolder()
        let path = try directory.write("warn.yaml", Self.withWarning)
        let result = try CLI.run(["check", path])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                \(path):12:15: warning: rule 'r.extreme' can never fire: 'score >= 30' is never true (score is 0..27)
                 12 |         when: score >= 30
                    |               ^~~~~~~~~~~
                \(path): 1 warning (sha256 \(try CLI.sha256(ofFile: path)))

                """)
        let strict = try CLI.run(["check", "--strict", path])
        #expect(strict.status == 1)
        #expect(strict.stdout == result.stdout)
    }

    @Test func errorsExitTwo() throws {
        let directory = try ScratchFolder()
        let path = try directory.write("error.yaml", Self.withError)
        let result = try CLI.run(["check", path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\(path):13:9: error: unknown key 'pionts' in a rule\n 13 |         pionts: 1\n    |         ^~~~~~"))
        #expect(result.stdout.hasSuffix("\(path): 2 errors (sha256 \(try CLI.sha256(ofFile: path)))\n"))
    }

    @Test func notesNeverFail() throws {
        let directory = try ScratchFolder()
        let path = try directory.write("note.yaml", Self.withNote)
        let result = try CLI.run(["check", "--strict", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\(path):13:15: note: flag 'scored' is set, but no floor, escalation or model uses it"))
        #expect(result.stdout.hasSuffix("\(path): 1 note (sha256 \(try CLI.sha256(ofFile: path)))\n"))
    }

    @Test func severalFilesExitWithTheWorst() throws {
        let directory = try ScratchFolder()
        let warning = try directory.write("warn.yaml", Self.withWarning)
        let error = try directory.write("error.yaml", Self.withError)
        let both = try CLI.run(["check", "--strict", warning, "Rules/default.yaml", error])
        #expect(both.status == 2)
        let summaries = both.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.contains(": warning: ") && !$0.contains(": error: ") }
        #expect(
            summaries == [
                "\(warning): 1 warning (sha256 \(try CLI.sha256(ofFile: warning)))",
                "Rules/default.yaml: no problems (sha256 \(try CLI.sha256(ofFile: "Rules/default.yaml")))",
                "\(error): 2 errors (sha256 \(try CLI.sha256(ofFile: error)))",
            ])
        #expect(try CLI.run(["check", "--strict", warning, "Rules/default.yaml"]).status == 1)
        #expect(try CLI.run(["check", warning, "Rules/default.yaml"]).status == 0)
    }

    @Test func jsonForEditorsAndCI() throws {
        let directory = try ScratchFolder()
        let warning = try directory.write("warn.yaml", Self.withWarning)
        let error = try directory.write("error.yaml", Self.withError)
        let result = try CLI.run(["check", "--format", "json", warning, error, "/nonexistent/rules.yaml"])
        #expect(result.status == 2)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 4)
        let first = array[0]
        #expect(first["file"] as? String == warning)
        #expect(first["line"] as? Int == 12)
        #expect(first["column"] as? Int == 15)
        #expect(first["length"] as? Int == 11)
        #expect(first["severity"] as? String == "warning")
        #expect(first["message"] as? String == "rule 'r.extreme' can never fire: 'score >= 30' is never true (score is 0..27)")
        #expect(first["notes"] as? [String] == [])
        #expect(array[1]["severity"] as? String == "error")
        #expect(array[1]["file"] as? String == error)
        let unreadable = array[3]
        #expect(unreadable["file"] as? String == "/nonexistent/rules.yaml")
        #expect(unreadable["line"] is NSNull)
        #expect(unreadable["severity"] as? String == "error")

        let clean = try CLI.run(["check", "--format", "json", "Rules/default.yaml"])
        #expect(clean.status == 0)
        #expect(clean.stdout == "[]\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["check", "-", "-"], stdin: "").status == 2)
        #expect(try CLI.run(["check", "--format", "xml", "Rules/default.yaml"]).status == 2)
    }

    @Test func helpDocumentsTheJSONShapeAndExitStatuses() throws {
        let result = try CLI.run(["check", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"severity\": \"error\"|\"warning\"|\"note\""))
        #expect(result.stdout.contains("1  warnings, with --strict"))
        #expect(result.stdout.contains("2  an error"))
    }
}
