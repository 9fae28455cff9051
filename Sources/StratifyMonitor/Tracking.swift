/// Two assessments of one population, joined by identifier: who is in
/// both, who is new and who departed; the tier and model transitions; who
/// moved up or down, overall and per domain; which flags were gained or
/// lost. Tiers are compared by their rank on the current rule set's scale.
package struct TrackReport: Sendable, Equatable {
    package struct Records: Sendable, Equatable {
        package var both = 0
        package var new = 0
        package var departed = 0
        package var rejectedPrevious = 0
        package var rejectedCurrent = 0
        /// Later rows repeating an identifier of their side (left out of the join).
        package var duplicatePrevious = 0
        package var duplicateCurrent = 0
    }

    package struct Direction: Sendable, Equatable {
        package var up = 0
        package var down = 0
        package var same = 0
    }

    package struct FlagChange: Sendable, Equatable {
        package var flag: String
        package var gained = 0
        package var lost = 0
    }

    /// Rows and columns of a transition matrix, in order, and the counts.
    package struct Matrix: Sendable, Equatable {
        package var rows: [String]
        package var columns: [String]
        package var counts: [[Int]]

        package func count(_ row: String, _ column: String) -> Int {
            guard let r = rows.firstIndex(of: row), let c = columns.firstIndex(of: column) else { return 0 }
            return counts[r][c]
        }
    }

    package var records = Records()
    package var tierTransitions: Matrix
    package var modelTransitions: Matrix
    package var direction = Direction()
    /// Per domain present on both sides.
    package var domains: [(name: String, direction: Direction)] = []
    package var flags: [FlagChange] = []
    /// The tiers counted as "top" (the two highest of the scale), and the
    /// patients in them both times.
    package var topTiers: [String] = []
    package var persistentTop = 0
    /// Of the patients in both whose previous tier was the highest, how many fell.
    package var previousHighest = 0
    package var highestFell = 0

    package static func == (a: TrackReport, b: TrackReport) -> Bool {
        a.records == b.records && a.tierTransitions == b.tierTransitions && a.modelTransitions == b.modelTransitions
            && a.direction == b.direction && a.flags == b.flags && a.persistentTop == b.persistentTop
            && a.domains.map(\.name) == b.domains.map(\.name) && a.domains.map(\.direction) == b.domains.map(\.direction)
            && a.previousHighest == b.previousHighest && a.highestFell == b.highestFell
    }

    /// The share of the previous highest tier that fell, when it is large
    /// enough to call for a word about regression to the mean.
    package var regressionCaution: String? {
        guard previousHighest >= 10, Double(highestFell) >= 0.25 * Double(previousHighest) else { return nil }
        let share = Int((100 * Double(highestFell) / Double(previousHighest)).rounded())
        let tier = topTiers.last ?? "top"
        return "\(share)% of the patients at \(tier) before (\(highestFell) of \(previousHighest)) are lower now. "
            + "Extreme scores tend to fall on reassessment whatever is done (regression to the mean): "
            + "do not read this fall alone as the effect of care."
    }
}

/// One patient whose tier, model or flags changed, or who is new or departed.
package struct TrackChange: Sendable, Equatable {
    package var identifier: String
    package var previousTier: String?
    package var currentTier: String?
    package var previousModel: String?
    package var currentModel: String?
    /// up, down, same, new or departed.
    package var direction: String
    package var flagsGained: [String]
    package var flagsLost: [String]
    package var domainsUp: [String]
}

