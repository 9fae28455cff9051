import Testing
import StratifyRules
import StratifyEngine

/// Three-valued (Kleene) logic: truth tables of and/or/not over true, false
/// and unknown (a missing boolean input); comparisons, arithmetic and `in`
/// over missing values; case lists; the spec's own examples.
@Suite struct KleeneLogicTests {
    enum Truth: String, CaseIterable, Sendable {
        case t, f, u

        /// The input text of a boolean: nil when missing.
        var input: String? {
            switch self {
            case .t: "true"
            case .f: "false"
            case .u: nil
            }
        }

        var outcome: Outcome {
            switch self {
            case .t: .fired
            case .f: .notFired
            case .u: .unknown
            }
        }
    }

    private func inputs(_ a: Truth, _ b: Truth) -> [String: String] {
        var values: [String: String] = [:]
        values["smoker"] = a.input
        values["lonely"] = b.input
        return values
    }

    static let andTable: [(Truth, Truth, Truth)] = [
        (.t, .t, .t), (.t, .f, .f), (.t, .u, .u),
        (.f, .t, .f), (.f, .f, .f), (.f, .u, .f),
        (.u, .t, .u), (.u, .f, .f), (.u, .u, .u),
    ]

    static let orTable: [(Truth, Truth, Truth)] = [
        (.t, .t, .t), (.t, .f, .t), (.t, .u, .t),
        (.f, .t, .t), (.f, .f, .f), (.f, .u, .u),
        (.u, .t, .t), (.u, .f, .u), (.u, .u, .u),
    ]

    @Test(arguments: andTable) func and(_ a: Truth, _ b: Truth, _ expected: Truth) throws {
        #expect(try Probe.outcome("smoker and lonely", inputs(a, b)) == expected.outcome)
    }

    @Test(arguments: orTable) func or(_ a: Truth, _ b: Truth, _ expected: Truth) throws {
        #expect(try Probe.outcome("smoker or lonely", inputs(a, b)) == expected.outcome)
    }

    @Test(arguments: [(Truth.t, Truth.f), (.f, .t), (.u, .u)])
    func not(_ a: Truth, _ expected: Truth) throws {
        #expect(try Probe.outcome("not smoker", inputs(a, .t)) == expected.outcome)
    }

    @Test func nAryOperatorsAreDecidedByAnyDecidingOperand() throws {
        // false anywhere decides 'and'; true anywhere decides 'or', even after an unknown.
        #expect(try Probe.outcome("smoker and n > 1 and lonely", ["smoker": "true", "lonely": "false"]) == .notFired)
        #expect(try Probe.outcome("smoker and n > 1 and lonely", ["smoker": "true", "lonely": "true"]) == .unknown)
        #expect(try Probe.outcome("smoker or n > 1 or lonely", ["smoker": "false", "lonely": "true"]) == .fired)
        #expect(try Probe.outcome("smoker or n > 1 or lonely", ["smoker": "false", "lonely": "false"]) == .unknown)
    }

    @Test func notOfAComparisonOverAMissingValueIsUnknown() throws {
        #expect(try Probe.outcome("not (n > 1)") == .unknown)
        #expect(try Probe.outcome("not not smoker") == .unknown)
    }

    @Test(arguments: [
        "n > 1", "n == n", "n != 1", "n <= 1", "5 <= n <= 9", "n + 1 > 0", "-n < 0", "n * 0 == 0", "n / 1 >= 0",
        "min(n, 5) < 9", "max(n, 5) > 1", "count(smoker, lonely) >= 0", "substance_use == none", "substance_use >= none",
        "seen_on > '2000-01-01'", "seen_on + 1 > seen_on", "smoker == true", "smoker != smoker",
    ])
    func anythingOverAMissingValueIsUnknown(_ condition: String) throws {
        #expect(try Probe.outcome(condition) == .unknown)
    }

    @Test func aChainIsDecidedByAKnownFalseLink() throws {
        // n < 5 < 3 is `n < 5 and 5 < 3`: the second link is false.
        #expect(try Probe.outcome("n < 5 < 3") == .notFired)
        #expect(try Probe.outcome("3 < 5 < n") == .unknown)
    }

    @Test(arguments: [
        ("n in [1, 2]", [:], Outcome.unknown),
        ("n not in [1, 2]", [:], .unknown),
        ("substance_use in [none, misuse]", [:], .unknown),
        ("substance_use not in [none]", [:], .unknown),
        // A missing list item: found elsewhere in the list decides it ...
        ("n in [m, 7]", ["n": "7"], .fired),
        ("n not in [m, 7]", ["n": "7"], .notFired),
        // ... otherwise it might be the missing one.
        ("n in [m, 7]", ["n": "5"], .unknown),
        ("n not in [m, 7]", ["n": "5"], .unknown),
        ("n in [m, 7]", ["n": "5", "m": "4"], .notFired),
    ])
    func membership(_ condition: String, _ inputs: [String: String], _ expected: Outcome) throws {
        #expect(try Probe.outcome(condition, inputs) == expected)
    }

