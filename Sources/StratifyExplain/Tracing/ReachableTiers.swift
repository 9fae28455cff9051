import StratifyCore
import StratifyRules

/// The highest tier each domain and the record as a whole could reach if
/// its missing values were known, within their schema ranges.
///
/// A sound bound, cheap enough for every record: a rule that is `unknown`
/// may fire (its positive points are added), a floor that is unknown may
/// apply, and an escalation may apply unless its condition is false for
/// every score and tier in the possible ranges (conditions over scores are
/// evaluated on intervals). Known values stay as they are, since Kleene
/// logic never undoes a decided value when a missing one is filled in;
/// the exception is a condition that tests whether a value is there
/// (`known(x)`, `missing(x)`, directly or through a derived value or a
/// flag): while a value it tests is missing, it counts as undecided, since
/// filling the value in can turn it either way. When nothing is unknown
/// the bound is the tier itself (`exact`).
public struct ReachableTiers: Sendable, Equatable {
    /// Per domain: the highest tier it could reach.
    public var domains: [Int]
    /// Per domain: true when nothing unknown could change its tier.
    public var domainsExact: [Bool]
    public var overall: Int
    /// True when the overall tier cannot change: it is the tier itself.
    public var exact: Bool

    public init(plan: TracePlan, registers r: UnsafeBufferPointer<Double>) {
        let scratch = Scratch(plan: plan)
        let result = Self.compute(plan.reachLayout, tape: plan.tape, registers: r.baseAddress!, scratch: scratch)
        let count = plan.reachLayout.domainCount
        domains = Array(UnsafeBufferPointer(start: scratch.domainTiers, count: count))
        domainsExact = Array(UnsafeBufferPointer(start: scratch.domainsExact, count: count))
        overall = result.overall
        exact = result.exact
    }

    /// Computes the bound for the record in the registers, leaving the
    /// domains' tiers and exactness in `scratch`. Allocates nothing.
    public static func compute(
        _ layout: Layout, tape: TraceTape, registers r: UnsafePointer<Double>, scratch: Scratch
    ) -> (overall: Int, exact: Bool) {
        let domainCount = layout.domainCount
        let lost = scratch.lost.baseAddress
        let gained = scratch.gained.baseAddress
        var anyUnknown = false
        for d in 0..<domainCount {
            lost[d] = 0
            gained[d] = 0
        }
        let ruleRegisters = layout.ruleRegisters.baseAddress
        for index in 0..<layout.ruleCount {
            let value = r[ruleRegisters[index]]
            guard value.isNaN || layout.presence.isOpen(rule: index, r) else { continue }
            // An undecided rule may yet fire, or, when its outcome rests on a
            // presence test, stop firing: its points may come or go.
            let points = value == 1 ? -layout.rulePoints[index] : layout.rulePoints[index]
            if points < 0 { lost[layout.ruleDomains[index]] += points } else { gained[layout.ruleDomains[index]] += points }
            anyUnknown = true
        }
        var ranges = ScoreRanges(tape: tape, registers: r, scratch: scratch)
        var totalLow = 0
        var totalHigh = 0
        var allExact = true
        let scoreRegisters = layout.scoreRegisters.baseAddress
        let floorStart = layout.floorStart.baseAddress
        for domain in 0..<domainCount {
            let score = Int(r[scoreRegisters[domain]])
            var tierLow = layout.tier(scale: domain, score: score &+ lost[domain])
            var tierHigh = anyUnknown ? layout.tier(scale: domain, score: score &+ gained[domain]) : tierLow
            var exact = lost[domain] == 0 && gained[domain] == 0
            for floor in Int(floorStart[domain])..<Int(floorStart[domain &+ 1]) {
                let value = layout.presence.isOpen(floor: floor, r) ? .nan : r[layout.floorRegisters[floor]]
                if value == 1 { tierLow = max(tierLow, layout.floorTiers[floor]) }
                if value != 0 { tierHigh = max(tierHigh, layout.floorTiers[floor]) }
                if value.isNaN { exact = false }
            }
            if !exact {
                ranges.set(scoreRegisters[domain], Double(score &+ lost[domain]), Double(score &+ gained[domain]))
                ranges.set(layout.tierRegisters[domain], Double(tierLow), Double(tierHigh))
            }
            scratch.domainTierStorage[domain] = tierHigh
            scratch.domainsExactStorage[domain] = exact
            allExact = allExact && exact
            totalLow &+= lost[domain]
            totalHigh &+= gained[domain]
        }
        let total = Int(r[layout.totalRegister])
        let bandHigh = layout.tier(scale: domainCount, score: total &+ totalHigh)
        if totalLow != 0 || totalHigh != 0 {
            ranges.set(layout.totalRegister, Double(total &+ totalLow), Double(total &+ totalHigh))
            ranges.set(layout.bandTierRegister, Double(layout.tier(scale: domainCount, score: total &+ totalLow)), Double(bandHigh))
        }
        var overallHigh = bandHigh
        var exact = totalLow == 0 && totalHigh == 0 && allExact
        for index in 0..<layout.escalationCount {
            // With every score and tier known, a condition's range is its value.
            let value = r[layout.escalationRegisters[index]]
            let possible =
                layout.presence.isOpen(escalation: index, r)
                ? ScoreRanges.Range.boolean
                : ranges.isEmpty
                    ? (value.isNaN ? ScoreRanges.Range.boolean : ScoreRanges.Range(lower: value, upper: value))
                    : ranges.evaluate(root: layout.escalationRoots[index])
            if possible.upper == 1 { overallHigh = max(overallHigh, layout.escalationTiers[index]) }
            if possible.lower != possible.upper { exact = false }
        }
        return (max(overallHigh, Int(r[layout.tierRegister])), exact)
    }

