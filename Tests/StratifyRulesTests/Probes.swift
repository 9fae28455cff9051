import Testing
import StratifyRules
import StratifyEngine

/// One expression evaluated over the inline inputs of `RuleFiles` (id, age,
/// income, smoker, lonely, substance_use, seen_on, n, m).
enum Probe {
    /// The value of `expression` as a derived value; nil when unknown.
    static func value(_ expression: String, _ inputs: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> Double? {
        let text = RuleFiles.file(derived: "  v: \"\(expression)\"", domains: RuleFiles.trivialDomain)
        let program = try RuleFiles.program(text, sourceLocation: sourceLocation)
        return Record(program, inputs, sourceLocation: sourceLocation).derived("v")
    }

    /// The type the checker gives `expression`.
    static func type(_ expression: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ValueType {
        let text = RuleFiles.file(derived: "  v: \"\(expression)\"", domains: RuleFiles.trivialDomain)
        return try RuleFiles.program(text, sourceLocation: sourceLocation).derived[0].type
    }

    /// The outcome of `condition` as the condition of a rule.
    static func outcome(_ condition: String, _ inputs: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        let program = try RuleFiles.program(RuleFiles.withRule(when: "\"\(condition)\""), sourceLocation: sourceLocation)
        return Record(program, inputs, sourceLocation: sourceLocation).rule("rule.one")
    }
}