    // MARK: Case lists

    static let cases = """
          pick:
            cases:
              - when: smoker
                then: 1
              - when: lonely
                then: 2
              - otherwise: 3
        """

    /// (smoker, lonely, the value): the first true case decides unless an
    /// earlier one is unknown.
    static let caseTable: [(Truth, Truth, Double?)] = [
        (.t, .t, 1), (.t, .u, 1), (.t, .f, 1),
        (.f, .t, 2), (.f, .f, 3), (.f, .u, nil),
        (.u, .t, nil), (.u, .f, nil), (.u, .u, nil),
    ]

    @Test(arguments: caseTable) func caseList(_ a: Truth, _ b: Truth, _ expected: Double?) throws {
        let program = try RuleFiles.program(RuleFiles.file(derived: Self.cases, domains: RuleFiles.trivialDomain))
        #expect(Record(program, inputs(a, b)).derived("pick") == expected)
    }

    @Test func anUnknownValueOfTheCaseThatHoldsIsUnknown() throws {
        let text = RuleFiles.file(derived: "  v:\n    cases:\n      - when: smoker\n        then: n\n      - otherwise: 0", domains: RuleFiles.trivialDomain)
        #expect(Record(try RuleFiles.program(text), ["smoker": "true"]).derived("v") == nil)
        #expect(Record(try RuleFiles.program(text), ["smoker": "false"]).derived("v") == 0)
    }

    // MARK: The spec's examples (default rule set)

    /// Section 2: 200/missing is crisis, missing/70 unknown; an unknown
    /// earlier category makes the later ones unknown.
    @Test(arguments: [
        ("200", nil, "crisis" as String?), (nil, "130", "crisis"), (nil, "70", nil), ("150", nil, nil),
        ("110", nil, nil), (nil, "95", nil), (nil, nil, nil), ("181", "70", "crisis"),
    ])
    func bloodPressureCategoryWithMissingValues(_ systolic: String?, _ diastolic: String?, _ expected: String?) {
        let record = DefaultRecords.record(["systolic_bp": systolic, "diastolic_bp": diastolic])
        #expect(record.derivedName("bp_category") == expected)
        #expect(record.rule("clinical.bp_crisis") == (expected == "crisis" ? .fired : .unknown))
    }

    @Test func lACEIsUnknownWhenAnyPartIs() {
        for part in ["los_days", "acute_admission", "charlson_index", "ed_visits_6mo"] {
            // LOS 14 alone would give L = 7; the missing part makes LACE unknown.
            var changes: [String: String?] = ["los_days": "14"]
            changes[part] = .some(nil)
            let record = DefaultRecords.record(changes)
            #expect(record.derived("lace") == nil, "\(part) missing")
            // LACE is unknown, so both LACE rules are.
            #expect(record.rule("clinical.lace_high") == .unknown, "\(part) missing")
            #expect(record.rule("clinical.lace_moderate") == .unknown, "\(part) missing")
        }
    }

    /// Section 5: the model list skips an unknown condition (edge cases X10, X11).
    @Test func edgeCaseX10SmiWithMissingPsychAdmissionsAndFourEDVisitsIsIntensive() {
        let record = DefaultRecords.record(["smi_diagnosis": "true", "psych_admissions_12mo": nil, "ed_visits_6mo": "4"])
        #expect(record.rule("mental_health.psych_admission") == .unknown)
        #expect((record.score("mental_health"), record.tier("mental_health"), record.total, record.tier) == (3, "moderate", 3, "low"))
        #expect(record.model == "intensive")
        #expect(record.reviewBy == 20513 + 30)  // 2026-03-31
    }

    @Test func edgeCaseX11MissingEDVisitsWithoutSmiIsNotIntensive() throws {
        let record = DefaultRecords.record(["ed_visits_6mo": nil])
        let intensive = try #require(DefaultRecords.program.models.first?.condition)
        #expect(Outcome(record.evaluator.registerValues[intensive.register]) == .notFired)
        #expect(record.model == "brokerage")
        #expect(record.reviewBy == 20513 + 180)  // 2026-08-28
    }

    @Test func anUnknownModelConditionIsSkipped() throws {
        // smi true, psych admissions and ED visits missing: intensive's condition is unknown.
        let record = DefaultRecords.record(["smi_diagnosis": "true", "psych_admissions_12mo": nil, "ed_visits_6mo": nil])
        let intensive = try #require(DefaultRecords.program.models.first?.condition)
        #expect(Outcome(record.evaluator.registerValues[intensive.register]) == .unknown)
        #expect(record.model == "brokerage")
    }

    @Test func anUnknownRuleAddsNoPoints() {
        let record = DefaultRecords.record(["phq9_total": nil, "smi_diagnosis": "true"])
        #expect(record.rule("mental_health.phq9_severe") == .unknown)
        #expect(record.score("mental_health") == 3)
    }
}
