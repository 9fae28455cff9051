import Dispatch
import StratifyIO
import StratifyRules

/// Why a patient is on the worklist, most urgent first.
package enum WorklistTrigger: Int, Sendable, Comparable, CaseIterable {
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

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One patient on the worklist.
package struct WorklistEntry: Sendable, Equatable {
    package var identifier: String
    /// 1, 2, … in list order.
    package var priority = 0
    /// The most urgent trigger, which places the row.
    package var trigger: WorklistTrigger
    /// Every reason that applies, most urgent first, in words.
    package var reasons: [String]
    package var tier: Int
    package var tierName: String
    package var model: String
    package var reviewBy: Int?
    /// As-of minus the earliest overdue date; 0 when nothing is overdue.
    package var daysOverdue: Int
    package var lastContact: Int?
    package var nextContact: Int?

    package var reason: String { reasons.joined(separator: "; ") }
}

/// Builds the worklist as the current population streams past: each
/// patient is checked against its previous assessment and last contact,
/// and kept, as a few numbers, only when some trigger applies; the reasons
/// are put in words when the list is written.
package final class WorklistBuilder {
    private let program: Program
    private let asOf: Int
    private let horizon: Int
    private let previous: PatientTable?
    private let contacts: ContactTable
    private let escalatingFlags: [Int]
    /// The previous side's tier rank on the current scale, and its flag
    /// index for each current flag (-1: it has none of that name).
    private let previousRank: [Int]
    private let previousFlag: [Int]
    // One thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var entries: [Entry] = []
    /// The identifiers of the current patients that the previous side lacks
    /// (those it has are marked there), to find repeats and to name them.
    private let seen = PatientTable(vocabulary: AssessmentVocabulary(tiers: [], models: [], domains: [], flags: []))
    @exclusivity(unchecked) private var contactsMatched = 0
    /// The rule set's names as UTF-8 bytes, for writing rows without Strings.
    private let names: RowNames
    @exclusivity(unchecked) package private(set) var duplicates = 0

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
    package init(program: Program, asOf: Int, horizon: Int, previous: PatientTable?, contacts: ContactTable) {
        self.program = program
        self.asOf = asOf
        self.horizon = horizon
        self.previous = previous
        self.contacts = contacts
        escalatingFlags = Self.flagsUsedByEscalations(program)
        let rank = Dictionary(program.tiers.values.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        previousRank = previous?.vocabulary.tiers.map { rank[$0] ?? -1 } ?? []
        previousFlag = program.flags.map { flag in previous?.vocabulary.flags.firstIndex(of: flag.name) ?? -1 }
        names = RowNames(tiers: program.tiers.values, models: program.models.map(\.id), flags: program.flags.map(\.name))
    }

    /// The flags that some escalation's condition reads, by index.
    package static func flagsUsedByEscalations(_ program: Program) -> [Int] {
        var used = Set<Int>()
        func visit(_ expr: TypedExpr) {
            if case .flag(let index) = expr.kind { used.insert(index) }
            expr.children.forEach(visit)
        }
        program.overall.escalations.forEach { visit($0.condition) }
        return used.sorted()
    }

    /// Checks one current assessment; for a repeated identifier, returns
    /// the number of the earlier record that had it (0 when unknown), and
    /// leaves the patient out.
    @discardableResult
    package func add(_ current: Assessment) -> Int? { addFields(current) }

    /// As `add(_:)`, read in place.
    @discardableResult
    package func add(_ current: AssessmentRecord) -> Int? { addFields(current) }

    private func addFields(_ current: some AssessmentFields) -> Int? {
        var trigger: WorklistTrigger?
        func note(_ kind: WorklistTrigger) { trigger = min(trigger ?? kind, kind) }
        var newFlags: UInt64 = 0
        var risenFrom: Int16 = -1
        let patient: Int32
        if let previous, let index = previous.index(of: current) {
            guard !previous.isMatched(index) else {
                duplicates += 1
                return previous.record(index)
            }
            previous.markMatched(index)
            previous.setRecord(index, current.recordNumber)
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
            if let earlier = seen.insertIdentifier(of: current) {
                duplicates += 1
                return seen.record(earlier)
            }
            patient = -Int32(seen.count)
        }
        var lastContact: Int?
        if !contacts.isEmpty, let recorded = contacts.lastContact(of: current) {
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
        // Not a loop over an array of the two: no array per record.
        func dueSoon(_ date: Int?) -> Bool { date.map { $0 >= asOf && $0 - asOf <= horizon } ?? false }
        if dueSoon(current.reviewBy) || dueSoon(nextContact) { note(.dueSoon) }
        guard let trigger else { return nil }
        func day(_ value: Int?) -> Int32 { value.map { Int32(clamping: $0) } ?? .min }
        entries.append(
            Entry(
                patient: patient, trigger: trigger, tier: UInt8(current.tier), model: UInt8(current.model),
                risenFrom: risenFrom, newFlags: newFlags, review: day(current.reviewBy), lastContact: day(lastContact),
                nextContact: day(nextContact), daysOverdue: Int32(overdueSince.map { asOf - $0 } ?? 0)))
        return nil
    }

    /// Identifiers in the contacts file that no input record has.
    package var unmatchedContacts: Int { contacts.count - contactsMatched }

    /// The entries in list order: trigger, then higher tier, then the
    /// earlier due date (the earlier of review_by and the next contact;
    /// none last), then identifier. Sorted as one number per entry (those
    /// three) and the identifier's first eight bytes: hundreds of thousands
    /// of entries, whose identifiers are read only when both agree.
    func ordered() -> [Entry] {
        order().map { entries[Int($0)] }
    }

    /// The entries' indexes in list order. The keys are made on both
    /// cores (each reads an identifier, scattered over the tables), the
    /// two halves sorted at once, then merged (the scoring is over by then).
    func order() -> [Int32] {
        struct Key {
            var rank: UInt64
            var prefix: UInt64
            var entry: Int32
        }
        let count = entries.count
        let half = count / 2
        return entries.withUnsafeBufferPointer { entries in
            withIdentifiers { identifiers in
                // Both cores only read the entries and the tables.
                nonisolated(unsafe) let entries = entries, identifiers = identifiers
                // Identifiers are unique in the list: no two keys are equal.
                @Sendable func inOrder(_ a: Key, _ b: Key) -> Bool {
                    if a.rank != b.rank { return a.rank < b.rank }
                    if a.prefix != b.prefix { return a.prefix < b.prefix }
                    return identifiers[entries[Int(a.entry)]].lexicographicallyPrecedes(identifiers[entries[Int(b.entry)]])
                }
                let keys = [Key](unsafeUninitializedCapacity: count) { keys, initialized in
                    nonisolated(unsafe) let keys = keys
                    DispatchQueue.concurrentPerform(iterations: 2) { part in
                        let range = part == 0 ? 0..<half : half..<count
                        for index in range {
                            let e = entries[index]
                            let review = e.review == .min ? Int32.max : e.review, next = e.nextContact == .min ? Int32.max : e.nextContact
                            // The due day with its sign bit flipped orders as an unsigned number.
                            let due = UInt64(UInt32(bitPattern: min(review, next)) ^ 0x8000_0000)
                            let rank = UInt64(e.trigger.rawValue) << 40 | UInt64(255 - e.tier) << 32 | due
                            (keys.baseAddress! + index).initialize(to: Key(rank: rank, prefix: Self.prefix(identifiers[e]), entry: Int32(index)))
                        }
                        var sorted = UnsafeMutableBufferPointer(rebasing: keys[range])
                        sorted.sort(by: inOrder)
                    }
                    initialized = count
                }
                var order: [Int32] = []
                order.reserveCapacity(count)
                var low = 0, high = half
                while low < half || high < count {
                    let takeLow = high == count || (low < half && inOrder(keys[low], keys[high]))
                    order.append(keys[takeLow ? low : high].entry)
                    if takeLow { low += 1 } else { high += 1 }
                }
                return order
            }
        }
    }

    /// The first eight bytes, big-endian, zero-padded: ordered as the bytes
    /// are, except that a shorter identifier may tie with a longer one
    /// (then the whole identifiers are compared).
    private static func prefix(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 {
            value = value << 8 | UInt64(index < bytes.count ? bytes[index] : 0)
        }
        return value
    }

    private func withIdentifier<R>(_ e: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        e.patient >= 0 ? previous!.withIdentifier(Int(e.patient), body) : seen.withIdentifier(Int(-1 - e.patient), body)
    }

    /// The identifiers of the entries, from the table each is in.
    struct EntryIdentifiers {
        let previous: PatientTable.Identifiers?
        let seen: PatientTable.Identifiers

        subscript(e: Entry) -> UnsafeRawBufferPointer {
            e.patient >= 0 ? previous![Int(e.patient)] : seen[Int(-1 - e.patient)]
        }
    }

    /// Calls `body` with the entries' identifiers, valid during the call.
    private func withIdentifiers<R>(_ body: (EntryIdentifiers) -> R) -> R {
        seen.withIdentifiers { seen in
            guard let previous else { return body(EntryIdentifiers(previous: nil, seen: seen)) }
            return previous.withIdentifiers { body(EntryIdentifiers(previous: $0, seen: seen)) }
        }
    }

    private func identifier(_ e: Entry) -> String {
        withIdentifier(e) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every reason of an entry, most urgent first, in words.
    func reasons(_ e: Entry) -> [String] {
        var reasons: [String] = []
        let out = OutputBuffer(capacity: 256)
        func take() {
            reasons.append(out.withUnsafeBytes { String(decoding: $0, as: UTF8.self) })
            out.removeAll()
        }
        writeReasons(e, into: out, between: take)
        take()
        return reasons
    }

    /// Writes the reasons of an entry, most urgent first, in words, calling
    /// `between` between two (the one wording of both the rows written
    /// straight to bytes and the ``WorklistEntry`` values).
    private func writeReasons(_ e: Entry, into out: OutputBuffer, between: () -> Void) {
        names.withBytes { writeReasons(e, names: $0, into: out, between: between) }
    }

    private func writeReasons(_ e: Entry, names: RowNames.Bytes, into out: OutputBuffer, between: () -> Void) {
        var first = true
        func start() {
            if !first { between() }
            first = false
        }
        func days(_ n: Int) {
            out.append(decimal: n)
            out.append(n == 1 ? " day" as StaticString : " days")
        }
        for flag in escalatingFlags where e.newFlags & (1 << UInt64(flag)) != 0 {
            start()
            out.append(bytes: names.flag(flag))
            out.append(" is new since the previous assessment" as StaticString)
        }
        if e.risenFrom >= 0 {
            start()
            out.append("tier rose from " as StaticString)
            out.append(bytes: names.tier(Int(e.risenFrom)))
            out.append(" to " as StaticString)
            out.append(bytes: names.tier(Int(e.tier)))
        }
        let review = Self.day(e.review), next = Self.day(e.nextContact)
        func overdue(_ what: StaticString, _ date: Int?) {
            guard let date, date < asOf else { return }
            start()
            out.append(what)
            days(asOf - date)
            out.append(" overdue" as StaticString)
        }
        func due(_ what: StaticString, _ date: Int?) {
            guard let date, date >= asOf, date - asOf <= horizon else { return }
            start()
            out.append(what)
            if date == asOf {
                out.append("today" as StaticString)
            } else {
                out.append("in " as StaticString)
                days(date - asOf)
            }
        }
        overdue("review ", review)
        overdue("contact ", next)
        due("review due ", review)
        due("contact due ", next)
    }

    /// The list in order, as values (for a small list, or tests).
    package func finish() -> [WorklistEntry] {
        ordered().enumerated().map { position, e in entry(e, priority: position + 1) }
    }

    private func entry(_ e: Entry, priority: Int) -> WorklistEntry {
        WorklistEntry(
            identifier: identifier(e), priority: priority, trigger: e.trigger, reasons: reasons(e),
            tier: Int(e.tier), tierName: program.tiers.values[Int(e.tier)], model: program.models[Int(e.model)].id,
            reviewBy: Self.day(e.review), daysOverdue: Int(e.daysOverdue), lastContact: Self.day(e.lastContact),
            nextContact: Self.day(e.nextContact))
    }

    private static func day(_ value: Int32) -> Int? { value == .min ? nil : Int(value) }

    /// Writes the list in order, a buffer at a time, without holding its
    /// text. CSV and NDJSON rows are written straight from the entries'
    /// numbers and names as bytes, without a String per cell, and a few
    /// blocks of rows at once on the cores (the scoring is over by then).
    package func write(_ writer: WorklistWriter, flush: (OutputBuffer) throws -> Void) rethrows {
        let out = OutputBuffer(capacity: 1 << 20)
        writer.header(into: out)
        let order = order()
        if order.isEmpty { writer.empty(into: out) }
        guard writer.format != .text else {
            for (position, index) in order.enumerated() {
                writer.write(entry(entries[Int(index)], priority: position + 1), into: out)
                if out.count >= 1 << 20 {
                    try flush(out)
                    out.removeAll()
                }
            }
            return try flush(out)
        }
        try flush(out)
        let blockRows = 1 << 14, blocksAtOnce = 4
        let blocks = (0..<blocksAtOnce).map { _ in OutputBuffer(capacity: blockRows * 128) }
        // The blocks only read the builder, and each writes its own buffer.
        nonisolated(unsafe) let builder = self
        for roundStart in stride(from: 0, to: order.count, by: blockRows * blocksAtOnce) {
            let starts = Array(stride(from: roundStart, to: min(order.count, roundStart + blockRows * blocksAtOnce), by: blockRows))
            DispatchQueue.concurrentPerform(iterations: starts.count) { block in
                blocks[block].removeAll()
                builder.writeRows(order, starts[block]..<min(order.count, starts[block] + blockRows), writer, into: blocks[block])
            }
            for block in blocks.prefix(starts.count) { try flush(block) }
        }
    }

    /// Writes the CSV or NDJSON rows of `order[range]` (entries' indexes in list order).
    private func writeRows(_ order: [Int32], _ range: Range<Int>, _ writer: WorklistWriter, into out: OutputBuffer) {
        // Both cores write rows: reference counting per row (an array
        // taken out of an array, a table's storage) would make them take
        // turns at the same counters. The names and identifiers are reached
        // through pointers taken once per block.
        names.withBytes { names in
            withIdentifiers { identifiers in
                entries.withUnsafeBufferPointer { entries in
                    order.withUnsafeBufferPointer { order in
                        writeRows(entries, order, range, writer, names: names, identifiers: identifiers, into: out)
                    }
                }
            }
        }
    }

    private func writeRows(
        _ entries: UnsafeBufferPointer<Entry>, _ order: UnsafeBufferPointer<Int32>, _ range: Range<Int>, _ writer: WorklistWriter,
        names: RowNames.Bytes, identifiers: EntryIdentifiers, into out: OutputBuffer
    ) {
        let reason = OutputBuffer(capacity: 256)
        let dates = DateTexts()
        var touched: UInt8 = 0
        for position in range {
            // In list order the identifiers are scattered over the tables:
            // the first byte of each of the next rows' is loaded ahead, all
            // at once, where one after the other each would stall the row.
            if (position - range.lowerBound) % Self.lookahead == 0 {
                for ahead in position..<min(range.upperBound, position + Self.lookahead) {
                    touched &+= identifiers[entries[Int(order[ahead])]].first ?? 0
                }
            }
            let e = entries[Int(order[position])]
            reason.removeAll()
            writeReasons(e, names: names, into: reason) { reason.append("; " as StaticString) }
            reason.withUnsafeBytes { reasonBytes in
                writer.write(
                    WorklistWriter.Cells(
                        identifier: identifiers[e], priority: position + 1, reason: reasonBytes, tier: names.tier(Int(e.tier)),
                        model: names.model(Int(e.model)), reviewBy: Self.day(e.review), daysOverdue: Int(e.daysOverdue),
                        lastContact: Self.day(e.lastContact), nextContact: Self.day(e.nextContact)),
                    into: out, dates: dates)
            }
        }
        // Kept, so that the loads ahead are not optimised away.
        if touched == 0 { out.reserve(0) }
    }

    /// Rows whose identifiers are loaded ahead of writing them.
    private static let lookahead = 32

    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
}

/// The rule set's tier, model and flag names as UTF-8, back to back in one
/// array, for writing worklist rows as bytes.
struct RowNames {
    private let bytes: [UInt8]
    /// Where each name ends in `bytes`: the tiers', then the models', then the flags'.
    private let ends: [Int]
    private let models: Int
    private let flags: Int

    init(tiers: [String], models: [String], flags: [String]) {
        var bytes: [UInt8] = [], ends: [Int] = []
        for name in tiers + models + flags {
            bytes += Array(name.utf8)
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
        self.models = tiers.count
        self.flags = tiers.count + models.count
    }

    /// The names, reached through pointers during `body`.
    func withBytes<R>(_ body: (Bytes) -> R) -> R {
        bytes.withUnsafeBytes { bytes in
            ends.withUnsafeBufferPointer { ends in
                body(Bytes(bytes: bytes, ends: ends, models: models, flags: flags))
            }
        }
    }

    struct Bytes {
        let bytes: UnsafeRawBufferPointer
        let ends: UnsafeBufferPointer<Int>
        let models: Int
        let flags: Int

        private func name(_ index: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
        }

        func tier(_ index: Int) -> UnsafeRawBufferPointer { name(index) }
        func model(_ index: Int) -> UnsafeRawBufferPointer { name(models + index) }
        func flag(_ index: Int) -> UnsafeRawBufferPointer { name(flags + index) }
    }
}
