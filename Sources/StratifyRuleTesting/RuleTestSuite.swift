import StratifyRules

/// Loads and runs test files, with coverage of every rule file they test.
package enum RuleTestSuite {
    /// Runs the test files that `paths` name (files, or folders of
    /// `*.test.yaml`). A broken file is reported and skipped; the others run.
    package static func run(paths: [String]) -> RuleTestSuiteResult {
        let (files, pathErrors) = RuleTestPaths.expand(paths)
        let loader = RuleTestLoader()
        let loaded = files.compactMap { loader.load(path: $0) }
        var result = run(loaded)
        result.pathErrors = pathErrors
        result.problems = loader.problems
        return result
    }

    /// Runs loaded test files; coverage is kept per rule file.
    package static func run(_ files: [RuleTestFile]) -> RuleTestSuiteResult {
        var result = RuleTestSuiteResult()
        for file in files {
            var coverage = result.coverage.first { $0.rulesPath == file.rulesPath }?.coverage ?? RuleCoverage(program: file.program)
            result.files.append(RuleTestRunner(file: file).run { coverage.record($0) })
            if let index = result.coverage.firstIndex(where: { $0.rulesPath == file.rulesPath }) {
                result.coverage[index].coverage = coverage
            } else {
                result.coverage.append((file.rulesPath, coverage))
            }
        }
        return result
    }
}

/// Everything a test run found.
package struct RuleTestSuiteResult: Sendable {
    /// Paths that name nothing to run.
    package var pathErrors: [String] = []
    /// Mistakes in test files (or the rule files they test); those files did not run.
    package var problems: [RuleTestProblem] = []
    package var files: [RuleTestFileResult] = []
    /// Per rule file tested, in the order first tested.
    package var coverage: [(rulesPath: String, coverage: RuleCoverage)] = []

    package var passed: Int { files.reduce(0) { $0 + $1.passed } }
    package var failed: Int { files.reduce(0) { $0 + $1.failed } }
    /// A test file did not load, or a path named nothing.
    package var isBroken: Bool { !pathErrors.isEmpty || problems.contains { $0.diagnostic.severity == .error } }

    /// The rule files whose coverage is below `minimum` percent.
    package func coverage(below minimum: Double) -> [(rulesPath: String, percent: Double)] {
        coverage.filter { $0.coverage.percent < minimum }.map { ($0.rulesPath, $0.coverage.percent) }
    }
}
