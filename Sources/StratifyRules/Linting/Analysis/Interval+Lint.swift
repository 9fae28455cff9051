/// What the linter needs of intervals beyond interval arithmetic: empty
/// intervals, intersections, and rounding to whole numbers.
extension Interval {
    /// No value at all: a value that is never known, or a contradiction.
    /// `hull` with it gives the other interval back.
    static let empty = Interval(.infinity, -.infinity)

    var isEmpty: Bool { lower > upper }
    var isSingleton: Bool { lower == upper }

    func intersection(_ other: Interval) -> Interval {
        let result = Interval(Swift.max(lower, other.lower), Swift.min(upper, other.upper))
        return result.isEmpty ? .empty : result
    }

    func overlaps(_ other: Interval) -> Bool {
        !intersection(other).isEmpty
    }

    /// The whole numbers inside: bounds rounded inwards.
    var wholeNumbers: Interval {
        let result = Interval(lower.rounded(.up), upper.rounded(.down))
        return result.isEmpty ? .empty : result
    }

    /// Whether a result in this range can leave ±2^53, where the engine
    /// makes it unknown.
    var canOverflow: Bool {
        let limit = 9_007_199_254_740_992.0
        return !isEmpty && (lower < -limit || upper > limit)
    }
}
