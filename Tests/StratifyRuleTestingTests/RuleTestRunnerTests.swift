import StratifyCore
import StratifyEngine
import StratifyRuleTesting
import StratifyTestSupport
import StratifyYAML
import Testing

/// The YAML rule tests of `Rules/tests` pass with full coverage, and the
/// runner itself: failures with expected vs actual at their line, located
/// errors for broken test files, coverage gaps.
@Suite struct RuleTestRunnerTests {
    static let root = RepositoryFixtures.root

    // MARK: - The shipped tests

    @Test func shippedRuleTestsPassWithFullCoverage() {
        let suite = RuleTestSuite.run(paths: [Self.root + "/Rules/tests"])
        let renderer = DiagnosticRenderer()
        #expect(suite.pathErrors.isEmpty)
        #expect(suite.problems.isEmpty, "\(suite.problems.map { renderer.render($0.diagnostic, source: $0.source) }.joined(separator: "\n"))")
        #expect(suite.files.count >= 6)
        #expect(suite.failed == 0, "\(RuleTestReport.results(suite))")
        #expect(suite.passed >= 90)
        #expect(suite.coverage.map(\.rulesPath) == [Self.root + "/Rules/default.yaml"])
        for item in suite.coverage {
            #expect(item.coverage.percent == 100, "\(RuleTestReport.coverage(item.coverage, rulesPath: item.rulesPath))")
        }
    }

    // MARK: - Failures

    @Test func aFailingCaseIsReportedWithExpectedActualAndItsLine() throws {
        let file = try load(
            """
            baseline: {los_days: 5, acute_admission: yes, charlson_index: 2, ed_visits_6mo: 1, assessed_on: 2026-03-01}
            cases:
              - name: passes
                expect: {derived: {lace: 10}, clinical_score: 4}
            1️⃣  - name: LACE 10 is not enough for high
                expect:
                  fired: [clinical.lace_high]
                  2️⃣clinical_tier: high
                  not_fired: [3️⃣clinical.bp_crisis]
            """)
        let result = RuleTestRunner(file: file.file).run()
        #expect(result.passed == 1)
        #expect(result.failed == 1)
        let failing = try #require(result.cases.last)
        #expect(failing.location.line == file.markers["1️⃣"]!.line)
        // An unknown outcome is not "not fired": blood pressure is missing.
        #expect(failing.failures.map(\.subject) == ["clinical_tier", "clinical.bp_crisis"])
        let tier = failing.failures[0]
        #expect((tier.location.line, tier.location.column) == file.markers["2️⃣"]!)
        #expect(tier.expected == "high")
        #expect(tier.actual == "moderate")
        #expect(tier.trace.contains { $0.hasPrefix("clinical_tier moderate: score 4 is in band moderate (3..5)") })
        #expect(tier.trace.contains { $0.contains("fired") && $0.contains("clinical.lace_high +4: when lace >= 10") })
        #expect(tier.trace.contains { $0.hasPrefix("where lace = 10:") && $0.contains("los_days 5") })
        let outcome = failing.failures[1]
        #expect((outcome.location.line, outcome.location.column) == file.markers["3️⃣"]!)
        #expect((outcome.expected, outcome.actual) == ("not_fired", "unknown"))
        #expect(
            outcome.trace.contains { $0.contains("clinical.bp_crisis +3: when bp_category == crisis") && $0.contains("missing: diastolic_bp, systolic_bp") })

