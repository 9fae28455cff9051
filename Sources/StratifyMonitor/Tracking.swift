/// Two assessments of one population, joined by identifier: who is in
/// both, who is new and who departed; the tier and model transitions; who
/// moved up or down, overall and per domain; which flags were gained or
/// lost. Tiers are compared by their rank on the current rule set's scale.
public struct TrackReport: Sendable, Equatable {
    public struct Records: Sendable, Equatable {
        public var both = 0
        public var new = 0
        public var departed = 0
        public var rejectedPrevious = 0
        public var rejectedCurrent = 0
        /// Later rows repeating an identifier of their side (left out of the join).
        public var duplicatePrevious = 0
        public var duplicateCurrent = 0
    }

    public struct Direction: Sendable, Equatable {
        public var up = 0
        public var down = 0
        public var same = 0
    }

    public struct FlagChange: Sendable, Equatable {
        public var flag: String
        public var gained = 0
        public var lost = 0
    }

    /// Rows and columns of a transition matrix, in order, and the counts.
    public struct Matrix: Sendable, Equatable {
        public var rows: [String]
        public var columns: [String]
        public var counts: [[Int]]

        public func count(_ row: String, _ column: String) -> Int {
            guard let r = rows.firstIndex(of: row), let c = columns.firstIndex(of: column) else { return 0 }
            return counts[r][c]
        }
    }

    public var records = Records()
    public var tierTransitions: Matrix
    public var modelTransitions: Matrix
    public var direction = Direction()
    /// Per domain present on both sides.
    public var domains: [(name: String, direction: Direction)] = []
    public var flags: [FlagChange] = []
    /// The tiers counted as "top" (the two highest of the scale), and the
    /// patients in them both times.
    public var topTiers: [String] = []
    public var persistentTop = 0
    /// Of the patients in both whose previous tier was the highest, how many fell.
    public var previousHighest = 0
    public var highestFell = 0

    public static func == (a: TrackReport, b: TrackReport) -> Bool {
        a.records == b.records && a.tierTransitions == b.tierTransitions && a.modelTransitions == b.modelTransitions
            && a.direction == b.direction && a.flags == b.flags && a.persistentTop == b.persistentTop
            && a.domains.map(\.name) == b.domains.map(\.name) && a.domains.map(\.direction) == b.domains.map(\.direction)
            && a.previousHighest == b.previousHighest && a.highestFell == b.highestFell
    }

    /// The share of the previous highest tier that fell, when it is large
    /// enough to call for a word about regression to the mean.
    public var regressionCaution: String? {
        guard previousHighest >= 10, Double(highestFell) >= 0.25 * Double(previousHighest) else { return nil }
        let share = Int((100 * Double(highestFell) / Double(previousHighest)).rounded())
        let tier = topTiers.last ?? "top"
        return "\(share)% of the patients at \(tier) before (\(highestFell) of \(previousHighest)) are lower now. "
            + "Extreme scores tend to fall on reassessment whatever is done (regression to the mean): "
            + "do not read this fall alone as the effect of care."
    }
}

/// One patient whose tier, model or flags changed, or who is new or departed.
public struct TrackChange: Sendable, Equatable {
    public var identifier: String
    public var previousTier: String?
    public var currentTier: String?
    public var previousModel: String?
    public var currentModel: String?
    /// up, down, same, new or departed.
    public var direction: String
    public var flagsGained: [String]
    public var flagsLost: [String]
    public var domainsUp: [String]
}

/// Joins the current side, record by record, to the previous side held in
/// a ``PatientTable``.
public final class Tracker {
    private let previous: PatientTable
    /// Rank of each tier name on the current rule set's scale.
    private let rank: [String: Int]
    private let scale: [String]
    private var tierCounts: [String: [String: Int]] = [:]
    private var modelCounts: [String: [String: Int]] = [:]
    private var report: TrackReport
    private var domainDirections: [String: TrackReport.Direction] = [:]
    private var flagChanges: [String: (gained: Int, lost: Int)] = [:]
    private var currentSeen: PatientTable?
    /// Whether the last record added repeated an earlier identifier.
    public private(set) var lastWasDuplicate = false

