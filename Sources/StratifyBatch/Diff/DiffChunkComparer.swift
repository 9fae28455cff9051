import StratifyEngine
import StratifyIO
import StratifyRules

/// A record that changed tier or model, or that only one rule file could
/// score, for `--changes`.
struct ChangedRecord: Sendable {
    /// Within its chunk, from 1, until the writer numbers it across the batch.
    var record: Int
    var identifier: [UInt8]
    /// nil where the record was rejected.
    var oldTier: Int?
    var newTier: Int?
    var oldModel: Int?
    var newModel: Int?
    /// Rules (indexes into the mapping's rules) whose outcome changed, with
    /// both outcomes (`SideRecords` codes; 3: not in that file).
    var rules: [(rule: Int, old: UInt8, new: UInt8)]
    /// Why the side that rejected it did: `field: message; ...`.
    var rejection: String?
}

/// What comparing one chunk gave.
struct DiffChunkResult: Sendable {
    var counts: DiffCounts
    var changes: [ChangedRecord]
}

/// Scores each record of a chunk with both rule files, each through its
/// own `ChunkScorer` (so its own column map and `InputDecoder`), and counts
/// how the results differ. One per worker thread.
final class DiffChunkComparer {
    static let absent: UInt8 = 3

    private let mapping: DiffMapping
    private let oldRecorder: SideRecorder
    private let newRecorder: SideRecorder
    private let oldScorer: ChunkScorer
    private let newScorer: ChunkScorer
    private let keepChanges: Bool
    private var ruleScratch: [(rule: Int, old: UInt8, new: UInt8)] = []

    init(mapping: DiffMapping, keepChanges: Bool) {
        self.mapping = mapping
        self.keepChanges = keepChanges
        oldRecorder = SideRecorder(shape: SideRecords.Shape(program: mapping.old))
        newRecorder = SideRecorder(shape: SideRecords.Shape(program: mapping.new))
        oldScorer = ChunkScorer(program: mapping.old, formatter: oldRecorder)
        newScorer = ChunkScorer(program: mapping.new, formatter: newRecorder)
    }

    func compare(_ item: DiffWorkItem) -> DiffChunkResult {
        var result = DiffChunkResult(counts: DiffCounts(mapping: mapping), changes: [])
        guard case .chunk(let chunk) = item.content else {
            // A record the reader could not cut out: neither file can score it.
            result.counts.read = 1
            result.counts.rejectedBoth = 1
            return result
        }
        oldRecorder.records.removeAll()
        newRecorder.records.removeAll()
        let (old, new) = item.score(chunk, old: oldScorer, new: newScorer)
        result.counts.read = old.records
        let oldRejected = Dictionary(grouping: old.rejected, by: \.record)
        let newRejected = Dictionary(grouping: new.rejected, by: \.record)
        var i = 0
        var j = 0
        let o = oldRecorder.records
        let n = newRecorder.records
        for record in stride(from: 1, through: old.records, by: 1) {
            switch (oldRejected[record], newRejected[record]) {
            case (.some, .some):
                result.counts.rejectedBoth += 1
            case (.some(let problems), nil):
                result.counts.oldOnlyByNewTier[Int(n.tiers[j])] += 1
                result.counts.oldOnlyByNewModel[Int(n.models[j])] += 1
                if keepChanges {
                    result.changes.append(
                        ChangedRecord(
                            record: record, identifier: Array(n.identifier(j)), oldTier: nil, newTier: Int(n.tiers[j]),
                            oldModel: nil, newModel: Int(n.models[j]), rules: [], rejection: Self.reason(problems)))
                }
                j += 1
            case (nil, .some(let problems)):
                result.counts.newOnlyByOldTier[Int(o.tiers[i])] += 1
                result.counts.newOnlyByOldModel[Int(o.models[i])] += 1
                if keepChanges {
                    result.changes.append(
                        ChangedRecord(
                            record: record, identifier: Array(o.identifier(i)), oldTier: Int(o.tiers[i]), newTier: nil,
                            oldModel: Int(o.models[i]), newModel: nil, rules: [], rejection: Self.reason(problems)))
                }
                i += 1
            case (nil, nil):
                compare(o, i, n, j, record: record, counts: &result.counts, changes: &result.changes)
                i += 1
                j += 1
            }
        }
        precondition(i == o.count && j == n.count, "every scored record is compared")
        return result
    }

