import StratifyRules

/// Why a patient is on the worklist, most urgent first.
public enum WorklistTrigger: Int, Sendable, Comparable, CaseIterable {
    /// A flag that an escalation uses is set now and was not before.
    case newEscalatingFlag = 1
    /// The tier is higher than at the previous assessment.
    case tierRose
    /// `review_by` is before the as-of date.
    case reviewOverdue
    /// The last contact plus the model's `contact_days` is before the as-of date.
    case contactOverdue
    /// The review or the next contact falls due within the horizon.
    case dueSoon

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One patient on the worklist.
public struct WorklistEntry: Sendable, Equatable {
    public var identifier: String
    /// 1, 2, … in list order.
    public var priority = 0
    /// The most urgent trigger, which places the row.
    public var trigger: WorklistTrigger
    /// Every reason that applies, most urgent first, in words.
    public var reasons: [String]
    public var tier: Int
    public var tierName: String
    public var model: String
    public var reviewBy: Int?
    /// As-of minus the earliest overdue date; 0 when nothing is overdue.
    public var daysOverdue: Int
    public var lastContact: Int?
    public var nextContact: Int?

    public var reason: String { reasons.joined(separator: "; ") }
}

/// Builds the worklist as the current population streams past: each
/// patient is checked against its previous assessment and last contact,
/// and kept only when some trigger applies.
public final class WorklistBuilder {
    private let program: Program
    private let asOf: Int
    private let horizon: Int
    private let previous: PatientTable?
    private let contacts: [String: Int?]
    private let escalatingFlags: [Int]
    private let rank: [String: Int]
    private var entries: [WorklistEntry] = []
    private var seen: PatientTable
    /// Identifiers of the contacts file found in the input.
    private var contactsMatched = Set<String>()
    public private(set) var duplicates = 0

    /// - Parameters:
    ///   - asOf: the day the list is for, in days since 1970-01-01.
    ///   - horizon: days after `asOf` (included) in which a due date counts as due soon.
    ///   - previous: the previous assessment, when given.
    ///   - contacts: each patient's last contact (nil: a row with no date).
    public init(program: Program, asOf: Int, horizon: Int, previous: PatientTable?, contacts: [String: Int?]) {
        self.program = program
        self.asOf = asOf
        self.horizon = horizon
        self.previous = previous
        self.contacts = contacts
        escalatingFlags = Self.flagsUsedByEscalations(program)
        rank = Dictionary(program.tiers.values.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        seen = PatientTable(vocabulary: AssessmentVocabulary(program: program))
    }

    /// The flags that some escalation's condition reads, by index.
    public static func flagsUsedByEscalations(_ program: Program) -> [Int] {
        var used = Set<Int>()
        func visit(_ expr: TypedExpr) {
            if case .flag(let index) = expr.kind { used.insert(index) }
            expr.children.forEach(visit)
        }
        program.overall.escalations.forEach { visit($0.condition) }
        return used.sorted()
    }

    /// Checks one current assessment; returns false for a repeated identifier.
    @discardableResult
    public func add(_ current: Assessment) -> Bool {
        guard seen.insert(Assessment(identifier: current.identifier, tier: 0, model: 0, domainTiers: [], flags: 0, totalScore: nil, reviewBy: nil)) == nil else {
            duplicates += 1
            return false
        }
        let tiers = program.tiers.values
        let model = program.models[current.model]
        var triggers: [(WorklistTrigger, String)] = []
        if let previous, let index = previous.index(of: current.identifier) {
            let before = previous[index]
            let old = previous.vocabulary
            for flag in escalatingFlags where current.hasFlag(flag) {
                let name = program.flags[flag].name
                let had = old.flags.firstIndex(of: name).map(before.hasFlag) ?? false
                if !had { triggers.append((.newEscalatingFlag, "\(name) is new since the previous assessment")) }
            }
            let oldTier = old.tiers[before.tier]
            if let a = rank[oldTier], a < current.tier {
                triggers.append((.tierRose, "tier rose from \(oldTier) to \(tiers[current.tier])"))
            }
        }
        var lastContact: Int?
        if let recorded = contacts[current.identifier] {
            contactsMatched.insert(current.identifier)
            lastContact = recorded
        }
        let nextContact = lastContact.flatMap { last in model.contactDays.map { last + $0 } }
        var overdueSince: Int?
        if let review = current.reviewBy, review < asOf {
            triggers.append((.reviewOverdue, "review \(Self.days(asOf - review)) overdue"))
            overdueSince = review
        }
        if let next = nextContact, next < asOf {
            triggers.append((.contactOverdue, "contact \(Self.days(asOf - next)) overdue"))
            overdueSince = min(overdueSince ?? next, next)
        }
        for (what, date) in [("review", current.reviewBy), ("contact", nextContact)] {
            guard let date, date >= asOf, date - asOf <= horizon else { continue }
            let when = date == asOf ? "today" : "in \(Self.days(date - asOf))"
            triggers.append((.dueSoon, "\(what) due \(when)"))
        }
        guard !triggers.isEmpty else { return true }
        // Stable: within a class, the order above (flags by name, review before contact).
        let ordered = triggers.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        entries.append(WorklistEntry(
            identifier: current.identifier, trigger: ordered[0].0, reasons: ordered.map(\.1),
            tier: current.tier, tierName: tiers[current.tier], model: model.id, reviewBy: current.reviewBy,
            daysOverdue: overdueSince.map { asOf - $0 } ?? 0, lastContact: lastContact, nextContact: nextContact))
        return true
    }

    /// Identifiers in the contacts file that no input record has.
    public var unmatchedContacts: Int { contacts.count - contactsMatched.count }

    /// The list in order: trigger, then higher tier, then the earlier due
    /// date (the earlier of review_by and the next contact; none last),
    /// then identifier; priorities numbered 1, 2, ….
    public func finish() -> [WorklistEntry] {
        func due(_ e: WorklistEntry) -> Int {
            [e.reviewBy, e.nextContact].compactMap { $0 }.min() ?? .max
        }
        var sorted = entries.sorted { a, b in
            if a.trigger != b.trigger { return a.trigger < b.trigger }
            if a.tier != b.tier { return a.tier > b.tier }
            let dueA = due(a), dueB = due(b)
            if dueA != dueB { return dueA < dueB }
            return a.identifier.utf8.lexicographicallyPrecedes(b.identifier.utf8)
        }
        for index in sorted.indices { sorted[index].priority = index + 1 }
        return sorted
    }

    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
}