    /// - Parameter scale: the current rule set's tiers, lowest first.
    public init(previous: PatientTable, scale: [String]) {
        self.previous = previous
        self.scale = scale
        rank = Dictionary(scale.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let empty = TrackReport.Matrix(rows: [], columns: [], counts: [])
        report = TrackReport(tierTransitions: empty, modelTransitions: empty)
        report.topTiers = Array(scale.suffix(2))
    }

    /// Adds a current record; returns its change row when it has one, and
    /// nil for a repeated identifier (counted, left out).
    public func add(_ current: Assessment, vocabulary: AssessmentVocabulary) -> TrackChange? {
        if currentSeen == nil { currentSeen = PatientTable(vocabulary: vocabulary) }
        lastWasDuplicate = currentSeen!.insert(
            Assessment(identifier: current.identifier, tier: 0, model: 0, domainTiers: [], flags: 0, totalScore: nil, reviewBy: nil)) != nil
        if lastWasDuplicate {
            report.records.duplicateCurrent += 1
            return nil
        }
        let tier = vocabulary.tiers[current.tier]
        let model = vocabulary.models[current.model]
        guard let index = previous.index(of: current.identifier) else {
            report.records.new += 1
            tierCounts["new", default: [:]][tier, default: 0] += 1
            modelCounts["new", default: [:]][model, default: 0] += 1
            return TrackChange(
                identifier: current.identifier, previousTier: nil, currentTier: tier, previousModel: nil, currentModel: model,
                direction: "new", flagsGained: [], flagsLost: [], domainsUp: [])
        }
        previous.markMatched(index)
        report.records.both += 1
        let before = previous[index]
        let old = previous.vocabulary
        let oldTier = old.tiers[before.tier], oldModel = old.models[before.model]
        tierCounts[oldTier, default: [:]][tier, default: 0] += 1
        modelCounts[oldModel, default: [:]][model, default: 0] += 1
        let direction = compare(oldTier, tier)
        switch direction {
        case "up": report.direction.up += 1
        case "down": report.direction.down += 1
        default: report.direction.same += 1
        }
        if report.topTiers.contains(oldTier) && report.topTiers.contains(tier) { report.persistentTop += 1 }
        if oldTier == scale.last {
            report.previousHighest += 1
            if direction == "down" { report.highestFell += 1 }
        }
        var domainsUp: [String] = []
        for (domainIndex, domain) in vocabulary.domains.enumerated() {
            guard let oldIndex = old.domains.firstIndex(of: domain),
                  before.domainTiers[oldIndex] >= 0, current.domainTiers[domainIndex] >= 0 else { continue }
            let change = compare(old.tiers[before.domainTiers[oldIndex]], vocabulary.tiers[current.domainTiers[domainIndex]])
            switch change {
            case "up":
                domainDirections[domain, default: .init()].up += 1
                domainsUp.append(domain)
            case "down": domainDirections[domain, default: .init()].down += 1
            default: domainDirections[domain, default: .init()].same += 1
            }
        }
        let oldFlags = Set(old.flags.indices.filter(before.hasFlag).map { old.flags[$0] })
        let newFlags = Set(vocabulary.flags.indices.filter(current.hasFlag).map { vocabulary.flags[$0] })
        let gained = newFlags.subtracting(oldFlags).sorted(), lost = oldFlags.subtracting(newFlags).sorted()
        for flag in gained { flagChanges[flag, default: (0, 0)].gained += 1 }
        for flag in lost { flagChanges[flag, default: (0, 0)].lost += 1 }
        guard oldTier != tier || oldModel != model || !gained.isEmpty || !lost.isEmpty else { return nil }
        return TrackChange(
            identifier: current.identifier, previousTier: oldTier, currentTier: tier, previousModel: oldModel, currentModel: model,
            direction: direction, flagsGained: gained, flagsLost: lost, domainsUp: domainsUp)
    }

    /// The departed patients (previous only), in the previous file's order.
    public func departed() -> [TrackChange] {
        (0..<previous.count).filter { !previous.isMatched($0) }.map { index in
            let before = previous[index]
            return TrackChange(
                identifier: before.identifier, previousTier: previous.vocabulary.tiers[before.tier], currentTier: nil,
                previousModel: previous.vocabulary.models[before.model], currentModel: nil,
                direction: "departed", flagsGained: [], flagsLost: [], domainsUp: [])
        }
    }

    /// The report, once every current record was added.
    public func finish(current vocabulary: AssessmentVocabulary, rejectedPrevious: Int, rejectedCurrent: Int, duplicatePrevious: Int) -> TrackReport {
        var report = self.report
        let departed = departed()
        report.records.departed = departed.count
        report.records.rejectedPrevious = rejectedPrevious
        report.records.rejectedCurrent = rejectedCurrent
        report.records.duplicatePrevious = duplicatePrevious
        for change in departed {
            tierCounts[change.previousTier!, default: [:]]["departed", default: 0] += 1
            modelCounts[change.previousModel!, default: [:]]["departed", default: 0] += 1
        }
        report.tierTransitions = Self.matrix(tierCounts, rows: previous.vocabulary.tiers, columns: vocabulary.tiers)
        report.modelTransitions = Self.matrix(modelCounts, rows: previous.vocabulary.models, columns: vocabulary.models)
        report.domains = vocabulary.domains.filter { previous.vocabulary.domains.contains($0) }.map { ($0, domainDirections[$0] ?? .init()) }
        let flagNames = (previous.vocabulary.flags + vocabulary.flags.filter { !previous.vocabulary.flags.contains($0) }).sorted()
        report.flags = flagNames.map { TrackReport.FlagChange(flag: $0, gained: flagChanges[$0]?.gained ?? 0, lost: flagChanges[$0]?.lost ?? 0) }
        return report
    }

    /// up, down or same, by rank on the current scale (a tier the current
    /// scale lacks compares as same).
    private func compare(_ old: String, _ new: String) -> String {
        guard let a = rank[old], let b = rank[new], a != b else { return "same" }
        return b > a ? "up" : "down"
    }

    private static func matrix(_ counts: [String: [String: Int]], rows: [String], columns: [String]) -> TrackReport.Matrix {
        let rows = rows + ["new"], columns = columns + ["departed"]
        return TrackReport.Matrix(rows: rows, columns: columns, counts: rows.map { row in
            columns.map { counts[row]?[$0] ?? 0 }
        })
    }
}
