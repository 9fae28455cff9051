/// Narrowing: what a condition being true, or false, implies of the values
/// it names. Only definite outcomes are assumed (Kleene logic): `a and b`
/// false means one of them is false, not unknown.
extension ValueAnalysis {
    func assuming(_ expr: TypedExpr, is truth: Bool, _ assumptions: Assumptions, depth: Int = 0) -> Assumptions {
        guard !assumptions.impossible else { return assumptions }
        var result = assumptions
        switch expr.kind {
        case .constant(let value):
            if (value == 1) != truth { result.markImpossible() }
        case .input, .derived, .flag:
            // A boolean input, derived value or flag named as a condition.
            narrow(expr, to: Interval(truth ? 1 : 0, truth ? 1 : 0), in: &result, depth: depth)
        case .not(let operand):
            return assuming(operand, is: !truth, assumptions, depth: depth)
        case .logical(let op, let operands):
            if (op == .and) == truth {
                // All of them hold (and-true), or all fail (or-false).
                for operand in operands { result = assuming(operand, is: truth, result, depth: depth) }
            } else {
                result = assumptions.union(operands.map { assuming($0, is: truth, assumptions, depth: depth) })
            }
        case .compare(let op, let left, let right):
            let relation = truth ? op : op.negated
            let a = evaluate(left, assumptions, depth: depth).range
            let b = evaluate(right, assumptions, depth: depth).range
            let (canHold, _) = Self.outcomes(relation, a, b)
            if !canHold {
                result.markImpossible()
                break
            }
            if Self.isNarrowable(left) {
                narrow(left, to: Self.values(relation, of: b, narrowing: a, whole: Self.isWhole(left.type)), in: &result, depth: depth)
            }
            if Self.isNarrowable(right) {
                narrow(right, to: Self.values(relation.flipped, of: a, narrowing: b, whole: Self.isWhole(right.type)), in: &result, depth: depth)
            }
        case .member(let value, let list, let negated):
            guard Self.isNarrowable(value) else { break }
            let current = evaluate(value, assumptions, depth: depth).range
            let items = list.map { evaluate($0, assumptions, depth: depth).range }
            if truth != negated {
                let hull = items.reduce(Interval.empty) { $0.hull($1) }
                narrow(value, to: current.intersection(hull), in: &result, depth: depth)
            } else if Self.isWhole(value.type) {
                narrow(value, to: Self.trim(current, removing: items), in: &result, depth: depth)
            }
        default:
            break
        }
        return result
    }

    private func narrow(_ expr: TypedExpr, to range: Interval, in assumptions: inout Assumptions, depth: Int) {
        let current = evaluate(expr, assumptions, depth: depth).range
        assumptions.narrow(expr.register, to: current.intersection(range))
    }

    /// The values x with `x relation y` for some y in `other`, intersected
    /// with `current` (x's range), rounded inwards for whole numbers.
    static func values(_ relation: ComparisonOperator, of other: Interval, narrowing current: Interval, whole: Bool) -> Interval {
        var result: Interval
        switch relation {
        case .less:
            result = Interval(-.infinity, whole ? other.upper.rounded(.up) - 1 : other.upper.nextDown)
        case .lessEqual:
            result = Interval(-.infinity, other.upper)
        case .greater:
            result = Interval(whole ? other.lower.rounded(.down) + 1 : other.lower.nextUp, .infinity)
        case .greaterEqual:
            result = Interval(other.lower, .infinity)
        case .equal:
            result = other
        case .notEqual:
            return other.isSingleton && whole ? trim(current, removing: [other]) : current
        }
        result = current.intersection(result)
        return whole ? result.wholeNumbers : result
    }

    /// A whole-number range without the single values `items` at its ends.
    static func trim(_ range: Interval, removing items: [Interval]) -> Interval {
        let points = Set(items.filter(\.isSingleton).map(\.lower))
        var result = range.wholeNumbers
        while !result.isEmpty, points.contains(result.lower) { result.lower += 1 }
        while !result.isEmpty, points.contains(result.upper) { result.upper -= 1 }
        return result.isEmpty ? .empty : result
    }
}

extension ComparisonOperator {
    /// The comparison that holds exactly when this one is false (on known values).
    var negated: ComparisonOperator {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterEqual
        case .lessEqual: .greater
        case .greater: .lessEqual
        case .greaterEqual: .less
        }
    }

    /// The same comparison with its sides swapped: `a < b` is `b > a`.
    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        }
    }
}
