/// What the linter knows of a value over every valid record: the values it
/// can take when it is known, and whether it can be unknown.
///
/// Booleans are 0 (false) and 1 (true), as in the engine's registers. The
/// knowledge is sound, not tight: a value can never fall outside `range`, and
/// if it can be unknown, one of the two flags says so.
struct AbstractValue {
    /// The values it can take when known; empty when it is never known.
    var range: Interval
    /// It can be unknown because an input it uses may be missing.
    var unknownWhenMissing: Bool
    /// It can be unknown even when every input it uses is present: a division
    /// by zero, a result beyond ±2^53, a case list that no case decides.
    var unknownWhenPresent: Bool

    var mayBeUnknown: Bool { unknownWhenMissing || unknownWhenPresent }

    var canBeTrue: Bool { range.contains(1) }
    var canBeFalse: Bool { range.contains(0) }

    /// True for every record that has the inputs it uses.
    var isTrueWhenPresent: Bool { canBeTrue && !canBeFalse && !unknownWhenPresent }
    /// True for every record, whatever is missing.
    var isAlwaysTrue: Bool { isTrueWhenPresent && !unknownWhenMissing }
    /// False for every record, whatever is missing.
    var isAlwaysFalse: Bool { !canBeTrue && canBeFalse && !mayBeUnknown }

    init(range: Interval, unknownWhenMissing: Bool = false, unknownWhenPresent: Bool = false) {
        self.range = range
        self.unknownWhenMissing = unknownWhenMissing
        self.unknownWhenPresent = unknownWhenPresent
    }

    static func boolean(canBeTrue: Bool, canBeFalse: Bool, unknownWhenMissing: Bool = false, unknownWhenPresent: Bool = false) -> AbstractValue {
        AbstractValue(
            range: canBeTrue || canBeFalse ? Interval(canBeFalse ? 0 : 1, canBeTrue ? 1 : 0) : .empty,
            unknownWhenMissing: unknownWhenMissing, unknownWhenPresent: unknownWhenPresent)
    }

    /// Nothing known: any value of the type, possibly unknown.
    static func anything(of type: ValueType) -> AbstractValue {
        let range: Interval =
            switch type {
            case .boolean: .boolean
            case .enumeration(let values): Interval(0, Double(values.values.count - 1))
            default: .unbounded
            }
        return AbstractValue(range: range, unknownWhenMissing: true, unknownWhenPresent: true)
    }

    /// Unknown when any of `parts` can be.
    mutating func inheritUnknowns(of parts: [AbstractValue]) {
        for part in parts {
            unknownWhenMissing = unknownWhenMissing || part.unknownWhenMissing
            unknownWhenPresent = unknownWhenPresent || part.unknownWhenPresent
        }
    }
}
