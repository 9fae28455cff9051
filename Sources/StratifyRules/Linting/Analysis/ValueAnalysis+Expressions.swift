/// The abstract value of each kind of expression node.
extension ValueAnalysis {
    func evaluate(_ expr: TypedExpr, _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        var result = compute(expr, assumptions, depth: depth)
        if Self.isNarrowable(expr), let narrowed = assumptions.range(of: expr.register) {
            // Only a known value makes a condition definitely true or false,
            // so a value the assumptions narrowed is known.
            result.range = result.range.intersection(narrowed)
            result.unknownWhenMissing = false
            result.unknownWhenPresent = false
        }
        return result
    }

    private func compute(_ expr: TypedExpr, _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        switch expr.kind {
        case .constant, .input, .derived, .flag, .domainScore, .domainTier, .totalScore, .tier:
            return reference(expr)
        case .negate(let operand):
            var value = evaluate(operand, assumptions, depth: depth)
            value.range = value.range.isEmpty ? .empty : Interval(-value.range.upper, -value.range.lower)
            return value
        case .not(let operand):
            let value = evaluate(operand, assumptions, depth: depth)
            var result = AbstractValue.boolean(canBeTrue: value.canBeFalse, canBeFalse: value.canBeTrue)
            result.inheritUnknowns(of: [value])
            return result
        case .arithmetic(let op, let left, let right):
            return arithmetic(op, evaluate(left, assumptions, depth: depth), evaluate(right, assumptions, depth: depth))
        case .logical(let op, let operands):
            return logical(op, operands, assumptions, depth: depth)
        case .compare(let op, let left, let right):
            return compare(op, evaluate(left, assumptions, depth: depth), evaluate(right, assumptions, depth: depth))
        case .member(let value, let list, let negated):
            return member(value, list, negated: negated, assumptions, depth: depth)
        case .call(let function, let arguments):
            return call(function, arguments.map { evaluate($0, assumptions, depth: depth) })
        case .table(let key, let table):
            return lookup(key, table, assumptions, depth: depth)
        case .cases(let arms, let otherwise):
            return cases(arms, otherwise: otherwise, assumptions, depth: depth)
        case .sum(let parts):
            let values = parts.map { evaluate($0.value, assumptions, depth: depth) }
            var result = AbstractValue(range: values.reduce(Interval(0, 0)) { $0 + $1.range })
            result.inheritUnknowns(of: values)
            result.unknownWhenPresent = result.unknownWhenPresent || result.range.canOverflow
            return result
        }
    }

    // MARK: - Numbers

    private func arithmetic(_ op: ArithmeticOperator, _ a: AbstractValue, _ b: AbstractValue) -> AbstractValue {
        var result: AbstractValue
        if a.range.isEmpty || b.range.isEmpty {
            result = AbstractValue(range: .empty)
        } else {
            let range: Interval =
                switch op {
                case .add: a.range + b.range
                case .subtract: a.range - b.range
                case .multiply: a.range * b.range
                case .divide: a.range / b.range
                }
            result = AbstractValue(range: range)
            result.unknownWhenPresent = range.canOverflow || (op == .divide && b.range.contains(0))
        }
        result.inheritUnknowns(of: [a, b])
        return result
    }

    private func call(_ function: TypedExpr.Function, _ values: [AbstractValue]) -> AbstractValue {
        if function.testsPresence { return presence(function, of: values[0]) }
        var result: AbstractValue
        switch function {
        case .count:
            let surely = values.filter { $0.canBeTrue && !$0.canBeFalse }.count
            let possibly = values.filter(\.canBeTrue).count
            result = AbstractValue(range: Interval(Double(surely), Double(possibly)))
        case .min:
            result = AbstractValue(range: Interval(values.map(\.range.lower).min()!, values.map(\.range.upper).min()!))
        case .max:
            result = AbstractValue(range: Interval(values.map(\.range.lower).max()!, values.map(\.range.upper).max()!))
        case .known, .missing:
            preconditionFailure("presence tests are handled by presence(_:of:)")
        }
        if values.contains(where: \.range.isEmpty) { result.range = .empty }
        result.inheritUnknowns(of: values)
        return result
    }

