import StratifyRules

/// The impact of a rule change on a population: how records moved between
/// tiers and models, how domain scores and tiers changed, and how often
/// each rule fired before and after.
///
/// Matrices have a row for every tier (model) of the old rule file and a
/// column for every tier (model) of the new one, zeros included. They count
/// the records scored by both (`records`); a record that only one rule file
/// could score is counted in `rejected`, by its tier under the other.
public struct DiffReport: Sendable {
    public struct Matrix: Sendable, Equatable {
        public let rows: [String]
        public let columns: [String]
        /// `counts[row][column]`.
        public let counts: [[Int]]

        /// The count for a row and column by name; 0 when either is not in the matrix.
        public subscript(row: String, column: String) -> Int {
            guard let r = rows.firstIndex(of: row), let c = columns.firstIndex(of: column) else { return 0 }
            return counts[r][c]
        }

        init(rows: [String], columns: [String], flat: [Int]) {
            self.rows = rows
            self.columns = columns
            counts = rows.indices.map { r in Array(flat[(r * columns.count)..<((r + 1) * columns.count)]) }
        }
    }

    /// One rule, in either file or both.
    public struct RuleCounts: Sendable, Equatable {
        public let id: String
        public let inOld: Bool
        public let inNew: Bool
        /// Among the records scored by both.
        public let firedOld: Int
        public let firedNew: Int
        public let unknownOld: Int
        public let unknownNew: Int
        /// Records whose outcome of the rule differs (for a rule in one file
        /// only: the records it fires for).
        public let changed: Int
    }

    /// How a score moved over the records scored by both.
    public struct ScoreChange: Sendable, Equatable {
        public let name: String
        public let inOld: Bool
        public let inNew: Bool
        public let up: Int
        public let down: Int
        public let same: Int
        /// The sum of new − old; a score missing from a file counts as 0.
        public let totalChange: Int
        /// Old tier × new tier, for a domain in both files.
        public let tiers: Matrix?

        /// The mean of new − old.
        public var meanChange: Double { up + down + same == 0 ? 0 : Double(totalChange) / Double(up + down + same) }
    }

    public struct Rejected: Sendable, Equatable {
        /// Records neither rule file could score.
        public let both: Int
        /// Rejected under the old rule file only, by their tier and model under the new one.
        public let oldOnlyByNewTier: [String: Int]
        public let oldOnlyByNewModel: [String: Int]
        /// Rejected under the new rule file only, by their tier and model under the old one.
        public let newOnlyByOldTier: [String: Int]
        public let newOnlyByOldModel: [String: Int]

        public var oldOnly: Int { oldOnlyByNewTier.values.reduce(0, +) }
        public var newOnly: Int { newOnlyByOldTier.values.reduce(0, +) }
    }

    /// One model's demand for case managers under each rule file, when
    /// either gives it a `caseload`: the patients each file assigns it (all
    /// the records that file scored) ÷ caseload, rounded up.
    public struct ModelDemand: Sendable, Equatable {
        public let model: String
        public let patientsOld: Int
        public let patientsNew: Int
        public let caseloadOld: Int?
        public let caseloadNew: Int?
        public let neededOld: Int?
        public let neededNew: Int?

        /// New minus old, when both files give a caseload.
        public var change: Int? { neededOld.flatMap { old in neededNew.map { $0 - old } } }
    }

    public let oldTiers: [String]
    public let newTiers: [String]
    public let oldModels: [String]
    public let newModels: [String]
    /// Every record read.
    public let read: Int
    /// Records scored by both rule files.
    public let records: Int
    /// Records scored by both whose tier or model differs.
    public let changed: Int
    /// Records scored by both with any output field different (a domain
    /// score or tier of a domain in both files, total_score, tier, model,
    /// flags, missing, review_by).
    public let outputsChanged: Int
    /// Records scored by both with any rule outcome different.
    public let rulesChanged: Int
    public let tierMigration: Matrix
    public let modelMigration: Matrix
    /// Old-file order, then rules only in the new file.
    public let rules: [RuleCounts]
    /// Per domain (old-file order, then new-only domains).
    public let domains: [ScoreChange]
    public let totalScore: ScoreChange
    public let rejected: Rejected
    /// Per model (old-file order, then new-only models); empty when neither
    /// rule file gives any model a caseload.
    public let demand: [ModelDemand]

