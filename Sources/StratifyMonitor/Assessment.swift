import StratifyRules

/// What the monitoring commands need of one scored patient: the identifier,
/// the overall and domain tiers, the model, the flags, the total and the
/// review date. Small on purpose: a population's previous assessment is
/// held in memory while the current one streams past it.
///
/// Tiers, models, domains and flags are indexes into the
/// ``AssessmentVocabulary`` of the side they come from, so that last
/// month's output, scored with last month's rules, keeps its own names.
public struct Assessment: Sendable, Equatable {
    public var identifier: String
    /// Index into the vocabulary's `tiers`.
    public var tier: Int
    /// Index into the vocabulary's `models`.
    public var model: Int
    /// One tier index per vocabulary domain; -1 when the side does not say.
    public var domainTiers: [Int]
    /// Bit `i` set: the vocabulary's flag `i` is set.
    public var flags: UInt64
    public var totalScore: Double?
    /// Days since 1970-01-01; nil when the record has no review date.
    public var reviewBy: Int?

    public init(identifier: String, tier: Int, model: Int, domainTiers: [Int], flags: UInt64, totalScore: Double?, reviewBy: Int?) {
        self.identifier = identifier
        self.tier = tier
        self.model = model
        self.domainTiers = domainTiers
        self.flags = flags
        self.totalScore = totalScore
        self.reviewBy = reviewBy
    }

    public func hasFlag(_ index: Int) -> Bool {
        index < 64 && flags & (1 << UInt64(index)) != 0
    }
}

/// The names an ``Assessment``'s indexes refer to.
public struct AssessmentVocabulary: Sendable, Equatable {
    /// Lowest first, as in the rule set's tier scale.
    public var tiers: [String]
    public var models: [String]
    public var domains: [String]
    public var flags: [String]

    public init(tiers: [String], models: [String], domains: [String], flags: [String]) {
        self.tiers = tiers
        self.models = models
        self.domains = domains
        self.flags = flags
    }

    /// The names of a compiled rule set.
    public init(program: Program) {
        self.init(
            tiers: program.tiers.values, models: program.models.map(\.id),
            domains: program.domains.map(\.name), flags: program.flags.map(\.name))
    }

    /// The most flags an ``Assessment`` can hold.
    public static let maxFlags = 64
}
