/// The three-valued outcome of a condition.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// The condition holds.
    case fired
    /// The condition does not hold.
    case notFired = "not_fired"
    /// Missing values leave the condition undecided.
    case unknown

    @inline(__always)
    public init(_ value: Double) {
        self = value == 1 ? .fired : (value == 0 ? .notFired : .unknown)
    }
}
