import StratifyEngine
extension Trace {
    /// One rule and its outcome for the record.
    public struct Rule: Sendable, Equatable {
        public var id: String
        public var domain: String
        public var points: Int
        public var flag: String?
        public var because: String
        public var condition: Condition

        public var outcome: Outcome { condition.outcome }
        /// The missing inputs that left the rule unknown.
        public var missing: [String] { condition.missing }
    }

    /// A domain's score, its band and tier, the floors, and what could move it.
    public struct Domain: Sendable, Equatable {
        public var name: String
        public var score: Int
        /// The tier after floors.
        public var tier: String
        public var floors: [Adjustment]
        public var scale: Scale
    }

    /// A score on a tier scale: its band, the distance to the bands around
    /// it, and the highest tier reachable if missing values were known.
    public struct Scale: Sendable, Equatable {
        public var score: Int
        public var band: Band
        /// The next tier up and the points it takes; nil in the top band.
        public var up: Step?
        /// The tier below and the points to lose; nil in the lowest band.
        public var down: Step?
        /// The highest tier the record could reach if its missing values
        /// were known.
        public var reachable: String
        /// True when nothing unknown can change the tier (then `reachable`
        /// is the tier); false when `reachable` is a bound.
        public var exact: Bool
    }

    public struct Band: Sendable, Equatable {
        public var tier: String
        public var lower: Int
        /// nil: open above.
        public var upper: Int?

        public init(tier: String, lower: Int, upper: Int?) {
            self.tier = tier
            self.lower = lower
            self.upper = upper
        }

        /// `3..5`, `6..`.
        public var range: String { "\(lower)..\(upper.map(String.init) ?? "")" }
    }

    public struct Step: Sendable, Equatable {
        public var tier: String
        public var points: Int

        public init(tier: String, points: Int) {
            self.tier = tier
            self.points = points
        }
    }

    /// A floor or an escalation: a condition that raises a tier to at least a level.
    public struct Adjustment: Sendable, Equatable {
        public var id: String
        public var atLeast: String
        public var because: String
        public var condition: Condition

        /// Applied only when its condition holds.
        public var applied: Bool { condition.outcome == .fired }
    }
}