    /// Per-thread working space for `compute`, and its per-domain results.
    public final class Scratch {
        fileprivate let domainTierStorage: FixedBuffer<Int>
        fileprivate let domainsExactStorage: FixedBuffer<Bool>
        /// Per domain, from the last `compute`: the highest tier it could
        /// reach, and whether that is its tier. Valid while the scratch lives.
        public var domainTiers: UnsafePointer<Int> { UnsafePointer(domainTierStorage.baseAddress) }
        public var domainsExact: UnsafePointer<Bool> { UnsafePointer(domainsExactStorage.baseAddress) }
        let lost: FixedBuffer<Int>
        let gained: FixedBuffer<Int>
        /// The scores and tiers known only as a range: register, range.
        let rangeRegisters: FixedBuffer<Int>
        let rangeValues: FixedBuffer<ScoreRanges.Range>
        /// One range per node of the largest plan.
        let nodeRanges: FixedBuffer<ScoreRanges.Range>

        public init(plan: TracePlan) {
            let domains = max(1, plan.reachLayout.domainCount)
            domainTierStorage = FixedBuffer(repeating: 0, count: domains)
            domainsExactStorage = FixedBuffer(repeating: false, count: domains)
            lost = FixedBuffer(repeating: 0, count: domains)
            gained = FixedBuffer(repeating: 0, count: domains)
            rangeRegisters = FixedBuffer(repeating: 0, count: 2 * domains + 2)
            rangeValues = FixedBuffer(repeating: .any, count: 2 * domains + 2)
            nodeRanges = FixedBuffer(repeating: .any, count: max(1, plan.tape.largestPlan))
        }
    }

    /// The program's scoring as flat arrays of registers and numbers, so
    /// that computing the bound per record touches no strings and no
    /// reference-counted storage.
    public final class Layout: Sendable {
        // Immutable after init.
        let ruleCount: Int
        let ruleRegisters: FixedBuffer<Int>
        let rulePoints: FixedBuffer<Int>
        let ruleDomains: FixedBuffer<Int>
        /// Floors of domain `d`: `floorStart[d] ..< floorStart[d + 1]`.
        let floorStart: FixedBuffer<Int32>
        let floorRegisters: FixedBuffer<Int>
        let floorTiers: FixedBuffer<Int>
        public let domainCount: Int
        let scoreRegisters: FixedBuffer<Int>
        let tierRegisters: FixedBuffer<Int>
        /// Bands of each domain, then of the total (scale `domainCount`):
        /// `bandStart[s] ..< bandStart[s + 1]`, ascending.
        let bandStart: FixedBuffer<Int32>
        let bandLower: FixedBuffer<Int>
        let bandTier: FixedBuffer<Int>
        let totalRegister: Int
        let bandTierRegister: Int
        let tierRegister: Int
        let escalationCount: Int
        let escalationRegisters: FixedBuffer<Int>
        let escalationTiers: FixedBuffer<Int>
        let escalationRoots: FixedBuffer<Int>
        /// The inputs each condition tests the presence of.
        let presence: PresenceTests

        init(program: Program, escalations: [ExprPlan]) {
            ruleCount = program.rules.count
            ruleRegisters = FixedBuffer(program.rules.map(\.condition.register))
            rulePoints = FixedBuffer(program.rules.map(\.points))
            ruleDomains = FixedBuffer(program.rules.map(\.domain))
            var starts: [Int32] = [0]
            for domain in program.domains { starts.append(starts.last! + Int32(domain.floors.count)) }
            floorStart = FixedBuffer(starts)
            let floors = program.domains.flatMap(\.floors)
            floorRegisters = FixedBuffer(floors.map(\.condition.register))
            floorTiers = FixedBuffer(floors.map(\.atLeast))
            domainCount = program.domains.count
            scoreRegisters = FixedBuffer(program.domains.map(\.scoreRegister))
            tierRegisters = FixedBuffer(program.domains.map(\.tierRegister))
            let scales = program.domains.map(\.bands) + [program.overall.bands]
            var bandStarts: [Int32] = [0]
            for bands in scales { bandStarts.append(bandStarts.last! + Int32(bands.bands.count)) }
            bandStart = FixedBuffer(bandStarts)
            bandLower = FixedBuffer(scales.flatMap { $0.bands.map(\.lower) })
            bandTier = FixedBuffer(scales.flatMap { $0.bands.map(\.tier) })
            totalRegister = program.overall.totalRegister
            bandTierRegister = program.overall.bandTierRegister
            tierRegister = program.overall.tierRegister
            escalationCount = program.overall.escalations.count
            escalationRegisters = FixedBuffer(program.overall.escalations.map(\.condition.register))
            escalationTiers = FixedBuffer(program.overall.escalations.map(\.atLeast))
            escalationRoots = FixedBuffer(escalations.map(\.tapeBase))
            presence = PresenceTests(program: program)
        }

        /// The tier of `score` on scale `scale` (a domain, or `domainCount`
        /// for the total): that of the last band whose lower bound it
        /// reaches, else of the first band.
        @inline(__always)
        func tier(scale: Int, score: Int) -> Int {
            let start = Int(bandStart[scale])
            let end = Int(bandStart[scale + 1])
            guard start < end else { return 0 }
            var result = bandTier[start]
            for band in start..<end where score >= bandLower[band] { result = bandTier[band] }
            return result
        }
    }
}
