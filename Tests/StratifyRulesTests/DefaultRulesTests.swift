import StratifyCore
import StratifyTestSupport
import StratifyYAML
import Testing
@testable import StratifyRules
import Testing

@Suite struct DefaultRulesTests {
    @Test func defaultRulesCompile() throws {
        let output = RuleCompiler.compile(try RepositoryFixtures.source("Rules/default.yaml"))
        for diagnostic in output.diagnostics {
            print(DiagnosticRenderer().render(diagnostic, source: try RepositoryFixtures.source("Rules/default.yaml")))
        }
        #expect(output.diagnostics.isEmpty)
        let program = try #require(output.program)
        #expect(program.rules.count == 31)
        #expect(program.domains.count == 5)
        #expect(program.flags.map(\.name) == ["homeless", "interpersonal_safety", "self_harm_risk"])
    }

    /// Section 5 of the reference specification: contact interval and
    /// caseload per model, in model order.
    @Test func defaultModelsCarryTheSpecifiedContactDaysAndCaseloads() throws {
        let program = try #require(RuleCompiler.compile(try RepositoryFixtures.source("Rules/default.yaml")).program)
        #expect(program.models.map(\.id) == ["intensive", "clinical", "strengths_based", "brokerage"])
        #expect(program.models.map(\.contactDays) == [7, 14, 30, 90])
        #expect(program.models.map(\.caseload) == [15, 25, 20, 75])
    }
}
