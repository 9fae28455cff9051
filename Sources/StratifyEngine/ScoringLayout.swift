import StratifyCore
import StratifyRules

/// The fixed steps between the phases of a program's code (domain scores,
/// bands, floors, escalations, the model choice) laid out as flat buffers,
/// so that the per-record work touches no arrays of references: no
/// reference counting, no bounds checks, no dictionaries.
final class ScoringLayout {
    private struct Domain {
        /// The domain's rules in `ruleConditions` and `rulePoints`.
        var ruleStart: Int
        var ruleCount: Int
        var scoreRegister: Int
        var bandTierRegister: Int
        var tierRegister: Int
        var bandStart: Int
        var bandCount: Int
        var floorStart: Int
        var floorCount: Int
    }

    private let domainCount: Int
    private let domains: FixedBuffer<Domain>
    /// Every rule's condition register and points, grouped by domain.
    private let ruleConditions: FixedBuffer<Int>
    private let rulePoints: FixedBuffer<Double>
    /// Band lower bounds and tiers of every domain, then of the total.
    private let bandLowers: FixedBuffer<Double>
    private let bandTiers: FixedBuffer<Double>
    private let floorConditions: FixedBuffer<Int>
    private let floorTiers: FixedBuffer<Double>
    private let overallBandStart: Int
    private let overallBandCount: Int
    private let totalRegister: Int
    private let bandTierRegister: Int
    private let tierRegister: Int
    private let escalationCount: Int
    private let escalationConditions: FixedBuffer<Int>
    private let escalationTiers: FixedBuffer<Double>
    private let modelCount: Int
    /// -1 for a model that always holds.
    private let modelConditions: FixedBuffer<Int>
    private let modelReviewDays: FixedBuffer<Double>
    private let modelRegister: Int
    private let reviewFrom: Int
    private let reviewRegister: Int

    init(program: Program) {
        var lowers: [Double] = []
        var tiers: [Double] = []
        var floorConditions: [Int] = []
        var floorTiers: [Double] = []
        var domains: [Domain] = []
        var conditions: [Int] = []
        var points: [Double] = []
        for (index, domain) in program.domains.enumerated() {
            let rules = program.rules.filter { $0.domain == index }
            domains.append(
                Domain(
                    ruleStart: conditions.count, ruleCount: rules.count,
                    scoreRegister: domain.scoreRegister, bandTierRegister: domain.bandTierRegister, tierRegister: domain.tierRegister,
                    bandStart: lowers.count, bandCount: domain.bands.bands.count,
                    floorStart: floorConditions.count, floorCount: domain.floors.count))
            lowers += domain.bands.bands.map { Double($0.lower) }
            tiers += domain.bands.bands.map { Double($0.tier) }
            floorConditions += domain.floors.map(\.condition.register)
            floorTiers += domain.floors.map { Double($0.atLeast) }
            conditions += rules.map(\.condition.register)
            points += rules.map { Double($0.points) }
        }
        overallBandStart = lowers.count
        overallBandCount = program.overall.bands.bands.count
        lowers += program.overall.bands.bands.map { Double($0.lower) }
        tiers += program.overall.bands.bands.map { Double($0.tier) }

        domainCount = domains.count
        self.domains = FixedBuffer(domains)
        ruleConditions = FixedBuffer(conditions)
        rulePoints = FixedBuffer(points)
        bandLowers = FixedBuffer(lowers)
        bandTiers = FixedBuffer(tiers)
        self.floorConditions = FixedBuffer(floorConditions)
        self.floorTiers = FixedBuffer(floorTiers)
        totalRegister = program.overall.totalRegister
        bandTierRegister = program.overall.bandTierRegister
        tierRegister = program.overall.tierRegister
        escalationCount = program.overall.escalations.count
        escalationConditions = FixedBuffer(program.overall.escalations.map(\.condition.register))
        escalationTiers = FixedBuffer(program.overall.escalations.map { Double($0.atLeast) })
        modelCount = program.models.count
        modelConditions = FixedBuffer(program.models.map { $0.condition?.register ?? -1 })
        modelReviewDays = FixedBuffer(program.models.map { Double($0.reviewDays) })
        modelRegister = program.modelRegister
        reviewFrom = program.review?.from ?? -1
        reviewRegister = program.review?.register ?? -1
    }

    /// The tier of the last band whose lower bound `score` reaches.
    @inline(__always)
    private func band(_ score: Double, start: Int, count: Int) -> Double {
        // The bands are contiguous and ascending (the checker sees to it), so
        // the band is the number of lower bounds after the first that the
        // score reaches: counted without a branch on the score.
        var band = start
        var index = start + 1
        while index < start + count {
            band += score >= bandLowers[index] ? 1 : 0
            index += 1
        }
        return bandTiers[band]
    }

    /// A condition (1, 0, or NaN for unknown, which does not hold) as 1 or
    /// 0, with a max instruction rather than a branch: whether a condition
    /// holds depends on the record, and a branch on it is often mispredicted.
    @inline(__always)
    private static func holds(_ condition: Double) -> Double {
        condition > 0 ? condition : 0
    }

    /// Domain scores and tiers (with floors), the total and its band.
    @inline(__always)
    func scoreDomains(_ r: UnsafeMutablePointer<Double>) {
        var total = 0.0
        for index in 0..<domainCount {
            let domain = domains[index]
            var score = 0.0
            for rule in domain.ruleStart..<(domain.ruleStart + domain.ruleCount) {
                score += rulePoints[rule] * Self.holds(r[ruleConditions[rule]])
            }
            r[domain.scoreRegister] = score
            total += score
            let band = band(score, start: domain.bandStart, count: domain.bandCount)
            var tier = band
            for floor in domain.floorStart..<(domain.floorStart + domain.floorCount) {
                // Tiers count from 0, so a floor that does not hold raises to 0.
                tier = max(tier, floorTiers[floor] * Self.holds(r[floorConditions[floor]]))
            }
            r[domain.bandTierRegister] = band
            r[domain.tierRegister] = tier
        }
        r[totalRegister] = total
        r[bandTierRegister] = band(total, start: overallBandStart, count: overallBandCount)
    }

    /// Escalations only ever raise the tier, all from the same starting point.
    @inline(__always)
    func escalate(_ r: UnsafeMutablePointer<Double>) {
        var tier = r[bandTierRegister]
        for index in 0..<escalationCount {
            tier = max(tier, escalationTiers[index] * Self.holds(r[escalationConditions[index]]))
        }
        r[tierRegister] = tier
    }

    /// The first model whose condition holds; an unknown condition does not hold.
    @inline(__always)
    func chooseModel(_ r: UnsafeMutablePointer<Double>) {
        var chosen = modelCount - 1
        for index in 0..<modelCount {
            let condition = modelConditions[index]
            if condition < 0 || r[condition] == 1 {
                chosen = index
                break
            }
        }
        r[modelRegister] = Double(chosen)
        if reviewRegister >= 0 {
            r[reviewRegister] = r[reviewFrom] + modelReviewDays[chosen]
        }
    }
}
