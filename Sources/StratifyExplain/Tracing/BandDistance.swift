import StratifyRules

/// How far a score is from the edges of its tier band: how many more points
/// reach the next tier up, and how many fewer drop to the tier below
/// (`total 11: 1 point below the next tier`).
public struct BandDistance: Sendable, Equatable {
    /// A neighbouring tier and the points to move there.
    public struct Step: Sendable, Equatable {
        public var tier: Int
        public var points: Int
    }

    public var score: Int
    /// The tier of the band the score falls in.
    public var tier: Int
    public var lower: Int
    /// nil: the band is open above.
    public var upper: Int?
    /// The next band up; nil in the highest band.
    public var up: Step?
    /// The band below; nil in the lowest band.
    public var down: Step?

    public init(score: Int, bands: TierBands) {
        self.score = score
        let index = bands.bands.lastIndex { score >= $0.lower } ?? 0
        let band = bands.bands[index]
        tier = band.tier
        lower = band.lower
        upper = band.upper
        up =
            index + 1 < bands.bands.count
            ? Step(tier: bands.bands[index + 1].tier, points: bands.bands[index + 1].lower - score) : nil
        down = index > 0 ? Step(tier: bands.bands[index - 1].tier, points: score - band.lower + 1) : nil
    }
}
