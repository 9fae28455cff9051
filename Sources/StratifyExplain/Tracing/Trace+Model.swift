import StratifyEngine
extension Trace {
    /// A case-management model in the list, with its condition's outcome.
    public struct ModelCandidate: Sendable, Equatable {
        public var id: String
        public var contact: String
        public var reviewDays: Int
        public var because: String
        /// nil for the model that always holds.
        public var condition: Condition?
        public var chosen: Bool

        public var outcome: Outcome { condition?.outcome ?? .fired }
    }

    /// One input changed alone, and the model it would give.
    public struct ModelChange: Sendable, Equatable {
        public var field: String
        /// `.unknown` when the input is missing.
        public var from: TraceValue
        public var to: TraceValue
        public var model: String

        public init(field: String, from: TraceValue, to: TraceValue, model: String) {
            self.field = field
            self.from = from
            self.to = to
            self.model = model
        }
    }
}