        let text = RuleTestReport.failure(failing, in: file.file)
        #expect(text.hasPrefix("FAIL \(file.file.source.path):\(file.markers["1️⃣"]!.line):5: LACE 10 is not enough for high\n"))
        #expect(text.contains("\(file.file.source.path):\(tier.location): clinical_tier: expected high, got moderate"))
    }

    @Test func everyKindOfExpectationIsChecked() throws {
        let file = try load(
            """
            baseline: {assessed_on: 2026-03-01, phq9_item9: 1, systolic_bp: 200}
            cases:
              - name: all wrong
                expect:
                  mental_health_score: 4
                  mental_health_tier: moderate
                  total_score: 1
                  tier: low
                  model: brokerage
                  flags: []
                  missing: [age]
                  review_by: 2026-03-02
                  fired: [escalate.homeless]
                  derived: {bp_category: normal, lace: 3}
              - name: all right
                expect:
                  mental_health_score: 3
                  mental_health_tier: high
                  total_score: 6
                  tier: high
                  model: clinical
                  flags: [self_harm_risk]
                  review_by: 2026-04-30
                  fired: [escalate.safety, floor.self_harm_risk, clinical, brokerage]
                  derived: {bp_category: crisis, lace: unknown}
            """)
        let result = RuleTestRunner(file: file.file).run()
        #expect(result.cases.map(\.passed) == [false, true])
        #expect(
            result.cases[0].failures.map(\.subject) == [
                "mental_health_score", "mental_health_tier", "total_score", "tier", "model", "flags", "missing", "review_by",
                "escalate.homeless", "derived bp_category", "derived lace",
            ])
        #expect(result.cases[0].failures.map(\.actual).last == "unknown")
    }

    // MARK: - Broken test files

    @Test func mistakesAreLocatedWithDidYouMean() throws {
        let (problems, markers) = problemsLoading(
            """
            baseline:
              1️⃣ag: 40
            cases:
              - name: typos everywhere
                patient: {phq9_total: 2️⃣31}
                3️⃣expekt: {}
              - name: more
                missing: [4️⃣patient_id]
                expect:
                  5️⃣tierr: low
                  fired: [6️⃣clinical.lace_hihg]
                  model: 7️⃣intensiv
                  derived: {8️⃣los_days: 3}
                  9️⃣clinical_tier: extreme
            """)
        let expected: [(String, String, String?)] = [
            ("1️⃣", "unknown input field 'ag' in the baseline", "did you mean 'age'?"),
            ("2️⃣", "invalid value for 'phq9_total': 31 is above the maximum 27", nil),
            ("3️⃣", "unknown key 'expekt' in a case", "did you mean 'expect'?"),
            ("4️⃣", "'patient_id' is the identifier: every record has one, so it cannot be missing", nil),
            ("5️⃣", "unknown key 'tierr' in 'expect'", "did you mean 'tier'?"),
            ("6️⃣", "unknown rule id 'clinical.lace_hihg'", "did you mean 'clinical.lace_high'?"),
            ("7️⃣", "unknown model 'intensiv'", "did you mean 'intensive'?"),
            ("8️⃣", "unknown derived value 'los_days' in 'derived'", "'los_days' is an input: give it under 'patient'"),
        ]
        for (marker, message, note) in expected {
            let location = markers[marker]!
            let found = problems.first { $0.diagnostic.location?.line == location.line && $0.diagnostic.location?.column == location.column }
            #expect(found?.diagnostic.message == message, "at \(marker)")
            if let note { #expect(found?.diagnostic.notes.contains(note) == true, "at \(marker): \(found?.diagnostic.notes ?? [])") }
        }
        // The case without `expect` is reported at the case.
        #expect(problems.contains { $0.diagnostic.message.hasPrefix("a case needs 'expect'") })
        // A value that is not a tier, at the value.
        let tier = markers["9️⃣"]!
        #expect(problems.contains { $0.diagnostic.location?.line == tier.line && $0.diagnostic.message == "unknown tier 'extreme'" })
        #expect(problems.allSatisfy { $0.diagnostic.description.hasPrefix(Self.inlinePath + ":") })
    }

    @Test func yamlErrorsAndAMissingRuleFileAreLocated() {
        let (syntax, _) = problemsLoading("cases:\n  - name: [unclosed\n")
        #expect(syntax.count == 1)
        #expect(syntax.first?.diagnostic.location != nil)

        let (missing, markers) = problemsLoading(
            """
            rules: 1️⃣nowhere.yaml
            cases: [{expect: {tier: low}}]
            """)
        let location = markers["1️⃣"]!
        #expect(missing.map(\.diagnostic.location?.line) == [location.line])
        #expect(missing.first?.diagnostic.message.hasPrefix("cannot read the rule file: cannot open '\(Self.root)/Rules/tests/nowhere.yaml'") == true)

        let (empty, _) = problemsLoading("# nothing here\n")
        #expect(empty.first?.diagnostic.message.hasPrefix("the test file is empty") == true)
    }

    @Test func aRuleFileWithErrorsStopsItsTestsWithItsOwnDiagnostics() throws {
        let loader = RuleTestLoader()
        let file = loader.load(
            SourceFile(
                path: Self.root + "/Tests/Fixtures/acceptance/inline.test.yaml",
                text: """
                    rules: edge-cases.csv
                    cases: [{expect: {tier: low}}]
                    """))
        #expect(file == nil)
        #expect(loader.problems.contains { $0.diagnostic.path.hasSuffix("edge-cases.csv") })
        #expect(loader.problems.contains { $0.diagnostic.path.hasSuffix("inline.test.yaml") && $0.diagnostic.location?.line == 1 })
    }

    // MARK: - Coverage

    @Test func coverageListsWhatNoCaseExercises() throws {
        let file = try load(
            """
            baseline: {phq9_total: 2}
            cases:
              - name: moderate depression
                patient: {phq9_total: 12}
                expect: {mental_health_score: 2}
            """)
        var coverage = RuleCoverage(program: file.file.program)
        _ = RuleTestRunner(file: file.file).run { coverage.record($0) }
        let items = coverage.items
        func item(_ kind: RuleCoverageItem.Kind, _ id: String) -> RuleCoverageItem? { items.first { $0.kind == kind && $0.id == id } }
        #expect(item(.ruleFired, "mental_health.phq9_moderate")?.exercised == true)
        #expect(item(.ruleNotFired, "mental_health.phq9_moderate")?.exercised == false)
        #expect(item(.ruleNotFired, "mental_health.phq9_severe")?.exercised == true)
        #expect(item(.ruleNotFired, "clinical.older_age")?.exercised == false)  // unknown is not "not fired"
        #expect(item(.model, "brokerage")?.exercised == true)
        #expect(item(.model, "intensive")?.exercised == false)
        let edges = items.filter { $0.kind == .bandEdge && $0.exercised }.map(\.gap)
        #expect(edges == ["mental_health bands: no case has mental_health score 2, the top of low (0..2)"])
        #expect(coverage.total == 96)
        // Fired: phq9_moderate; not fired: the other two PHQ-9 bands; brokerage; mental_health 2.
        #expect(coverage.exercised == 5)
        let report = RuleTestReport.coverage(coverage, rulesPath: "Rules/default.yaml")
        #expect(report.contains("Rules/default.yaml:"))
        #expect(report.contains("model intensive: no case chooses it"))
        #expect(RuleTestReport.percentText(99.96) == "99.9%")
    }

    // MARK: - Helpers

    static let inlinePath = root + "/Rules/tests/inline.test.yaml"

    struct Loaded {
        var file: RuleTestFile
        var markers: [String: (line: Int, column: Int)]
    }

    /// Loads a test file written inline, as if it were in Rules/tests.
    private func load(_ marked: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Loaded {
        let (text, markers) = PositionMarkers.strip(marked)
        let loader = RuleTestLoader()
        let file = loader.load(SourceFile(path: Self.inlinePath, text: text))
        let renderer = DiagnosticRenderer()
        #expect(loader.problems.isEmpty, "\(loader.problems.map { renderer.render($0.diagnostic, source: $0.source) })", sourceLocation: sourceLocation)
        return Loaded(file: try #require(file, sourceLocation: sourceLocation), markers: markers)
    }

    private func problemsLoading(_ marked: String) -> ([RuleTestProblem], [String: (line: Int, column: Int)]) {
        let (text, markers) = PositionMarkers.strip(marked)
        let loader = RuleTestLoader()
        #expect(loader.load(SourceFile(path: Self.inlinePath, text: text)) == nil)
        return (loader.problems, markers)
    }
}
