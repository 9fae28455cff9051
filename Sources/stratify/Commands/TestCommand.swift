import ArgumentParser
import StratifyCore
import StratifyEngine
import StratifyIO
import StratifyRuleTesting
import StratifyYAML

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rule tests written in YAML: patients and what the rules must make of them.",
        discussion: """
            Each test file (*.test.yaml) names the rule file it tests (default
            ../default.yaml, relative to the test file), an optional baseline
            patient, and cases: a patient, fields to leave missing, and what to
            expect (tier, model, scores, flags, missing, review_by, rule outcomes,
            derived values). The format is documented in Rules/tests/README.md.

            A failing case is printed with its file and line, expected vs actual,
            and the rules that decided the value: their outcome, condition and the
            values they used.

            --coverage lists what no case exercises: rules that never fire or never
            fail to fire, floors and escalations never applied, models never chosen,
            and tier band boundaries where no case reaches the score on one side.

            Examples:
              stratify test
              stratify test Rules/tests/my-rules.test.yaml --verbose
              stratify test --coverage --coverage-min 100

            Exit status:
              0  every case passed (and coverage is at least --coverage-min)
              1  a case failed, or coverage is below --coverage-min
              2  usage error, or a test file (or the rule file it tests) has errors
            """)

    @Argument(help: ArgumentHelp("Test files, or folders of *.test.yaml files. Default: Rules/tests.", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Report what no case exercises in each rule file tested.")
    var coverage = false

    @Option(help: ArgumentHelp("Fail (exit 1) when the coverage of a rule file tested is below this percentage.", valueName: "percent"))
    var coverageMin: Double?

    @Flag(name: .shortAndLong, help: "List every case, passed or failed.")
    var verbose = false

    func validate() throws {
        if let coverageMin, !(0...100).contains(coverageMin) {
            throw ValidationError("--coverage-min must be a percentage from 0 to 100")
        }
    }

    func run() throws {
        let suite = RuleTestSuite.run(paths: paths.isEmpty ? ["Rules/tests"] : paths)
        let stderr = Terminal.standardError
        for error in suite.pathErrors { stderr.write(error + "\n") }
        let renderer = DiagnosticRenderer(color: stderr.useColor)
        for problem in suite.problems {
            stderr.write(renderer.render(problem.diagnostic, source: problem.source) + "\n")
        }
        let stdout = Terminal.standardOutput
        let results = RuleTestReport.results(suite, verbose: verbose)
        if !results.isEmpty { stdout.write(results + "\n") }
        if coverage || coverageMin != nil {
            for item in suite.coverage {
                stdout.write(RuleTestReport.coverage(item.coverage, rulesPath: item.rulesPath) + "\n")
            }
        }
        stdout.write(RuleTestReport.closing(suite))
        if suite.isBroken { throw ExitStatus.failure }
        var status = suite.failed > 0 ? ExitStatus.partial : ExitStatus.success
        if let coverageMin {
            for (path, percent) in suite.coverage(below: coverageMin) {
                stderr.write("\(path): coverage \(RuleTestReport.percentText(percent)) is below --coverage-min \(Self.number(coverageMin))%\n")
                status = .partial
            }
        }
        if status != .success { throw status }
    }

    private static func number(_ value: Double) -> String {
        NumberText.plain(value)
    }
}
