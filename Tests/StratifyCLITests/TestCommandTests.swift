import Testing
import Foundation

/// `stratify test` as a user runs it: the shipped tests, failures, broken
/// files, coverage and exit statuses.
@Suite struct TestCommandTests {
    @Test func theShippedRuleTestsPass() throws {
        let result = try CLI.run(["test"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("test files against Rules/default.yaml."))
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
    }

    @Test func coverageOfTheDefaultRulesIsComplete() throws {
        let result = try CLI.run(["test", "Rules/tests", "--coverage", "--coverage-min", "100"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Coverage of Rules/default.yaml: 100.0% (96 of 96 items)"))
        #expect(result.stdout.contains("band boundary sides reached   26 of 26"))
        #expect(!result.stdout.contains("not exercised"))
    }

    @Test func aFailingCaseExitsOneWithItsLineAndTrace() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.write(
            """
            rules: \(CLI.root)/Rules/default.yaml
            cases:
              - name: item 9 alone is not enough for high
                patient: {phq9_item9: 1}
                expect:
                  tier: low
            """, to: directory + "/failing.test.yaml")
        let result = try CLI.run(["test", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL \(path):3:5: item 9 alone is not enough for high\n"))
        #expect(result.stdout.contains("\(path):6:7: tier: expected low, got high\n"))
        #expect(result.stdout.contains("fired     escalate.safety: when self_harm_risk or interpersonal_safety, at least high"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func aBrokenTestFileExitsTwoWithLocatedErrors() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Self.write(
            """
            rules: \(CLI.root)/Rules/default.yaml
            cases:
              - name: a typo
                expect: {tier: low, modl: brokerage}
            """, to: directory + "/broken.test.yaml")
        _ = try Self.write(
            """
            rules: \(CLI.root)/Rules/default.yaml
            cases:
              - expect: {tier: low}
            """, to: directory + "/good.test.yaml")
        let result = try CLI.run(["test", directory])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(directory)/broken.test.yaml:4:25: error: unknown key 'modl' in 'expect'"))
        #expect(result.stderr.contains("did you mean 'model'?"))
        // The good file still runs.
        #expect(result.stdout.contains("Ran 1 case from 1 test file"))
        #expect(result.stdout.hasSuffix("1 passed, 0 failed\n"))
    }

    @Test func coverageBelowTheMinimumExitsOne() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.write(
            """
            rules: \(CLI.root)/Rules/default.yaml
            cases:
              - expect: {model: brokerage}
            """, to: directory + "/thin.test.yaml")
        let result = try CLI.run(["test", path, "--coverage-min", "90"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("not exercised:"))
        #expect(
            result.stdout.contains("\(CLI.root)/Rules/default.yaml:277:5: model intensive: no case chooses it")
                || result.stdout.contains("model intensive: no case chooses it"))
        #expect(result.stderr.contains("is below --coverage-min 90%"))
        #expect(try CLI.run(["test", path, "--coverage-min", "0"]).status == 0)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["test", "--coverage-min", "101"]).status == 2)
        let missing = try CLI.run(["test", "/nonexistent/tests"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/tests: error: no such file or folder"))
        let empty = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try CLI.run(["test", empty]).status == 2)
    }

    // MARK: - Helpers

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws -> String {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
