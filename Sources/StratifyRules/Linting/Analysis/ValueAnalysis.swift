/// Abstract interpretation of a compiled program: for every condition, which
/// of true, false and unknown it can be over all valid records, given the
/// input schema's ranges and allowed values.
///
/// It is sound: "never true" and "always true" are claimed only when
/// certain. It is not complete: conditions that could never hold for a
/// subtler reason (`a > b and b > a`) go unnoticed.
///
/// Facts about the whole program (derived values, rules, flags, domain
/// scores and tiers, the total, escalations) are computed once, in the order
/// the engine computes them, so that nothing recurses along a chain of
/// derived values.
final class ValueAnalysis {
    let program: Program
    /// How deeply `and`/`or` re-evaluate their operands under what the others
    /// imply; bounds the work on adversarial nesting.
    static let narrowingDepth = 6

    /// Derived values and flags, by register.
    private var known: [Int: AbstractValue] = [:]
    private(set) var rules: [AbstractValue] = []
    private(set) var floors: [[AbstractValue]] = []
    private(set) var escalations: [AbstractValue] = []
    private(set) var models: [AbstractValue?] = []
    private(set) var domainScores: [Interval] = []
    /// Domain tiers from the bands alone, and after floors (as tier indexes).
    private(set) var domainBandTiers: [Interval] = []
    private(set) var domainTiers: [Interval] = []
    private(set) var total = Interval.unbounded
    private(set) var bandTier = Interval.unbounded
    private(set) var finalTier = Interval.unbounded

    init(program: Program) {
        self.program = program
        for derived in program.derived {
            known[derived.register] = value(of: derived.expr)
        }
        rules = program.rules.map { value(of: $0.condition) }
        for flag in program.flags {
            known[flag.register] = Self.either(flag.rules.map { rules[$0] })
        }
        scoreDomains()
        escalations = program.overall.escalations.map { value(of: $0.condition) }
        finalTier = raise(bandTier, by: zip(program.overall.escalations.map(\.atLeast), escalations))
        models = program.models.map { $0.condition.map { value(of: $0) } }
    }

    /// What `expr` can be, over the records that satisfy `assumptions`.
    func value(of expr: TypedExpr, given assumptions: Assumptions = .none) -> AbstractValue {
        evaluate(expr, assumptions, depth: 0)
    }

    // MARK: - Scores and tiers

    private func scoreDomains() {
        var totalLower = 0.0
        var totalUpper = 0.0
        for domain in program.domains {
            let (lower, upper) = scoreBounds(of: domain.rules)
            domainScores.append(Interval(lower, upper))
            totalLower += lower
            totalUpper += upper
            let bandTiers = tiers(lower, upper, in: domain.bands)
            domainBandTiers.append(bandTiers)
            let floorValues = domain.floors.map { value(of: $0.condition) }
            floors.append(floorValues)
            domainTiers.append(raise(bandTiers, by: zip(domain.floors.map(\.atLeast), floorValues)))
        }
        total = Interval(totalLower, totalUpper)
        bandTier = tiers(totalLower, totalUpper, in: program.overall.bands)
    }

    /// The lowest and highest score of a domain: rules that can fire may add
    /// their points; rules that always fire surely do.
    private func scoreBounds(of ruleIndexes: [Int]) -> (Double, Double) {
        var lower = 0.0
        var upper = 0.0
        for index in ruleIndexes {
            let points = Double(program.rules[index].points)
            let fact = rules[index]
            guard fact.canBeTrue else { continue }
            if points < 0 { lower += points } else { upper += points }
            if fact.isAlwaysTrue {
                if points < 0 { upper += points } else { lower += points }
            }
        }
        return (lower, upper)
    }

    private func tiers(_ lower: Double, _ upper: Double, in bands: TierBands) -> Interval {
        Interval(Double(bands.tier(for: Self.clamped(lower))), Double(bands.tier(for: Self.clamped(upper))))
    }

    /// A score as an `Int`, whatever its size.
    static func clamped(_ value: Double) -> Int {
        value.isNaN ? 0 : Int(Swift.min(Swift.max(value, -1e18), 1e18))
    }

    /// A tier range after floors or escalations: each that can apply may
    /// raise the top; each that always applies raises the bottom.
    private func raise(_ tiers: Interval, by raises: some Sequence<(Int, AbstractValue)>) -> Interval {
        var result = tiers
        for (atLeast, condition) in raises where condition.canBeTrue {
            result.upper = max(result.upper, Double(atLeast))
            if condition.isAlwaysTrue { result.lower = max(result.lower, Double(atLeast)) }
        }
        return result
    }

    /// The Kleene `or` of several values (a flag set by several rules).
    static func either(_ values: [AbstractValue]) -> AbstractValue {
        let surelyTrue = values.contains(where: \.isAlwaysTrue)
        var result = AbstractValue.boolean(
            canBeTrue: values.contains(where: \.canBeTrue),
            canBeFalse: values.allSatisfy(\.canBeFalse))
        if !surelyTrue { result.inheritUnknowns(of: values) }
        return result
    }

    // MARK: - References

    /// What is known of a value referred to by name, before any assumption.
    func reference(_ expr: TypedExpr) -> AbstractValue {
        switch expr.kind {
        case .constant(let value):
            return AbstractValue(range: Interval(value, value))
        case .input(let index):
            let field = program.inputs[index]
            return AbstractValue(range: IntervalAnalysis.interval(of: field), unknownWhenMissing: !field.required)
        case .derived, .flag:
            return known[expr.register] ?? .anything(of: expr.type)
        case .domainScore(let index):
            return AbstractValue(range: index < domainScores.count ? domainScores[index] : .unbounded)
        case .domainTier(let index):
            return AbstractValue(range: index < domainTiers.count ? domainTiers[index] : tierScale)
        case .totalScore:
            return AbstractValue(range: total)
        case .tier:
            return AbstractValue(range: expr.register == program.overall.tierRegister ? finalTier : bandTier)
        default:
            return .anything(of: expr.type)
        }
    }

    private var tierScale: Interval {
        Interval(0, Double(max(0, program.tiers.values.count - 1)))
    }

    /// Whether assumptions can narrow the value of `expr`: a name, not a literal.
    static func isNarrowable(_ expr: TypedExpr) -> Bool {
        if case .constant = expr.kind { return false }
        return expr.isReference
    }

    /// Values that are whole numbers: integers, dates (days), enums and
    /// tiers (positions), booleans.
    static func isWhole(_ type: ValueType) -> Bool {
        switch type {
        case .integer, .date, .boolean, .enumeration: true
        case .number, .string: false
        }
    }
}
