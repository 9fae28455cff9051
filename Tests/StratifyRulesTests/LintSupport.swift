import StratifyCore
import StratifyTestSupport
import StratifyYAML
import Testing
@testable import StratifyRules

/// Rule files for the lint tests, with the places where diagnostics are
/// expected marked inside the text (`1️⃣`, `2️⃣`, ...), as swift-syntax's
/// parser tests do: a test reads like the warnings it expects.
enum LintFile {
    /// A complete rule file around the given parts. Only the identifier is
    /// declared besides `inputs`, so that a test sees no warning it did not
    /// ask for (its rules must use every input, and reach a score of 2, the
    /// lowest score of the highest tier). Each part is indented as it is in
    /// a rule file.
    static func make(
        inputs: String,
        derived: String = "",
        rules: String,
        floors: String = "",
        domainTiers: String = "{low: 0..0, moderate: 1..1, high: 2..}",
        overallTiers: String = "{low: 0..0, moderate: 1..1, high: 2..}",
        escalations: String = "",
        models: String = defaultModels
    ) -> String {
        var text = """
            version: 1
            identifier: id
            inputs:
              id: {type: string, required: true}
            \(inputs)

            """
        if !derived.isEmpty { text += "derived:\n\(derived)\n" }
        text += """
            tiers: [low, moderate, high]
            domains:
              main:
                tiers: \(domainTiers)
                rules:
            \(rules)

            """
        if !floors.isEmpty { text += "    floors:\n\(floors)\n" }
        text += "overall:\n  tiers: \(overallTiers)\n"
        if !escalations.isEmpty { text += "  escalations:\n\(escalations)\n" }
        text += "models:\n\(models)\n"
        return text
    }

    static let defaultModels = """
          - id: only
            contact: never
            review_days: 7
            because: Test.
        """

    /// What `stratify check` reports for the file: errors, warnings, notes.
    static func check(_ text: String, path: String = "rules.yaml") -> [Diagnostic] {
        RuleCompiler.check(SourceFile(path: path, text: text)).diagnostics
    }

    static func show(_ diagnostic: Diagnostic) -> String {
        let place = diagnostic.location.map { "\($0.line):\($0.column)" } ?? "-"
        return "\(place): \(diagnostic.severity.rawValue): \(diagnostic.message)"
    }
}

/// Checks `marked` and expects exactly the diagnostics listed, each at its
/// marker: `["1️⃣": "warning: rule 'r' can never fire: ..."]`. Several at
/// one marker are given as separate pairs.
func assertLint(
    _ marked: String,
    _ expected: KeyValuePairs<String, String>,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let (text, places) = PositionMarkers.strip(marked)
    var wanted: [String] = []
    for (marker, message) in expected {
        guard let place = places[marker] else {
            Issue.record("marker \(marker) is not in the rule file", sourceLocation: sourceLocation)
            continue
        }
        wanted.append("\(place.line):\(place.column): \(message)")
    }
    let actual = LintFile.check(text).map(LintFile.show)
    #expect(actual.sorted() == wanted.sorted(), sourceLocation: sourceLocation)
}
