import StratifyCore
import StratifyEngine
import StratifyRules
import StratifyYAML
import Testing

/// Points, domain bands, floors, flags, the overall band, escalations, the
/// model choice and review_by, on a purpose-built rule file.
@Suite struct ScoringEvaluationTests {
    static let text = RuleFiles.file(
        tiers: "[low, moderate, high, very_high]",
        domains: """
              a:
                tiers: {low: 0..1, moderate: 2..3, high: 4..}
                rules:
                  - {id: a.one, when: n >= 1, points: 1, because: Test.}
                  - {id: a.two, when: n >= 2, points: 2, flag: f_two, because: Test.}
                floors:
                  - {id: a.floor, when: lonely, at_least: high, because: Test.}
              b:
                tiers: {low: 0..0, high: 1..}
                rules:
                  - {id: b.one, when: m >= 1, points: 5, flag: f_b, because: Test.}
                  - {id: b.two, when: income > 5000, points: 0, flag: f_b, because: Test.}
            """,
        overall: """
              tiers: {low: 0..1, moderate: 2..4, high: 5..7, very_high: 8..}
              escalations:
                - {id: esc.moderate, when: income > 100, at_least: moderate, because: Test.}
                - {id: esc.chain, when: tier == moderate, at_least: high, because: Test.}
                - {id: esc.both, when: a.tier >= high and b.tier == high, at_least: very_high, because: Test.}
                - {id: esc.low, when: smoker, at_least: low, because: Test.}
            """,
        models: """
              - {id: m.very_high, when: tier == very_high, contact: weekly, review_days: 30, because: Test.}
              - {id: m.older, when: age > 50 and a.tier == high, contact: monthly, review_days: 60, because: Test.}
              - {id: m.a_high, when: a.tier == high, contact: monthly, review_days: 90, because: Test.}
              - {id: m.last, contact: quarterly, review_days: 180, because: Test.}
            """,
        reviewBy: "  from: seen_on")

    static let program = try? RuleCompiler.program(SourceFile(path: "rules.yaml", text: text))

    @Test func theFileCompiles() throws {
        _ = try RuleFiles.program(Self.text)
    }

