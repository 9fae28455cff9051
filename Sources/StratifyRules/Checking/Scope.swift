/// What a condition may refer to, which depends on where it is written:
/// rule conditions run before any score exists, escalations after the
/// domain tiers, models after the final tier.
enum Phase: Comparable {
    case derived
    case rule
    case floor
    case escalation
    case model

    var place: String {
        switch self {
        case .derived: "a derived value"
        case .rule: "a rule condition"
        case .floor: "a floor"
        case .escalation: "an escalation"
        case .model: "a model condition"
        }
    }
}

/// The names visible to expressions, and the registers they live in.
struct Scope {
    var inputs: [String: Int] = [:]
    var inputFields: [InputField] = []
    var derivedIndex: [String: Int] = [:]
    /// Checked derived values, by index; nil until checked (or when broken).
    var derivedExprs: [TypedExpr?] = []
    var flags: [String: (index: Int, register: Int)] = [:]
    /// Names of flags and domains in the file, known before their registers
    /// are, so that a use too early gets its own message, not "unknown name".
    var declaredFlags: Set<String> = []
    var declaredDomains: Set<String> = []
    var domains: [String: (index: Int, scoreRegister: Int, tierRegister: Int)] = [:]
    var totalRegister = -1
    var bandTierRegister = -1
    var finalTierRegister = -1
    var tierType = EnumType(name: "tier", values: [])

    static let totalScoreName = "total_score"
    static let tierName = "tier"

    /// Every name an expression could use in `phase`, for did-you-mean.
    func visibleNames(in phase: Phase) -> [String] {
        var names = Array(inputs.keys) + Array(derivedIndex.keys)
        if phase >= .floor { names += flags.keys }
        if phase >= .escalation {
            names += [Self.totalScoreName, Self.tierName]
            for domain in domains.keys { names += ["\(domain).score", "\(domain).tier"] }
        }
        return names
    }
}
