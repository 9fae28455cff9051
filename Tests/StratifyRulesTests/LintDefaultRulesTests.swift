import StratifyCore
import StratifyTestSupport
import StratifyYAML
import Testing
@testable import StratifyRules
import StratifyYAML
import Testing

/// The shipped rule set checks clean, and each kind of mistake made once in
/// a copy of it is refused at that mistake's line and column.
@Suite struct LintDefaultRulesTests {
    static let path = "Rules/default.yaml"

    @Test func defaultRuleSetChecksClean() throws {
        let text = try RepositoryFixtures.text(Self.path)
        let diagnostics = LintFile.check(text, path: Self.path)
        #expect(diagnostics.map(LintFile.show) == [])
    }

    /// One mistake: `original` (unique in the file) becomes `broken`, and the
    /// error must point at `token` in the broken line.
    struct Mistake: CustomTestStringConvertible, Sendable {
        var what: String
        var original: String
        var broken: String
        var token: String
        var message: String

        var testDescription: String { what }
    }

    static let mistakes: [Mistake] = [
        Mistake(
            what: "a YAML syntax error",
            original: "because: A LACE index of 10 or more means",
            broken: "because: A LACE index: 10 or more means",
            token: ": 10", message: "mapping values are not allowed in this context"),
        Mistake(
            what: "a misspelled key",
            original: "        points: 4\n        because: A LACE index of 10",
            broken: "        pionts: 4\n        because: A LACE index of 10",
            token: "pionts", message: "unknown key 'pionts' in a rule"),
        Mistake(
            what: "an unknown field in a condition",
            original: "when: phq9_total >= 20",
            broken: "when: phq_total >= 20",
            token: "phq_total", message: "unknown name 'phq_total'"),
        Mistake(
            what: "an enum value that does not exist",
            original: "when: substance_use == disorder",
            broken: "when: substance_use == disordered",
            token: "disordered", message: "'disordered' is not a value of substance_use"),
        Mistake(
            what: "a duplicate rule id",
            original: "- id: clinical.lace_moderate",
            broken: "- id: clinical.lace_high",
            token: "clinical.lace_high", message: "the id 'clinical.lace_high' is used twice; it was first used on line"),
        Mistake(
            what: "a gap between tier bands",
            original: "    tiers: {low: 0..2, moderate: 3..5, high: 6..}\n    rules:\n      - id: clinical.lace_high",
            broken: "    tiers: {low: 0..2, moderate: 4..5, high: 6..}\n    rules:\n      - id: clinical.lace_high",
            token: "4..5", message: "the tiers of domain 'clinical' leave a gap: scores 3..3 are in no tier"),
    ]

    @Test(arguments: mistakes)
    func mistakeIsRefusedAtItsLine(_ mistake: Mistake) throws {
        let text = try RepositoryFixtures.text(Self.path)
        let start = try #require(text.firstRange(of: mistake.original), "\(mistake.original) is no longer in \(Self.path)")
        #expect(text.ranges(of: mistake.original).count == 1)
        let prefix = String(text[..<start.lowerBound])
        let broken = prefix + mistake.broken + String(text[start.upperBound...])

        // Where the token is in the broken text: its line, and its column in that line.
        let token = try #require(mistake.broken.firstRange(of: mistake.token))
        let before = prefix + mistake.broken[..<token.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let column = (before.split(separator: "\n", omittingEmptySubsequences: false).last?.unicodeScalars.count ?? 0) + 1

        let output = RuleCompiler.check(SourceFile(path: Self.path, text: broken))
        #expect(output.program == nil)
        let expected = "\(Self.path):\(line):\(column): error: \(mistake.message)"
        let found = output.diagnostics.first { $0.description.hasPrefix(expected) }
        let diagnostic = try #require(found, "expected \(expected); got \(output.diagnostics.map(\.description))")
        let rendered = DiagnosticRenderer().render(diagnostic, source: SourceFile(path: Self.path, text: broken))
        #expect(rendered.split(separator: "\n").count >= 3, "the source line and a caret follow: \(rendered)")
    }
}
