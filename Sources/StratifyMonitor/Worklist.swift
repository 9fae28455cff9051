import StratifyIO
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
/// and kept, as a few numbers, only when some trigger applies; the reasons
/// are put in words when the list is written.
public final class WorklistBuilder {
    private let program: Program
    private let asOf: Int
    private let horizon: Int
    private let previous: PatientTable?
    private let contacts: [String: Int?]
    private let escalatingFlags: [Int]
    /// The previous side's tier rank on the current scale, and its flag
    /// index for each current flag (-1: it has none of that name).
    private let previousRank: [Int]
    private let previousFlag: [Int]
    // One thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var entries: [Entry] = []
    /// The identifiers of the current patients that the previous side lacks
    /// (those it has are marked there), to find repeats and to name them.
    @exclusivity(unchecked) private var seen = PatientTable(vocabulary: AssessmentVocabulary(tiers: [], models: [], domains: [], flags: []))
    @exclusivity(unchecked) private var contactsMatched = 0
    public private(set) var duplicates = 0

    /// What a worklist row is made of, before it is put in words.
    struct Entry {
        /// The patient's index in `previous`, or -1 - its index in `seen`.
        var patient: Int32
        var trigger: WorklistTrigger
        var tier: UInt8
        var model: UInt8
        /// The previous tier, when the tier rose; else -1.
        var risenFrom: Int16
        /// Escalating flags (current indexes) new since the previous assessment.
        var newFlags: UInt64
        /// Days since 1970; `Int32.min` for none.
        var review: Int32
        var lastContact: Int32
        var nextContact: Int32
        var daysOverdue: Int32
    }

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
        let rank = Dictionary(program.tiers.values.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        previousRank = previous?.vocabulary.tiers.map { rank[$0] ?? -1 } ?? []
        previousFlag = program.flags.map { flag in previous?.vocabulary.flags.firstIndex(of: flag.name) ?? -1 }
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
        var trigger: WorklistTrigger?
        func note(_ kind: WorklistTrigger) { trigger = min(trigger ?? kind, kind) }
        var newFlags: UInt64 = 0
        var risenFrom: Int16 = -1
        let patient: Int32
        if let previous, let index = previous.index(of: current.identifier) {
            guard !previous.isMatched(index) else {
                duplicates += 1
                return false
            }
            previous.markMatched(index)
            patient = Int32(index)
            let before = previous.flags(index)
            for flag in escalatingFlags where current.hasFlag(flag) {
                let old = previousFlag[flag]
                if old < 0 || before & (1 << UInt64(old)) == 0 { newFlags |= 1 << UInt64(flag) }
            }
            if newFlags != 0 { note(.newEscalatingFlag) }
            let oldRank = previousRank[previous.tier(index)]
            if oldRank >= 0, oldRank < current.tier {
                risenFrom = Int16(oldRank)
                note(.tierRose)
            }
        } else {
            guard seen.insert(Assessment(identifier: current.identifier, tier: 0, model: 0, domainTiers: [], flags: 0, totalScore: nil, reviewBy: nil)) == nil
            else {
                duplicates += 1
                return false
            }
            patient = -Int32(seen.count)
        }
        var lastContact: Int?
        if let recorded = contacts[current.identifier] {
            contactsMatched += 1
            lastContact = recorded
        }
        let nextContact = lastContact.flatMap { last in program.models[current.model].contactDays.map { last + $0 } }
        var overdueSince: Int?
        if let review = current.reviewBy, review < asOf {
            note(.reviewOverdue)
            overdueSince = review
        }
        if let next = nextContact, next < asOf {
            note(.contactOverdue)
            overdueSince = min(overdueSince ?? next, next)
        }
        for date in [current.reviewBy, nextContact] {
            if let date, date >= asOf, date - asOf <= horizon { note(.dueSoon) }
        }
        guard let trigger else { return true }
        func day(_ value: Int?) -> Int32 { value.map { Int32(clamping: $0) } ?? .min }
        entries.append(
            Entry(
                patient: patient, trigger: trigger, tier: UInt8(current.tier), model: UInt8(current.model),
                risenFrom: risenFrom, newFlags: newFlags, review: day(current.reviewBy), lastContact: day(lastContact),
                nextContact: day(nextContact), daysOverdue: Int32(overdueSince.map { asOf - $0 } ?? 0)))
        return true
    }

