/// Why one record got its scores, tier and model: every input, derived
/// value, rule, floor, escalation and model candidate, as the one
/// evaluation left them in the registers, and what would change the result.
///
/// Built by `TraceBuilder` for people (the text form) and tests. The JSON
/// form (`TraceJSONFormatter`) writes the same content straight from the
/// registers; `docs/explain.md` documents its keys.
public struct Trace: Sendable, Equatable {
    /// The identifier's input name (`identifier:` in the rule file) and value.
    public var identifierName: String
    public var identifier: String
    /// Every input conditions can use, in schema order.
    public var inputs: [NamedValue]
    /// The inputs the record lacks, sorted.
    public var missing: [String]
    /// How many inputs there are besides the identifier (those `missing`
    /// can name).
    public var inputsTotal: Int
    public var derived: [Derived]
    /// Every rule of every domain, in file order.
    public var rules: [Rule]
    /// The flags set, sorted.
    public var flags: [String]
    public var domains: [Domain]
    public var totalScore: Int
    /// The total's band, and how far it is from the next.
    public var overall: Scale
    /// The final tier, after escalations.
    public var tier: String
    public var escalations: [Adjustment]
    public var model: String
    /// Every model in order, with its condition's outcome.
    public var modelCandidates: [ModelCandidate]
    /// Single-field changes that would change the model, nearest first; nil
    /// when not computed.
    public var modelChanges: [ModelChange]?
    /// `YYYY-MM-DD`, or nil.
    public var reviewBy: String?

    public struct NamedValue: Sendable, Equatable {
        public var name: String
        public var value: TraceValue
    }

    /// A derived value and how it was computed.
    public struct Derived: Sendable, Equatable {
        public var name: String
        public var value: TraceValue
        /// `P 4 (stay_days 5 in 4..6) + Q 3 (urgent true) + … = 10`.
        public var steps: String
    }

    /// How many inputs the record has besides the identifier: what it was scored on.
    public var inputsKnown: Int { inputsTotal - missing.count }

    /// The rules that fired, in file order.
    public var fired: [Rule] { rules.filter { $0.outcome == .fired } }

    /// A rule by id.
    public func rule(_ id: String) -> Rule? { rules.first { $0.id == id } }

    /// A domain by name.
    public func domain(_ name: String) -> Domain? { domains.first { $0.name == name } }

    /// A derived value by name.
    public func derived(_ name: String) -> Derived? { derived.first { $0.name == name } }
}