    init(mapping m: DiffMapping, counts c: DiffCounts) {
        oldTiers = m.old.tiers.values
        newTiers = m.new.tiers.values
        oldModels = m.old.models.map(\.id)
        newModels = m.new.models.map(\.id)
        read = c.read
        records = c.records
        changed = c.changed
        outputsChanged = c.outputsChanged
        rulesChanged = c.rulesChanged
        tierMigration = Matrix(rows: oldTiers, columns: newTiers, flat: c.tiers)
        modelMigration = Matrix(rows: oldModels, columns: newModels, flat: c.models)
        rules = m.rules.enumerated().map { k, pair in
            RuleCounts(
                id: pair.name, inOld: pair.old != nil, inNew: pair.new != nil, firedOld: c.firedOld[k], firedNew: c.firedNew[k],
                unknownOld: c.unknownOld[k], unknownNew: c.unknownNew[k], changed: c.ruleChanged[k])
        }
        let records = c.records
        let oldTiers = oldTiers
        let newTiers = newTiers
        func change(_ k: Int, name: String, inOld: Bool, inNew: Bool, tiers: [Int]) -> ScoreChange {
            ScoreChange(
                name: name, inOld: inOld, inNew: inNew, up: c.scoreUp[k], down: c.scoreDown[k],
                same: records - c.scoreUp[k] - c.scoreDown[k], totalChange: c.scoreDelta[k],
                tiers: tiers.isEmpty ? nil : Matrix(rows: oldTiers, columns: newTiers, flat: tiers))
        }
        domains = m.domains.enumerated().map { k, pair in
            change(k, name: pair.name, inOld: pair.old != nil, inNew: pair.new != nil, tiers: c.domainTiers[k])
        }
        totalScore = change(m.domains.count, name: "total_score", inOld: true, inNew: true, tiers: [])
        func named(_ names: [String], _ counts: [Int]) -> [String: Int] {
            Dictionary(zip(names, counts), uniquingKeysWith: +)
        }
        rejected = Rejected(
            both: c.rejectedBoth,
            oldOnlyByNewTier: named(newTiers, c.oldOnlyByNewTier), oldOnlyByNewModel: named(newModels, c.oldOnlyByNewModel),
            newOnlyByOldTier: named(oldTiers, c.newOnlyByOldTier), newOnlyByOldModel: named(oldModels, c.newOnlyByOldModel))
        demand = Self.demand(old: m.old, new: m.new, migration: modelMigration, rejected: rejected)
    }

    private static func demand(old: Program, new: Program, migration: Matrix, rejected: Rejected) -> [ModelDemand] {
        guard (old.models + new.models).contains(where: { $0.caseload != nil }) else { return [] }
        let names = old.models.map(\.id) + new.models.map(\.id).filter { id in !old.models.contains { $0.id == id } }
        return names.map { name in
            let oldModel = old.models.first { $0.id == name }, newModel = new.models.first { $0.id == name }
            // Scored by both, plus scored by that file only.
            let patientsOld =
                (migration.rows.firstIndex(of: name).map { migration.counts[$0].reduce(0, +) } ?? 0)
                + (rejected.newOnlyByOldModel[name] ?? 0)
            let patientsNew =
                (migration.columns.firstIndex(of: name).map { c in migration.counts.reduce(0) { $0 + $1[c] } } ?? 0)
                + (rejected.oldOnlyByNewModel[name] ?? 0)
            return ModelDemand(
                model: name, patientsOld: patientsOld, patientsNew: patientsNew,
                caseloadOld: oldModel?.caseload, caseloadNew: newModel?.caseload,
                neededOld: oldModel?.caseManagersNeeded(for: patientsOld), neededNew: newModel?.caseManagersNeeded(for: patientsNew))
        }
    }
}
