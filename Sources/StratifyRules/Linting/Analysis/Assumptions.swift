/// What a condition being true (or false) tells about the values it
/// compares: `n >= 75` true, with `n` declared 0..120, means `n` is in 75..120.
///
/// Ranges are kept by register, which identifies a value (an input, a
/// derived value, a flag, a score or a tier) wherever it is referred to.
/// Narrowing is sound: every record that satisfies the assumptions has its
/// values inside the narrowed ranges. When a range becomes empty, no record
/// satisfies them: the assumptions are `impossible`.
struct Assumptions {
    private(set) var ranges: [Int: Interval] = [:]
    private(set) var impossible = false

    static let none = Assumptions()

    var isEmpty: Bool { ranges.isEmpty && !impossible }

    func range(of register: Int) -> Interval? {
        ranges[register]
    }

    /// Records that the value in `register` lies in `range` (already
    /// intersected with what was known of it).
    mutating func narrow(_ register: Int, to range: Interval) {
        if range.isEmpty {
            impossible = true
        } else {
            ranges[register] = range
        }
    }

    mutating func markImpossible() {
        impossible = true
    }

    /// What holds in every one of `branches` (which all started from
    /// `self`): for each value, the hull of its ranges. Impossible branches
    /// are left out; when all are, so is the result.
    func union(_ branches: [Assumptions]) -> Assumptions {
        let possible = branches.filter { !$0.impossible }
        guard let first = possible.first else {
            var result = self
            result.impossible = true
            return result
        }
        var result = self
        for (register, range) in first.ranges {
            var hull = range
            var everywhere = true
            for branch in possible.dropFirst() {
                guard let other = branch.ranges[register] else {
                    everywhere = false
                    break
                }
                hull = hull.hull(other)
            }
            if everywhere { result.ranges[register] = hull }
        }
        return result
    }
}