    /// One record scored by both.
    private func compare(
        _ o: SideRecords, _ i: Int, _ n: SideRecords, _ j: Int, record: Int,
        counts: inout DiffCounts, changes: inout [ChangedRecord]
    ) {
        let m = mapping
        counts.records += 1
        let oldTier = Int(o.tiers[i])
        let newTier = Int(n.tiers[j])
        let oldModel = Int(o.models[i])
        let newModel = Int(n.models[j])
        counts.tiers[oldTier * m.newTiers + newTier] += 1
        counts.models[oldModel * m.newModels + newModel] += 1
        let changed = !m.sameTier[oldTier * m.newTiers + newTier] || !m.sameModel[oldModel * m.newModels + newModel]
        if changed { counts.changed += 1 }

        var outputs = changed || o.totals[i] != n.totals[j] || !Self.sameDay(o.reviews[i], n.reviews[j])
        let domains = m.domainIndexes
        for k in domains.old.indices {
            let a = domains.old[k]
            let b = domains.new[k]
            let oldScore = a >= 0 ? o.score(i, domain: a) : 0
            let newScore = b >= 0 ? n.score(j, domain: b) : 0
            Self.count(newScore - oldScore, at: k, in: &counts)
            if a >= 0, b >= 0 {
                let oldDomainTier = o.domainTier(i, domain: a)
                let newDomainTier = n.domainTier(j, domain: b)
                counts.domainTiers[k][oldDomainTier * m.newTiers + newDomainTier] += 1
                if oldScore != newScore || !m.sameTier[oldDomainTier * m.newTiers + newDomainTier] { outputs = true }
            }
        }
        Self.count(Int(n.totals[j]) - Int(o.totals[i]), at: domains.old.count, in: &counts)
        let flags = m.flagIndexes
        for k in flags.old.indices where !outputs {
            let a = flags.old[k] >= 0 && o.flag(i, flags.old[k])
            let b = flags.new[k] >= 0 && n.flag(j, flags.new[k])
            if a != b { outputs = true }
        }
        let inputs = m.inputIndexes
        for k in inputs.old.indices where !outputs {
            let a = inputs.old[k] >= 0 && o.isMissing(i, input: inputs.old[k])
            let b = inputs.new[k] >= 0 && n.isMissing(j, input: inputs.new[k])
            if a != b { outputs = true }
        }
        if outputs { counts.outputsChanged += 1 }

        ruleScratch.removeAll(keepingCapacity: true)
        let rules = m.ruleIndexes
        for k in rules.old.indices {
            let a = rules.old[k] >= 0 ? o.outcome(i, rule: rules.old[k]) : Self.absent
            let b = rules.new[k] >= 0 ? n.outcome(j, rule: rules.new[k]) : Self.absent
            if a == 1 { counts.firedOld[k] += 1 }
            if a == 2 { counts.unknownOld[k] += 1 }
            if b == 1 { counts.firedNew[k] += 1 }
            if b == 2 { counts.unknownNew[k] += 1 }
            // A rule in one file only changes the outcome where it fires.
            let differs = a != Self.absent && b != Self.absent ? a != b : (a == 1 || b == 1)
            if differs {
                counts.ruleChanged[k] += 1
                ruleScratch.append((k, a, b))
            }
        }
        if !ruleScratch.isEmpty { counts.rulesChanged += 1 }
        if changed && keepChanges {
            changes.append(
                ChangedRecord(
                    record: record, identifier: Array(o.identifier(i)), oldTier: oldTier, newTier: newTier,
                    oldModel: oldModel, newModel: newModel, rules: ruleScratch, rejection: nil))
        }
    }

    private static func count(_ delta: Int, at index: Int, in counts: inout DiffCounts) {
        if delta > 0 { counts.scoreUp[index] += 1 }
        if delta < 0 { counts.scoreDown[index] += 1 }
        counts.scoreDelta[index] += delta
    }

    private static func sameDay(_ a: Double, _ b: Double) -> Bool {
        a.isNaN ? b.isNaN : a == b
    }

    private static func reason(_ problems: [RejectedRecord]) -> String {
        problems.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}
