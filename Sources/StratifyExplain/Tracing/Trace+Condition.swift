import StratifyEngine
extension Trace {
    /// A condition (of a rule, floor, escalation or model) and why it came
    /// out as it did.
    public struct Condition: Sendable, Equatable {
        /// As written in the rule file.
        public var text: String
        public var outcome: Outcome
        /// The value of each name the condition reads and of each computed
        /// operand, by its text (`ExprPlan.shownValues`).
        public var values: [NamedValue]
        /// Each comparison, membership test or condition on its own, with
        /// its operands' values.
        public var checks: [Check]
        /// When the condition is false: the parts that made it false (for
        /// `and`, the conjuncts that are false; for `or`, every part).
        public var failed: [Part]
        /// When it holds: the parts that made it hold.
        public var held: [Part]
        /// When it is unknown: the missing inputs that made it so, sorted.
        public var missing: [String]
    }

    /// A part of a condition: its text and how it reads with values
    /// (`score_a 17 ≥ 20 ✗`).
    public struct Part: Sendable, Equatable {
        public var expr: String
        public var sentence: String
    }

    /// One comparison or test, with the values it compared.
    public struct Check: Sendable, Equatable {
        /// The test as written: `score_a >= 20`.
        public var expr: String
        /// The operator of a comparison (`>=`), nil for other tests.
        public var op: String?
        /// The operands of a comparison.
        public var left: TraceValue?
        public var right: TraceValue?
        /// The value tested by a membership test or a condition on its own.
        public var value: TraceValue?
        public var holds: Outcome
        /// `score_a 17 ≥ 20 ✗`.
        public var sentence: String
    }
}