    private func record(_ inputs: [String: String]) throws -> Record {
        Record(try #require(Self.program), inputs)
    }

    @Test func anEmptyRecordScoresZero() throws {
        let r = try record([:])
        #expect([r.score("a"), r.score("b"), r.total] == [0, 0, 0])
        #expect([r.tier("a"), r.tier("b"), r.tier] == ["low", "low", "low"])
        #expect(r.model == "m.last")
        #expect(r.fired == [])
    }

    /// (n, score of a, tier of a, overall tier: a total of 3 is moderate, which esc.chain raises to high)
    @Test(arguments: [
        ("0", 0, "low", "low"), ("1", 1, "low", "low"), ("2", 3, "moderate", "high"), ("9", 3, "moderate", "high"),
    ])
    func pointsAddUpAndBandsGiveTiers(_ n: String, _ score: Int, _ domainTier: String, _ tier: String) throws {
        let r = try record(["n": n])
        #expect(r.score("a") == score)
        #expect(r.tier("a") == domainTier)
        #expect(r.total == score)
        #expect(r.tier == tier)
    }

    @Test func aFloorRaisesTheDomainTierButNotItsScore() throws {
        let r = try record(["lonely": "true"])
        #expect(r.score("a") == 0)
        #expect(r.tier("a") == "high")
        #expect(r.tier == "low")
        #expect(r.model == "m.a_high")
        // The band's own tier is kept too.
        let domain = r.program.domains[0]
        #expect(r.value(domain.bandTierRegister) == 0)
        #expect(r.value(domain.tierRegister) == 2)
    }

    @Test func aFloorWithAnUnknownConditionDoesNotRaise() throws {
        #expect(try record(["n": "1"]).tier("a") == "low")
    }

    @Test func anEscalationRaisesTheTier() throws {
        let r = try record(["income": "150"])
        #expect(r.total == 0)
        #expect(r.tier == "moderate")
    }

    @Test func escalationsAllStartFromTheBandTier() throws {
        // esc.moderate raises low to moderate; esc.chain (tier == moderate)
        // sees the band's tier, low, so it does not raise it further.
        let raised = try record(["income": "150"])
        #expect(raised.tier == "moderate")
        #expect(Outcome(raised.evaluator.registerValues[raised.program.overall.escalations[1].condition.register]) == .notFired)
        // With a band tier of moderate, esc.chain holds.
        #expect(try record(["n": "2"]).tier == "high")
    }

    @Test func anEscalationNeverLowersTheTier() throws {
        let r = try record(["m": "1", "n": "2", "smoker": "true"])
        #expect(r.total == 8)
        #expect(r.tier == "very_high")
    }

    @Test func escalationsUseDomainTiersAfterFloors() throws {
        let r = try record(["lonely": "yes", "m": "1"])
        #expect([r.tier("a"), r.tier("b")] == ["high", "high"])
        #expect(r.total == 5)
        #expect(r.tier == "very_high")
        #expect(r.model == "m.very_high")
    }

    @Test func anEscalationWithAnUnknownConditionDoesNotRaise() throws {
        #expect(try record(["n": "0"]).tier == "low")
    }

    @Test(arguments: [
        (["m": "1"], Outcome.fired), (["income": "6000"], .fired), (["m": "0", "income": "6000"], .fired),
        (["income": "100"], .unknown), (["m": "0"], .unknown), (["m": "0", "income": "100"], .notFired),
    ])
    func aFlagSetByTwoRulesIsTheirKleeneOr(_ inputs: [String: String], _ expected: Outcome) throws {
        #expect(try record(inputs).flag("f_b") == expected)
    }

    @Test func flagsAreSortedByName() throws {
        #expect(Self.program?.flags.map(\.name) == ["f_b", "f_two"])
        #expect(Self.program?.flags.map(\.rules) == [[2, 3], [1]])
    }

    @Test(arguments: [
        (["lonely": "true", "age": "60"], "m.older"),
        (["lonely": "true", "age": "40"], "m.a_high"),
        // age missing: m.older's condition is unknown, so it is skipped.
        (["lonely": "true"], "m.a_high"),
        (["age": "60"], "m.last"),
        (["lonely": "true", "m": "1"], "m.very_high"),
    ])
    func theFirstModelThatHoldsIsChosen(_ inputs: [String: String], _ expected: String) throws {
        #expect(try record(inputs).model == expected)
    }

    @Test(arguments: [
        (["seen_on": "2026-03-01"], 20513 + 180 as Int?),
        (["seen_on": "2026-03-01", "lonely": "true"], 20513 + 90),
        (["seen_on": "2026-03-01", "lonely": "true", "m": "1"], 20513 + 30),
        (["seen_on": "2026-03-01", "lonely": "true", "age": "51"], 20513 + 60),
        (["lonely": "true"], nil),
    ])
    func reviewByIsTheDatePlusTheModelsDays(_ inputs: [String: String], _ expected: Int?) throws {
        #expect(try record(inputs).reviewBy == expected)
    }

    @Test func negativePointsLowerTheScore() throws {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: -2..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: plus, when: n >= 1, points: 3, because: Test.}
                      - {id: minus, when: smoker, points: -2, because: Test.}
                """,
            overall: "  tiers: {low: -2..0, moderate: 1..1, high: 2..}")
        let program = try RuleFiles.program(text)
        let both = Record(program, ["n": "1", "smoker": "true"])
        #expect((both.score("main"), both.tier("main"), both.tier) == (1, "moderate", "moderate"))
        let minus = Record(program, ["n": "0", "smoker": "true"])
        #expect((minus.score("main"), minus.tier("main"), minus.total) == (-2, "low", -2))
    }
}
