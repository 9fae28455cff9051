import StratifyRules

/// The highest tier each domain and the record as a whole could reach if
/// its missing values were known, within their schema ranges.
///
/// A sound bound, cheap enough for every record: a rule that is `unknown`
/// may fire (its positive points are added), a floor that is unknown may
/// apply, and an escalation may apply unless its condition is false for
/// every score and tier in the possible ranges (conditions over scores are
/// evaluated on intervals). Known values stay as they are, since Kleene
/// logic never undoes a decided value when a missing one is filled in. When
/// nothing is unknown the bound is the tier itself (`exact`).
public struct ReachableTiers: Sendable, Equatable {
    /// Per domain: the highest tier it could reach.
    public var domains: [Int]
    /// Per domain: true when nothing unknown could change its tier.
    public var domainsExact: [Bool]
    public var overall: Int
    /// True when the overall tier cannot change: it is the tier itself.
    public var exact: Bool

    public init(plan: TracePlan, registers r: UnsafeMutableBufferPointer<Double>) {
        let layout = plan.reachLayout
        let (ruleRegisters, rulePoints, ruleDomains) = (layout.ruleRegisters, layout.rulePoints, layout.ruleDomains)
        let (floorRegisters, floorTiers, floorDomains) = (layout.floorRegisters, layout.floorTiers, layout.floorDomains)
        let domainCount = layout.scoreRegisters.count
        var lost = Array(repeating: 0, count: domainCount)
        var gained = Array(repeating: 0, count: domainCount)
        for index in ruleRegisters.indices where r[ruleRegisters[index]].isNaN {
            let points = rulePoints[index]
            if points < 0 { lost[ruleDomains[index]] += points } else { gained[ruleDomains[index]] += points }
        }
        var ranges = ScoreRanges(registers: r)
        domains = []
        domainsExact = []
        var totalLow = 0
        var totalHigh = 0
        for domain in 0..<domainCount {
            let score = Int(r[layout.scoreRegisters[domain]])
            let bands = layout.bands[domain]
            var tierLow = bands.tier(for: score + lost[domain])
            var tierHigh = bands.tier(for: score + gained[domain])
            var exact = lost[domain] == 0 && gained[domain] == 0
            for floor in floorRegisters.indices where floorDomains[floor] == domain {
                let value = r[floorRegisters[floor]]
                if value == 1 { tierLow = max(tierLow, floorTiers[floor]) }
                if value != 0 { tierHigh = max(tierHigh, floorTiers[floor]) }
                if value.isNaN { exact = false }
            }
            if !exact {
                ranges.set(layout.scoreRegisters[domain], Double(score + lost[domain]), Double(score + gained[domain]))
                ranges.set(layout.tierRegisters[domain], Double(tierLow), Double(tierHigh))
            }
            domains.append(tierHigh)
            domainsExact.append(exact)
            totalLow += lost[domain]
            totalHigh += gained[domain]
        }
        let total = Int(r[layout.totalRegister])
        let bandHigh = layout.overallBands.tier(for: total + totalHigh)
        if totalLow != 0 || totalHigh != 0 {
            ranges.set(layout.totalRegister, Double(total + totalLow), Double(total + totalHigh))
            ranges.set(layout.bandTierRegister, Double(layout.overallBands.tier(for: total + totalLow)), Double(bandHigh))
        }
        var overallHigh = bandHigh
        var exact = totalLow == 0 && totalHigh == 0 && !domainsExact.contains(false)
        for (index, register) in layout.escalationRegisters.enumerated() {
            // With every score and tier known, a condition's range is its value.
            let value = r[register]
            let possible = ranges.isEmpty
                ? (value.isNaN ? ScoreRanges.Range.boolean : ScoreRanges.Range(lower: value, upper: value))
                : ranges.evaluate(plan.escalations[index], node: 0)
            if possible.upper == 1 { overallHigh = max(overallHigh, layout.escalationTiers[index]) }
            if possible.lower != possible.upper { exact = false }
        }
        overall = max(overallHigh, Int(r[layout.tierRegister]))
        self.exact = exact
    }

    /// The program's scoring as flat arrays of registers and numbers, so
    /// that computing the bound per record touches no strings.
    public struct Layout: Sendable {
        var ruleRegisters: [Int]
        var rulePoints: [Int]
        var ruleDomains: [Int]
        var floorRegisters: [Int]
        var floorTiers: [Int]
        var floorDomains: [Int]
        var scoreRegisters: [Int]
        var tierRegisters: [Int]
        var bands: [TierBands]
        var totalRegister: Int
        var bandTierRegister: Int
        var tierRegister: Int
        var overallBands: TierBands
        var escalationRegisters: [Int]
        var escalationTiers: [Int]