    /// `known(x)` can be true when x can be known, false when x can be
    /// missing, and is never unknown itself, whatever x is: it is what a
    /// rule uses to act on incomplete data.
    private func presence(_ function: TypedExpr.Function, of value: AbstractValue) -> AbstractValue {
        let canBeKnown = !value.range.isEmpty
        let canBeMissing = value.mayBeUnknown
        return function == .known
            ? .boolean(canBeTrue: canBeKnown, canBeFalse: canBeMissing)
            : .boolean(canBeTrue: canBeMissing, canBeFalse: canBeKnown)
    }

    private func lookup(_ key: TypedExpr, _ table: LookupTable, _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        let keyValue = evaluate(key, assumptions, depth: depth)
        var result = AbstractValue(range: .empty)
        var parts = [keyValue]
        for row in table.rows where Interval(row.lower, row.upper).overlaps(keyValue.range) {
            let value = evaluate(row.value, assumptions, depth: depth)
            result.range = result.range.hull(value.range)
            parts.append(value)
        }
        if let defaultValue = table.defaultValue {
            let value = evaluate(defaultValue, assumptions, depth: depth)
            result.range = result.range.hull(value.range)
            parts.append(value)
        }
        result.inheritUnknowns(of: parts)
        return result
    }

    /// What each arm of a case list can be, given that the arms before it
    /// were false (an unknown arm stops the search).
    struct ArmFact {
        var condition: AbstractValue
        /// What holds when this arm is reached.
        var reached: Assumptions
    }

    /// The facts of the arms that can be reached, and the assumptions under
    /// which `otherwise` is reached (nil when it cannot be).
    func arms(_ arms: [CaseArm], _ assumptions: Assumptions, depth: Int = 0) -> (arms: [ArmFact], otherwise: Assumptions?) {
        var facts: [ArmFact] = []
        var current = assumptions
        for arm in arms {
            if current.impossible { return (facts, nil) }
            let condition = evaluate(arm.condition, current, depth: depth)
            facts.append(ArmFact(condition: condition, reached: current))
            if !condition.canBeFalse { return (facts, nil) }
            current = assuming(arm.condition, is: false, current, depth: depth)
        }
        return (facts, current.impossible ? nil : current)
    }

    private func cases(_ arms: [CaseArm], otherwise: TypedExpr?, _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        let (facts, otherwiseReached) = self.arms(arms, assumptions, depth: depth)
        var result = AbstractValue(range: .empty)
        for (arm, fact) in zip(arms, facts) {
            result.inheritUnknowns(of: [fact.condition])
            guard fact.condition.canBeTrue else { continue }
            let value = evaluate(arm.value, assuming(arm.condition, is: true, fact.reached, depth: depth), depth: depth)
            result.range = result.range.hull(value.range)
            result.inheritUnknowns(of: [value])
        }
        if let otherwiseReached {
            if let otherwise {
                let value = evaluate(otherwise, otherwiseReached, depth: depth)
                result.range = result.range.hull(value.range)
                result.inheritUnknowns(of: [value])
            } else {
                result.unknownWhenPresent = true
            }
        }
        return result
    }

    // MARK: - Conditions

    private func compare(_ op: ComparisonOperator, _ a: AbstractValue, _ b: AbstractValue) -> AbstractValue {
        let (canBeTrue, canBeFalse) = Self.outcomes(op, a.range, b.range)
        var result = AbstractValue.boolean(canBeTrue: canBeTrue, canBeFalse: canBeFalse)
        result.inheritUnknowns(of: [a, b])
        return result
    }

