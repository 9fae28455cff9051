import StratifyCore

/// What running one test file gave.
package struct RuleTestFileResult: Sendable {
    package let file: RuleTestFile
    package let cases: [RuleCaseResult]

    package var passed: Int { cases.count { $0.passed } }
    package var failed: Int { cases.count { !$0.passed } }
}

/// One case's result: passed when nothing it expects differs.
package struct RuleCaseResult: Sendable {
    package let name: String
    package let location: SourceLocation
    package let failures: [RuleTestFailure]

    package var passed: Bool { failures.isEmpty }
}

/// One expectation that did not hold, and the part of the trace that decided it.
package struct RuleTestFailure: Sendable {
    /// Where the expectation is written.
    package let location: SourceLocation
    /// What was checked: an output field, `derived NAME`, or a condition's id.
    package let subject: String
    package let expected: String
    package let actual: String
    /// The conditions that decided the actual value, with their outcomes,
    /// text and the values they used.
    package let trace: [String]
}
