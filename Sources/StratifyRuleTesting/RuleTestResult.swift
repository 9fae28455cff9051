import StratifyCore

/// What running one test file gave.
public struct RuleTestFileResult: Sendable {
    public let file: RuleTestFile
    public let cases: [RuleCaseResult]

    public var passed: Int { cases.count { $0.passed } }
    public var failed: Int { cases.count { !$0.passed } }
}

/// One case's result: passed when nothing it expects differs.
public struct RuleCaseResult: Sendable {
    public let name: String
    public let location: SourceLocation
    public let failures: [RuleTestFailure]

    public var passed: Bool { failures.isEmpty }
}

/// One expectation that did not hold, and the part of the trace that decided it.
public struct RuleTestFailure: Sendable {
    /// Where the expectation is written.
    public let location: SourceLocation
    /// What was checked: an output field, `derived NAME`, or a condition's id.
    public let subject: String
    public let expected: String
    public let actual: String
    /// The conditions that decided the actual value, with their outcomes,
    /// text and the values they used.
    public let trace: [String]
}
