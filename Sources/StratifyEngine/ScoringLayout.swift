import StratifyRules

/// The fixed steps between the phases of a program's code — domain scores,
/// bands, floors, escalations and the model choice — over flat arrays, so
/// that the per-record work touches no dictionaries, strings or references.
struct ScoringLayout {
    struct BandTable {
        var lowers: [Int]
        var tiers: [Int]

        init(_ bands: TierBands) {
            lowers = bands.bands.map(\.lower)
            tiers = bands.bands.map(\.tier)
        }

        @inline(__always)
        func tier(for score: Int) -> Int {
            var result = tiers.first ?? 0
            for index in lowers.indices where score >= lowers[index] {
                result = tiers[index]
            }
            return result
        }
    }

    struct DomainLayout {
        var scoreRegister: Int
        var bandTierRegister: Int
        var tierRegister: Int
        var bands: BandTable
        var floorConditions: [Int]
        var floorTiers: [Int]
    }

    var ruleConditions: [Int]
    var rulePoints: [Int]
    var ruleDomains: [Int]
    var domains: [DomainLayout]
    var overallBands: BandTable
    var totalRegister: Int
    var bandTierRegister: Int
    var tierRegister: Int
    var escalationConditions: [Int]
    var escalationTiers: [Int]
    /// -1 for a model that always holds.
    var modelConditions: [Int]
    var modelRegister: Int
    var reviewDays: [Double]
    var reviewFrom: Int
    var reviewRegister: Int

    init(program: Program) {
        ruleConditions = program.rules.map(\.condition.register)
        rulePoints = program.rules.map(\.points)
        ruleDomains = program.rules.map(\.domain)
        domains = program.domains.map { domain in
            DomainLayout(
                scoreRegister: domain.scoreRegister, bandTierRegister: domain.bandTierRegister, tierRegister: domain.tierRegister,
                bands: BandTable(domain.bands), floorConditions: domain.floors.map(\.condition.register),
                floorTiers: domain.floors.map(\.atLeast))
        }
        overallBands = BandTable(program.overall.bands)
        totalRegister = program.overall.totalRegister
        bandTierRegister = program.overall.bandTierRegister
        tierRegister = program.overall.tierRegister
        escalationConditions = program.overall.escalations.map(\.condition.register)
        escalationTiers = program.overall.escalations.map(\.atLeast)
        modelConditions = program.models.map { $0.condition?.register ?? -1 }
        modelRegister = program.modelRegister
        reviewDays = program.models.map { Double($0.reviewDays) }
        reviewFrom = program.review?.from ?? -1
        reviewRegister = program.review?.register ?? -1
    }

    /// Domain scores and tiers (with floors), the total and its band.
    @inline(__always)
    func scoreDomains(_ r: UnsafeMutableBufferPointer<Double>) {
        for domain in domains { r[domain.scoreRegister] = 0 }
        for index in ruleConditions.indices where r[ruleConditions[index]] == 1 {
            r[domains[ruleDomains[index]].scoreRegister] += Double(rulePoints[index])
        }
        var total = 0
        for domain in domains {
            let score = Int(r[domain.scoreRegister])
            total += score
            let band = domain.bands.tier(for: score)
            var tier = band
            for floor in domain.floorConditions.indices where r[domain.floorConditions[floor]] == 1 {
                tier = max(tier, domain.floorTiers[floor])
            }
            r[domain.bandTierRegister] = Double(band)
            r[domain.tierRegister] = Double(tier)
        }
        r[totalRegister] = Double(total)
        r[bandTierRegister] = Double(overallBands.tier(for: total))
    }

    /// Escalations only ever raise the tier, all from the same starting point.
    @inline(__always)
    func escalate(_ r: UnsafeMutableBufferPointer<Double>) {
        var tier = Int(r[bandTierRegister])
        for index in escalationConditions.indices where r[escalationConditions[index]] == 1 {
            tier = max(tier, escalationTiers[index])
        }
        r[tierRegister] = Double(tier)
    }

    /// The first model whose condition holds; an unknown condition does not hold.
    @inline(__always)
    func chooseModel(_ r: UnsafeMutableBufferPointer<Double>) {
        var chosen = modelConditions.count - 1
        for index in modelConditions.indices {
            let condition = modelConditions[index]
            if condition < 0 || r[condition] == 1 {
                chosen = index
                break
            }
        }
        r[modelRegister] = Double(chosen)
        if reviewRegister >= 0 {
            r[reviewRegister] = r[reviewFrom] + reviewDays[chosen]
        }
    }
}
