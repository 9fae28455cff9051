import Testing
import StratifyYAML
@testable import StratifyRules

@Suite struct DefaultRulesTests {
    @Test func defaultRulesCompile() throws {
        let output = RuleCompiler.compile(try Fixtures.defaultRules())
        for diagnostic in output.diagnostics {
            print(DiagnosticRenderer().render(diagnostic, source: try Fixtures.defaultRules()))
        }
        #expect(output.diagnostics.isEmpty)
        let program = try #require(output.program)
        #expect(program.rules.count == 31)
        #expect(program.domains.count == 5)
        #expect(program.flags.map(\.name) == ["homeless", "interpersonal_safety", "self_harm_risk"])
    }
}
