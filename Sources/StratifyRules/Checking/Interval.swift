import StratifyCore
/// The range a value can take, by interval arithmetic over the schema's
/// ranges. Sound, not tight: the true range is always inside.
public struct Interval: Sendable, Equatable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public static let unbounded = Interval(-.infinity, .infinity)
    public static let boolean = Interval(0, 1)

    public func contains(_ value: Double) -> Bool {
        lower <= value && value <= upper
    }

    public func hull(_ other: Interval) -> Interval {
        Interval(Swift.min(lower, other.lower), Swift.max(upper, other.upper))
    }

    public var description: String {
        lower == upper ? NumberText.plain(lower) : "\(NumberText.plain(lower))..\(NumberText.plain(upper))"
    }

    static func + (a: Interval, b: Interval) -> Interval {
        Interval(a.lower + b.lower, a.upper + b.upper).sanitized
    }

    static func - (a: Interval, b: Interval) -> Interval {
        Interval(a.lower - b.upper, a.upper - b.lower).sanitized
    }

    static func * (a: Interval, b: Interval) -> Interval {
        let products = [a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper].filter { !$0.isNaN }
        guard let low = products.min(), let high = products.max(), products.count == 4 else { return .unbounded }
        return Interval(low, high)
    }

    static func / (a: Interval, b: Interval) -> Interval {
        if b.contains(0) { return .unbounded }
        return a * Interval(1 / b.upper, 1 / b.lower)
    }

    /// ∞ − ∞ and the like give NaN bounds: widen to unbounded.
    private var sanitized: Interval {
        Interval(lower.isNaN ? -.infinity : lower, upper.isNaN ? .infinity : upper)
    }
}

/// Computes intervals of typed expressions.
struct IntervalAnalysis {
    var inputs: [InputField]
    /// Intervals of derived values, by index, filled in as they are checked.
    var derived: [Interval?]
    var domainScores: [Interval] = []
    var total: Interval = .unbounded
    var tierCount = 1

    func interval(of expr: TypedExpr) -> Interval {
        switch expr.kind {
        case .constant(let value):
            return Interval(value, value)
        case .input(let index):
            return Self.interval(of: inputs[index])
        case .derived(let index):
            return derived[index] ?? .unbounded
        case .flag, .not, .compare, .member, .logical:
            return .boolean
        case .domainScore(let index):
            return index < domainScores.count ? domainScores[index] : .unbounded
        case .domainTier, .tier:
            return Interval(0, Double(tierCount - 1))
        case .totalScore:
            return total
        case .negate(let operand):
            let inner = interval(of: operand)
            return Interval(-inner.upper, -inner.lower)
        case .arithmetic(let op, let left, let right):
            let a = interval(of: left)
            let b = interval(of: right)
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return a / b
            }
        case .call(let function, let arguments):
            let intervals = arguments.map(interval(of:))
            switch function {
            case .count: return Interval(0, Double(arguments.count))
            case .min: return Interval(intervals.map(\.lower).min()!, intervals.map(\.upper).min()!)
            case .max: return Interval(intervals.map(\.lower).max()!, intervals.map(\.upper).max()!)
            case .known, .missing: return .boolean
            }
        case .table(_, let table):
            var result: Interval?
            for value in table.rows.map(\.value) + (table.defaultValue.map { [$0] } ?? []) {
                let part = interval(of: value)
                result = result?.hull(part) ?? part
            }
            return result ?? .unbounded
        case .cases(let arms, let otherwise):
            var result: Interval?
            for value in arms.map(\.value) + (otherwise.map { [$0] } ?? []) {
                let part = interval(of: value)
                result = result?.hull(part) ?? part
            }
            return result ?? .unbounded
        case .sum(let parts):
            return parts.reduce(Interval(0, 0)) { $0 + interval(of: $1.value) }
        }
    }

    static func interval(of field: InputField) -> Interval {
        switch field.type {
        case .boolean: return .boolean
        case .enumeration(let type): return Interval(0, Double(type.values.count - 1))
        default: return Interval(field.minimum ?? -.infinity, field.maximum ?? .infinity)
        }
    }
}
