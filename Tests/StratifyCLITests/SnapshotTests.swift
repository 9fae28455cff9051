import StratifyTestSupport
import Testing

/// What users read, byte for byte: `explain` text for the edge cases a
/// nurse must be able to trust, and `check` for broken rule files. Each is
/// compared with a file under `Tests/Fixtures/snapshots/`; after a change
/// meant to alter the output, `STRATIFY_UPDATE_SNAPSHOTS=1 swift test
/// --filter SnapshotTests` rewrites them (review the diff before committing).
@Suite struct SnapshotTests {
    /// A record, the file it is in, and why it is a case to watch.
    static let explained: [(name: String, arguments: [String])] = [
        // 20 of 29 inputs missing: the "scored on" line and the upper bound.
        ("sparse", ["Tests/Fixtures/snapshots/explain/sparse.csv"]),
        // Total score 3, raised to high by escalate.safety (phq9_item9 3).
        ("safety-escalation", ["Tests/Fixtures/acceptance/edge-cases.csv", "--patient", "X08"]),
        // Total score 12: the lowest score of the overall tier high.
        ("tier-boundary", ["Samples/intake.csv", "--patient", "P0000003"]),
    ]

    @Test(arguments: explained)
    func explainText(_ name: String, _ arguments: [String]) throws {
        let result = try CLI.run(["explain", "--width", "100"] + arguments)
        #expect(result.stdout == (try Snapshots.expected("explain/\(name).txt", actual: result.stdout)))
    }

    static let brokenRuleFiles = ["unknown-input", "unknown-key", "type-error", "bad-yaml"]

    /// `check` prints every error with its place, and exits 2.
    @Test(arguments: brokenRuleFiles)
    func checkOfABrokenRuleFile(_ name: String) throws {
        let result = try CLI.run(["check", "Tests/Fixtures/snapshots/check/\(name).yaml"])
        #expect(result.status == 2)
        let shown = result.stdout + result.stderr
        #expect(shown == (try Snapshots.expected("check/\(name).txt", actual: shown)))
    }
}
