import Testing
@testable import StratifyRules

/// Did-you-mean: close by edit distance, or containing/contained (3+ characters),
/// and the same answer whatever the order of the candidates.
@Suite struct SuggestionTests {
    @Test(arguments: [
        ("agee", ["age", "smoker"], "age" as String?),
        ("pionts", ["id", "when", "points", "flag", "because"], "points"),
        ("phq_total", ["phq9_total", "gad7_total"], "phq9_total"),
        ("Points", ["points"], "points"),
        ("seen", ["seen_on", "age"], "seen_on"),
        ("substance_use_status", ["substance_use"], "substance_use"),
        ("zzzz", ["age", "smoker"], nil),
        ("ag", ["a", "b"], "a"),
        ("xy", ["xyz_long_name"], nil),
        ("x", [], nil),
    ])
    func suggestion(_ word: String, _ candidates: [String], _ expected: String?) {
        #expect(Suggestions.closest(to: word, in: candidates) == expected)
    }

    @Test func tiesDoNotDependOnTheOrderOfCandidates() {
        #expect(Suggestions.closest(to: "x", in: ["n", "m"]) == "m")
        #expect(Suggestions.closest(to: "x", in: ["m", "n"]) == "m")
        #expect(Suggestions.closest(to: "phq9", in: ["phq9_total", "phq9_item9"]) == "phq9_item9")
        #expect(Suggestions.closest(to: "phq9", in: ["phq9_item9", "phq9_total"]) == "phq9_item9")
    }

    @Test func aNoteSaysDidYouMean() {
        #expect(Suggestions.note(for: "agee", in: ["age"]) == "did you mean 'age'?")
        #expect(Suggestions.note(for: "zzzz", in: ["age"]) == nil)
    }
}