    /// Identifiers in the contacts file that no input record has.
    public var unmatchedContacts: Int { contacts.count - contactsMatched }

    /// The entries in list order: trigger, then higher tier, then the
    /// earlier due date (the earlier of review_by and the next contact;
    /// none last), then identifier.
    func ordered() -> [Entry] {
        func due(_ e: Entry) -> Int32 {
            let review = e.review == .min ? Int32.max : e.review, next = e.nextContact == .min ? Int32.max : e.nextContact
            return min(review, next)
        }
        return entries.sorted { a, b in
            if a.trigger != b.trigger { return a.trigger < b.trigger }
            if a.tier != b.tier { return a.tier > b.tier }
            let dueA = due(a), dueB = due(b)
            if dueA != dueB { return dueA < dueB }
            return withIdentifier(a) { x in withIdentifier(b) { y in x.lexicographicallyPrecedes(y) } }
        }
    }

    private func withIdentifier<R>(_ e: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        e.patient >= 0 ? previous!.withIdentifier(Int(e.patient), body) : seen.withIdentifier(Int(-1 - e.patient), body)
    }

    private func identifier(_ e: Entry) -> String {
        withIdentifier(e) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every reason of an entry, most urgent first, in words.
    func reasons(_ e: Entry) -> [String] {
        var reasons: [String] = []
        for flag in escalatingFlags where e.newFlags & (1 << UInt64(flag)) != 0 {
            reasons.append("\(program.flags[flag].name) is new since the previous assessment")
        }
        if e.risenFrom >= 0 {
            reasons.append("tier rose from \(program.tiers.values[Int(e.risenFrom)]) to \(program.tiers.values[Int(e.tier)])")
        }
        let review = e.review == .min ? nil : Int(e.review), next = e.nextContact == .min ? nil : Int(e.nextContact)
        if let review, review < asOf { reasons.append("review \(Self.days(asOf - review)) overdue") }
        if let next, next < asOf { reasons.append("contact \(Self.days(asOf - next)) overdue") }
        for (what, date) in [("review", review), ("contact", next)] {
            guard let date, date >= asOf, date - asOf <= horizon else { continue }
            reasons.append("\(what) due \(date == asOf ? "today" : "in \(Self.days(date - asOf))")")
        }
        return reasons
    }

    /// The list in order, as values (for a small list, or tests).
    public func finish() -> [WorklistEntry] {
        ordered().enumerated().map { position, e in
            WorklistEntry(
                identifier: identifier(e), priority: position + 1, trigger: e.trigger, reasons: reasons(e),
                tier: Int(e.tier), tierName: program.tiers.values[Int(e.tier)], model: program.models[Int(e.model)].id,
                reviewBy: e.review == .min ? nil : Int(e.review), daysOverdue: Int(e.daysOverdue),
                lastContact: e.lastContact == .min ? nil : Int(e.lastContact),
                nextContact: e.nextContact == .min ? nil : Int(e.nextContact))
        }
    }

    /// Writes the list in order, a buffer at a time, without holding its text.
    public func write(_ writer: WorklistWriter, flush: (OutputBuffer) throws -> Void) rethrows {
        let out = OutputBuffer(capacity: 1 << 20)
        writer.header(into: out)
        let entries = ordered()
        for (position, e) in entries.enumerated() {
            let entry = WorklistEntry(
                identifier: identifier(e), priority: position + 1, trigger: e.trigger, reasons: reasons(e),
                tier: Int(e.tier), tierName: program.tiers.values[Int(e.tier)], model: program.models[Int(e.model)].id,
                reviewBy: e.review == .min ? nil : Int(e.review), daysOverdue: Int(e.daysOverdue),
                lastContact: e.lastContact == .min ? nil : Int(e.lastContact),
                nextContact: e.nextContact == .min ? nil : Int(e.nextContact))
            writer.write(entry, into: out)
            if out.count >= 1 << 20 {
                try flush(out)
                out.removeAll()
            }
        }
        if entries.isEmpty { writer.empty(into: out) }
        try flush(out)
    }

    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
}