/// Joins the current side, record by record, to the previous side held in
/// a ``PatientTable``. Runs once per current record on the batch's writer
/// thread, so it counts by index: names are compared once per vocabulary,
/// not per record.
package final class Tracker {
    private let previous: PatientTable
    private let scale: [String]
    /// Rank of each tier name on the current rule set's scale.
    private let rank: [String: Int]
    // One thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var counts = Counts()
    /// What the current vocabulary's indexes mean on the previous side;
    /// made again when a side read from score output learns a new name.
    @exclusivity(unchecked) private var bridge = Bridge()
    /// Identifiers of current patients absent from the previous side, to
    /// find their repeats (the others are marked in `previous`).
    private let newPatients = PatientTable(vocabulary: AssessmentVocabulary(tiers: [], models: [], domains: [], flags: []))
    /// When the last record added repeated an earlier identifier of its
    /// side: the earlier record's number (0 when unknown).
    @exclusivity(unchecked) package private(set) var lastRepeated: Int?

    private struct Counts {
        var records = TrackReport.Records()
        var direction = TrackReport.Direction()
        /// [previous tier (or new)][current tier]; rows and columns grow with the vocabularies.
        var tiers: [[Int]] = []
        var models: [[Int]] = []
        /// Per current domain.
        var domains: [TrackReport.Direction] = []
        /// Gained per current flag, lost per previous flag.
        var gained: [Int] = []
        var lost: [Int] = []
        var persistentTop = 0
        var previousHighest = 0
        var highestFell = 0
    }

    private struct Bridge {
        var current = AssessmentVocabulary(tiers: [], models: [], domains: [], flags: [])
        /// Rank on the scale of each current tier (-1: not on it).
        var currentRank: [Int] = []
        /// The previous domain of each current domain (-1: none).
        var previousDomain: [Int] = []
        /// The current flag of each previous flag (-1: none).
        var currentFlag: [Int] = []
        /// Whether each current tier is one of the scale's two highest.
        var top: [Bool] = []
    }

    /// Rank on the scale of each previous tier (-1: not on it).
    private let previousRank: [Int]
    private let previousTop: [Bool]
    private let previousHighestTier: Int

    /// - Parameter scale: the current rule set's tiers, lowest first.
    package init(previous: PatientTable, scale: [String]) {
        self.previous = previous
        self.scale = scale
        let rank = Dictionary(scale.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.rank = rank
        let top = Set(scale.suffix(2))
        previousRank = previous.vocabulary.tiers.map { rank[$0] ?? -1 }
        previousTop = previous.vocabulary.tiers.map(top.contains)
        previousHighestTier = scale.last.flatMap { previous.vocabulary.tiers.firstIndex(of: $0) } ?? -1
        counts.lost = Array(repeating: 0, count: previous.vocabulary.flags.count)
        counts.tiers = Array(repeating: [], count: previous.vocabulary.tiers.count + 1)
        counts.models = Array(repeating: [], count: previous.vocabulary.models.count + 1)
    }

    private func update(_ vocabulary: AssessmentVocabulary) {
        guard
            vocabulary.tiers.count != bridge.current.tiers.count || vocabulary.flags.count != bridge.current.flags.count
                || vocabulary.domains.count != bridge.current.domains.count || vocabulary.models.count != bridge.current.models.count
        else { return }
        let old = previous.vocabulary
        bridge.current = vocabulary
        bridge.currentRank = vocabulary.tiers.map { rank[$0] ?? -1 }
        bridge.previousDomain = vocabulary.domains.map { old.domains.firstIndex(of: $0) ?? -1 }
        bridge.currentFlag = old.flags.map { vocabulary.flags.firstIndex(of: $0) ?? -1 }
        bridge.top = vocabulary.tiers.map(scale.suffix(2).contains)
        if counts.domains.count < vocabulary.domains.count {
            counts.domains += Array(repeating: .init(), count: vocabulary.domains.count - counts.domains.count)
        }
        if counts.gained.count < vocabulary.flags.count {
            counts.gained += Array(repeating: 0, count: vocabulary.flags.count - counts.gained.count)
        }
    }

    private static func count(_ matrix: inout [[Int]], _ row: Int, _ column: Int) {
        if matrix[row].count <= column { matrix[row] += Array(repeating: 0, count: column + 1 - matrix[row].count) }
        matrix[row][column] += 1
    }

    /// Adds a current record; returns its change row when it has one (only
    /// when `changes` is true: building it costs text), and nil for a
    /// repeated identifier (counted, left out).
    package func add(_ current: Assessment, vocabulary: AssessmentVocabulary, changes: Bool = true) -> TrackChange? {
        addFields(current, vocabulary: vocabulary, changes: changes)
    }

    /// As `add(_:vocabulary:changes:)`, read in place.
    package func add(_ current: AssessmentRecord, vocabulary: AssessmentVocabulary, changes: Bool = true) -> TrackChange? {
        addFields(current, vocabulary: vocabulary, changes: changes)
    }

    private func addFields(_ current: some AssessmentFields, vocabulary: AssessmentVocabulary, changes: Bool) -> TrackChange? {
        update(vocabulary)
        lastRepeated = nil
        guard let index = previous.index(of: current) else {
            if let earlier = newPatients.insertIdentifier(of: current) {
                lastRepeated = newPatients.record(earlier)
                counts.records.duplicateCurrent += 1
                return nil
            }
            counts.records.new += 1
            Self.count(&counts.tiers, counts.tiers.count - 1, current.tier)
            Self.count(&counts.models, counts.models.count - 1, current.model)
            guard changes else { return nil }
            return TrackChange(
                identifier: current.identifierText, previousTier: nil, currentTier: vocabulary.tiers[current.tier], previousModel: nil,
                currentModel: vocabulary.models[current.model], direction: "new", flagsGained: [], flagsLost: [], domainsUp: [])
        }
        if previous.isMatched(index) {
            lastRepeated = previous.record(index)
            counts.records.duplicateCurrent += 1
            return nil
        }
        previous.markMatched(index)
        previous.setRecord(index, current.recordNumber)
        return previous.withRow(index) { join(current, previous: $0, vocabulary: vocabulary, changes: changes) }
    }

    /// Counts a current record against its previous row.
    private func join(
        _ current: some AssessmentFields, previous row: PatientTable.Row, vocabulary: AssessmentVocabulary, changes: Bool
    ) -> TrackChange? {
        counts.records.both += 1
        let oldTier = row.tier, oldModel = row.model
        Self.count(&counts.tiers, oldTier, current.tier)
        Self.count(&counts.models, oldModel, current.model)
        let direction = Self.direction(previousRank[oldTier], bridge.currentRank[current.tier])
        switch direction {
        case 1: counts.direction.up += 1
        case -1: counts.direction.down += 1
        default: counts.direction.same += 1
        }
        if previousTop[oldTier] && bridge.top[current.tier] { counts.persistentTop += 1 }
        if oldTier == previousHighestTier {
            counts.previousHighest += 1
            if direction < 0 { counts.highestFell += 1 }
        }
        var domainsUp: [Int] = []
        for domain in 0..<bridge.previousDomain.count {
            let oldDomain = bridge.previousDomain[domain]
            guard oldDomain >= 0 else { continue }
            let before = row.domainTier(oldDomain), after = current.domainTier(domain)
            guard before >= 0, after >= 0 else { continue }
            switch Self.direction(previousRank[before], bridge.currentRank[after]) {
            case 1:
                counts.domains[domain].up += 1
                if changes { domainsUp.append(domain) }
            case -1: counts.domains[domain].down += 1
            default: counts.domains[domain].same += 1
            }
        }
        // The previous flags in the current vocabulary's bits; a flag the
        // current side does not know is lost when it was set.
        let oldFlags = row.flags
        var translated: UInt64 = 0
        var lostUnknown: [Int] = []
        var bits = oldFlags
        while bits != 0 {
            let flag = bits.trailingZeroBitCount
            bits &= bits - 1
            let mapped = bridge.currentFlag[flag]
            if mapped >= 0 { translated |= 1 << UInt64(mapped) } else { lostUnknown.append(flag) }
        }
        let gained = current.flags & ~translated, lostKnown = translated & ~current.flags
        var gainedNames: [String] = [], lostNames: [String] = []
        bits = gained
        while bits != 0 {
            let flag = bits.trailingZeroBitCount
            bits &= bits - 1
            counts.gained[flag] += 1
            if changes { gainedNames.append(vocabulary.flags[flag]) }
        }
        // Most patients lose no flag: the loop over the previous flags is skipped.
        if lostKnown != 0 {
            for flag in bridge.currentFlag.indices where bridge.currentFlag[flag] >= 0 && lostKnown & (1 << UInt64(bridge.currentFlag[flag])) != 0 {
                counts.lost[flag] += 1
                if changes { lostNames.append(previous.vocabulary.flags[flag]) }
            }
        }
        for flag in lostUnknown {
            counts.lost[flag] += 1
            if changes { lostNames.append(previous.vocabulary.flags[flag]) }
        }
        guard changes else { return nil }
        let old = previous.vocabulary
        guard
            old.tiers[oldTier] != vocabulary.tiers[current.tier] || old.models[oldModel] != vocabulary.models[current.model]
                || gained != 0 || lostKnown != 0 || !lostUnknown.isEmpty
        else { return nil }
        return TrackChange(
            identifier: current.identifierText, previousTier: old.tiers[oldTier], currentTier: vocabulary.tiers[current.tier],
            previousModel: old.models[oldModel], currentModel: vocabulary.models[current.model],
            direction: direction > 0 ? "up" : direction < 0 ? "down" : "same",
            flagsGained: gainedNames.sorted(), flagsLost: lostNames.sorted(), domainsUp: domainsUp.map { vocabulary.domains[$0] })
    }

    /// 1 up, -1 down, 0 the same or not comparable (a tier off the scale).
    private static func direction(_ before: Int, _ after: Int) -> Int {
        guard before >= 0, after >= 0, before != after else { return 0 }
        return after > before ? 1 : -1
    }

    /// The departed patients (previous only), in the previous file's order.
    package func departed() -> [TrackChange] {
        (0..<previous.count).filter { !previous.isMatched($0) }.map { index in
            TrackChange(
                identifier: previous.identifier(index), previousTier: previous.vocabulary.tiers[previous.tier(index)], currentTier: nil,
                previousModel: previous.vocabulary.models[previous.model(index)], currentModel: nil,
                direction: "departed", flagsGained: [], flagsLost: [], domainsUp: [])
        }
    }

    /// The report, once every current record was added.
    package func finish(current vocabulary: AssessmentVocabulary, rejectedPrevious: Int, rejectedCurrent: Int, duplicatePrevious: Int) -> TrackReport {
        update(vocabulary)
        let old = previous.vocabulary
        var tiers = counts.tiers, models = counts.models
        var departed = 0
        for index in 0..<previous.count where !previous.isMatched(index) {
            departed += 1
            // The departed column comes after the current side's tiers (models).
            Self.count(&tiers, previous.tier(index), vocabulary.tiers.count)
            Self.count(&models, previous.model(index), vocabulary.models.count)
        }
        var report = TrackReport(
            tierTransitions: Self.matrix(tiers, rows: old.tiers, columns: vocabulary.tiers),
            modelTransitions: Self.matrix(models, rows: old.models, columns: vocabulary.models))
        report.records = counts.records
        report.records.departed = departed
        report.records.rejectedPrevious = rejectedPrevious
        report.records.rejectedCurrent = rejectedCurrent
        report.records.duplicatePrevious = duplicatePrevious
        report.direction = counts.direction
        report.topTiers = Array(scale.suffix(2))
        report.persistentTop = counts.persistentTop
        report.previousHighest = counts.previousHighest
        report.highestFell = counts.highestFell
        report.domains = vocabulary.domains.indices.filter { bridge.previousDomain[$0] >= 0 }.map {
            (vocabulary.domains[$0], $0 < counts.domains.count ? counts.domains[$0] : .init())
        }
        var flags: [String: TrackReport.FlagChange] = [:]
        for (index, name) in vocabulary.flags.enumerated() {
            flags[name, default: .init(flag: name)].gained += index < counts.gained.count ? counts.gained[index] : 0
        }
        for (index, name) in old.flags.enumerated() {
            flags[name, default: .init(flag: name)].lost += counts.lost[index]
        }
        report.flags = flags.keys.sorted().map { flags[$0]! }
        return report
    }

    /// Rows: the previous side's names, then `new`; columns: the current
    /// side's, then `departed`.
    private static func matrix(_ counts: [[Int]], rows: [String], columns: [String]) -> TrackReport.Matrix {
        let width = columns.count + 1
        return TrackReport.Matrix(
            rows: rows + ["new"], columns: columns + ["departed"],
            counts: counts.map { row in
                (0..<width).map { $0 < row.count ? row[$0] : 0 }
            })
    }
}