        init(program: Program) {
            ruleRegisters = program.rules.map(\.condition.register)
            rulePoints = program.rules.map(\.points)
            ruleDomains = program.rules.map(\.domain)
            let floors = program.domains.enumerated().flatMap { index, domain in domain.floors.map { (index, $0) } }
            floorRegisters = floors.map(\.1.condition.register)
            floorTiers = floors.map(\.1.atLeast)
            floorDomains = floors.map(\.0)
            scoreRegisters = program.domains.map(\.scoreRegister)
            tierRegisters = program.domains.map(\.tierRegister)
            bands = program.domains.map(\.bands)
            totalRegister = program.overall.totalRegister
            bandTierRegister = program.overall.bandTierRegister
            tierRegister = program.overall.tierRegister
            overallBands = program.overall.bands
            escalationRegisters = program.overall.escalations.map(\.condition.register)
            escalationTiers = program.overall.escalations.map(\.atLeast)
        }
    }
}

/// Interval evaluation of conditions over scores and tiers that are known
/// only to lie in a range.
struct ScoreRanges {
    struct Range {
        var lower: Double
        var upper: Double
        static let boolean = Range(lower: 0, upper: 1)
        static let any = Range(lower: -.infinity, upper: .infinity)
        var isPoint: Bool { lower == upper }
    }

    let registers: UnsafeMutableBufferPointer<Double>
    /// The scores and tiers not known exactly, by register (few: a linear search).
    private var ranges: [(register: Int, range: Range)] = []

    init(registers: UnsafeMutableBufferPointer<Double>) {
        self.registers = registers
    }

    var isEmpty: Bool { ranges.isEmpty }

    mutating func set(_ register: Int, _ lower: Double, _ upper: Double) {
        ranges.append((register, Range(lower: lower, upper: upper)))
    }

    func evaluate(_ expr: ExprPlan, node index: Int) -> Range {
        let node = expr.nodes[index]
        let isBoolean = node.isBoolean
        if !node.usesScores {
            let value = registers[node.register]
            if value.isNaN { return isBoolean ? .boolean : .any }
            return Range(lower: value, upper: value)
        }
        if case .scoreOrTier = node.kind {
            if let range = ranges.first(where: { $0.register == node.register })?.range { return range }
            let value = registers[node.register]
            return value.isNaN ? .any : Range(lower: value, upper: value)
        }
        // The children's ranges on the stack: this runs for every record with an unknown rule.
        return withUnsafeTemporaryAllocation(of: Range.self, capacity: max(1, node.childCount)) { buffer in
            for k in 0..<node.childCount {
                buffer.initializeElement(at: k, to: evaluate(expr, node: expr.child(index, k)))
            }
            return combine(node, UnsafeBufferPointer(rebasing: buffer[0..<node.childCount]))
        }
    }

    private func combine(_ node: ExprPlan.Node, _ children: UnsafeBufferPointer<Range>) -> Range {
        var lowest = Range(lower: .infinity, upper: .infinity)
        var highest = Range(lower: -.infinity, upper: -.infinity)
        var sum = Range(lower: 0, upper: 0)
        for child in children {
            lowest = Range(lower: Swift.min(lowest.lower, child.lower), upper: Swift.min(lowest.upper, child.upper))
            highest = Range(lower: Swift.max(highest.lower, child.lower), upper: Swift.max(highest.upper, child.upper))
            sum = Range(lower: sum.lower + child.lower, upper: sum.upper + child.upper)
        }
        switch node.kind {
        case .compare(let op):
            let a = children[0]
            let b = children[1]
            let (alwaysTrue, alwaysFalse): (Bool, Bool) = switch op {
            case .greaterEqual: (a.lower >= b.upper, a.upper < b.lower)
            case .greater: (a.lower > b.upper, a.upper <= b.lower)
            case .lessEqual: (a.upper <= b.lower, a.lower > b.upper)
            case .less: (a.upper < b.lower, a.lower >= b.upper)
            case .equal: (a.isPoint && b.isPoint && a.lower == b.lower, a.upper < b.lower || b.upper < a.lower)
            case .notEqual: (a.upper < b.lower || b.upper < a.lower, a.isPoint && b.isPoint && a.lower == b.lower)
            }
            return alwaysTrue ? Range(lower: 1, upper: 1) : (alwaysFalse ? Range(lower: 0, upper: 0) : .boolean)
        case .and:
            return children.isEmpty ? Range(lower: 1, upper: 1) : lowest
        case .or:
            return children.isEmpty ? Range(lower: 0, upper: 0) : highest
        case .not:
            return Range(lower: 1 - children[0].upper, upper: 1 - children[0].lower)
        case .call(let function):
            switch function {
            case .count: return sum
            case .min: return lowest
            case .max: return highest
            }
        case .arithmetic(let op) where op == .add || op == .subtract:
            let a = children[0]
            let b = children[1]
            let range = op == .add
                ? Range(lower: a.lower + b.lower, upper: a.upper + b.upper)
                : Range(lower: a.lower - b.upper, upper: a.upper - b.lower)
            return range.lower.isNaN || range.upper.isNaN ? .any : range
        case .negate:
            return Range(lower: -children[0].upper, upper: -children[0].lower)
        case .member(let negated):
            if children.allSatisfy(\.isPoint) {
                let found = children.dropFirst().contains { $0.lower == children[0].lower }
                return found != negated ? Range(lower: 1, upper: 1) : Range(lower: 0, upper: 0)
            }
            return .boolean
        default:
            return node.isBoolean ? .boolean : .any
        }
    }
}
