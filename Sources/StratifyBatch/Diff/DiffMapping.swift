import StratifyRules

/// How two rule files line up, by name: rules by id, domains, flags and
/// inputs by name, tiers and models by name. A candidate may add, remove or
/// rename anything; what is in one file only is compared with "absent".
struct DiffMapping: Sendable {
    struct Pair: Sendable {
        let name: String
        let old: Int?
        let new: Int?
    }

    let old: Program
    let new: Program
    /// Rules in old-file order, then those only in the new file.
    let rules: [Pair]
    let domains: [Pair]
    let flags: [Pair]
    /// Inputs other than the identifiers.
    let inputs: [Pair]
    /// The pairs' indexes as flat arrays, -1 for absent, for the per-record loops.
    let ruleIndexes: (old: [Int], new: [Int])
    let domainIndexes: (old: [Int], new: [Int])
    let flagIndexes: (old: [Int], new: [Int])
    let inputIndexes: (old: [Int], new: [Int])
    /// `sameTier[old * newTiers + new]`: the two tiers have the same name.
    let sameTier: [Bool]
    let sameModel: [Bool]

    var oldTiers: Int { old.tiers.values.count }
    var newTiers: Int { new.tiers.values.count }
    var oldModels: Int { old.models.count }
    var newModels: Int { new.models.count }

    init(old: Program, new: Program) {
        self.old = old
        self.new = new
        rules = Self.pairs(old.rules.map(\.id), new.rules.map(\.id))
        domains = Self.pairs(old.domains.map(\.name), new.domains.map(\.name))
        flags = Self.pairs(old.flags.map(\.name), new.flags.map(\.name))
        inputs = Self.pairs(old.missingOrder.map { old.inputs[$0].name }, new.missingOrder.map { new.inputs[$0].name })
            .map { Pair(name: $0.name, old: $0.old.map { old.missingOrder[$0] }, new: $0.new.map { new.missingOrder[$0] }) }
        func flat(_ pairs: [Pair]) -> (old: [Int], new: [Int]) {
            (pairs.map { $0.old ?? -1 }, pairs.map { $0.new ?? -1 })
        }
        ruleIndexes = flat(rules)
        domainIndexes = flat(domains)
        flagIndexes = flat(flags)
        inputIndexes = flat(inputs)
        sameTier = old.tiers.values.flatMap { oldTier in new.tiers.values.map { $0 == oldTier } }
        sameModel = old.models.flatMap { oldModel in new.models.map { $0.id == oldModel.id } }
    }

    /// The names of `old` in order, then those only in `new`, with the index of each in each list.
    static func pairs(_ old: [String], _ new: [String]) -> [Pair] {
        var newIndex: [String: Int] = [:]
        for (index, name) in new.enumerated() where newIndex[name] == nil { newIndex[name] = index }
        var seen = Set<String>()
        var pairs: [Pair] = []
        for (index, name) in old.enumerated() where seen.insert(name).inserted {
            pairs.append(Pair(name: name, old: index, new: newIndex[name]))
        }
        for (index, name) in new.enumerated() where seen.insert(name).inserted {
            pairs.append(Pair(name: name, old: nil, new: index))
        }
        return pairs
    }
}