    /// Whether `x op y` can be true, and false, for x in `a` and y in `b`.
    static func outcomes(_ op: ComparisonOperator, _ a: Interval, _ b: Interval) -> (Bool, Bool) {
        guard !a.isEmpty, !b.isEmpty else { return (false, false) }
        let bothSame = a.isSingleton && b.isSingleton && a.lower == b.lower
        switch op {
        case .less: return (a.lower < b.upper, a.upper >= b.lower)
        case .lessEqual: return (a.lower <= b.upper, a.upper > b.lower)
        case .greater: return (a.upper > b.lower, a.lower <= b.upper)
        case .greaterEqual: return (a.upper >= b.lower, a.lower < b.upper)
        case .equal: return (a.overlaps(b), !bothSame)
        case .notEqual: return (!bothSame, a.overlaps(b))
        }
    }

    private func member(_ value: TypedExpr, _ list: [TypedExpr], negated: Bool, _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        let subject = evaluate(value, assumptions, depth: depth)
        let items = list.map { evaluate($0, assumptions, depth: depth) }
        let canBeIn = items.contains { $0.range.overlaps(subject.range) }
        let canBeOut = !subject.range.isEmpty && !Self.covers(items.map(\.range), subject.range, whole: Self.isWhole(value.type))
        var result = AbstractValue.boolean(canBeTrue: negated ? canBeOut : canBeIn, canBeFalse: negated ? canBeIn : canBeOut)
        result.inheritUnknowns(of: [subject] + items)
        return result
    }

    /// Whether the single values `items` include every value of `range`
    /// (checked only for whole numbers in a small range).
    static func covers(_ items: [Interval], _ range: Interval, whole: Bool) -> Bool {
        let points = Set(items.filter(\.isSingleton).map(\.lower))
        if range.isSingleton { return points.contains(range.lower) }
        guard whole, range.upper - range.lower < 4096 else { return false }
        let span = range.wholeNumbers
        guard !span.isEmpty else { return true }
        var value = span.lower
        while value <= span.upper {
            if !points.contains(value) { return false }
            value += 1
        }
        return true
    }

    private func logical(_ op: LogicalOperator, _ operands: [TypedExpr], _ assumptions: Assumptions, depth: Int) -> AbstractValue {
        let values = operands.map { evaluate($0, assumptions, depth: depth) }
        // `and` is true when all are; `or` is false when all are: look at
        // that case under what it implies of each operand.
        let all = op == .and
        var canAll = values.allSatisfy { all ? $0.canBeTrue : $0.canBeFalse }
        let canAny = values.contains { all ? $0.canBeFalse : $0.canBeTrue }
        if canAll, operands.count > 1, depth < Self.narrowingDepth {
            var implied = assumptions
            for operand in operands { implied = assuming(operand, is: all, implied, depth: depth + 1) }
            if implied.impossible {
                canAll = false
            } else if implied.ranges != assumptions.ranges {
                canAll = operands.allSatisfy {
                    let value = evaluate($0, implied, depth: depth + 1)
                    return all ? value.canBeTrue : value.canBeFalse
                }
            }
        }
        var result = AbstractValue.boolean(canBeTrue: all ? canAll : canAny, canBeFalse: all ? canAny : canAll)
        // An operand that decides the result whatever the others are keeps
        // the result from ever being unknown (Kleene: false and unknown is false).
        let decides: (AbstractValue) -> Bool = { all ? $0.isAlwaysFalse : $0.isAlwaysTrue }
        let decidesWhenPresent: (AbstractValue) -> Bool = {
            all ? (!$0.canBeTrue && !$0.unknownWhenPresent) : $0.isTrueWhenPresent
        }
        if !values.contains(where: decides) {
            result.unknownWhenMissing = values.contains(where: \.unknownWhenMissing)
        }
        if !values.contains(where: decidesWhenPresent) {
            result.unknownWhenPresent = values.contains(where: \.unknownWhenPresent)
        }
        return result
    }
}
