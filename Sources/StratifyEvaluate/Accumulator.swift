import StratifyRules

/// A `--by` field: the tier, the model, or an enum or boolean input.
package struct GroupField: Sendable {
    package enum Kind: Sendable {
        case tier
        case model
        /// The input's register and the names of its values, by index.
        case input(register: Int)
    }

    package let name: String
    package let kind: Kind
    package let values: [String]

    /// The field `name` of `program`, or a message saying what can be used.
    package static func named(_ name: String, in program: Program) -> Result<GroupField, GroupFieldError> {
        switch name {
        case "tier": return .success(GroupField(name: name, kind: .tier, values: program.tiers.values))
        case "model": return .success(GroupField(name: name, kind: .model, values: program.models.map(\.id)))
        default: break
        }
        let usable = program.inputs.indices.filter { index in
            switch program.inputs[index].type {
            case .boolean, .enumeration: index != program.identifier
            default: false
            }
        }
        guard let index = program.inputs.firstIndex(where: { $0.name == name }), usable.contains(index) else {
            let names = ["tier", "model"] + usable.map { program.inputs[$0].name }
            let what = program.inputs.contains(where: { $0.name == name }) ? "is not an enum or boolean input" : "is not an input of the rule set"
            return .failure(GroupFieldError(message: "--by '\(name)' \(what); use one of: \(names.joined(separator: ", "))"))
        }
        let values: [String] =
            switch program.inputs[index].type {
            case .enumeration(let type): type.values
            default: ["false", "true"]
            }
        return .success(GroupField(name: name, kind: .input(register: index), values: values))
    }
}

package struct GroupFieldError: Error, Sendable {
    package var message: String
}

/// What one rule set made of one group of patients, counted as records
/// stream past: for a binary outcome, events and non-events per tier, per
/// model, per rule fired and per total score; for a number, the values
/// themselves (a median and Spearman's correlation need them).
struct SideCounts {
    var n = 0
    var tiers: [EventCounts]
    var models: [EventCounts]
    /// Per rule: the patients it fired for.
    var fired: [EventCounts]
    /// Per total score: the whole scores from 0 to 1023 (nearly every
    /// rule set's) in an array, others in a dictionary; see `scores`.
    var smallScores = Array(repeating: EventCounts(), count: 1024)
    var otherScores: [Double: EventCounts] = [:]
    var scores: [Double: EventCounts] {
        var all = otherScores
        for (score, cell) in smallScores.enumerated() where cell.n > 0 { all[Double(score)] = cell }
        return all
    }
    /// Numeric outcome only: per patient, in arrival order.
    var values: [Double] = []
    var totals: [Double] = []
    var tierOf: [UInt8] = []
    var modelOf: [UInt8] = []
    /// Numeric outcome: per rule, the values' sum where it fired.
    var firedSums: [Double]

    init(program: Program) {
        tiers = Array(repeating: EventCounts(), count: program.tiers.values.count)
        models = Array(repeating: EventCounts(), count: program.models.count)
        fired = Array(repeating: EventCounts(), count: program.rules.count)
        firedSums = Array(repeating: 0, count: program.rules.count)
    }

    mutating func add(_ record: EvaluatedRecord, outcome: Double, binary: Bool) {
        n += 1
        if binary {
            let event = outcome == 1
            tiers[record.tier].add(event: event)
            models[record.model].add(event: event)
            let total = record.totalScore
            if total >= 0, total < 1024, total == total.rounded(.towardZero) {
                smallScores[Int(total)].add(event: event)
            } else {
                otherScores[total, default: EventCounts()].add(event: event)
            }
            record.forEachFiredRule { fired[$0].add(event: event) }
        } else {
            values.append(outcome)
            totals.append(record.totalScore)
            tierOf.append(UInt8(record.tier))
            modelOf.append(UInt8(record.model))
            record.forEachFiredRule { rule in
                fired[rule].events += 1
                firedSums[rule] += outcome
            }
        }
    }
}

/// One group's counts for each rule set, and with a candidate the joint
/// counts that pair them (per pair of total scores and of tiers).
struct GroupCounts {
    var sides: [SideCounts]
    var jointScores: [ValuePair: EventCounts] = [:]
    var jointTiers: [ValuePair: EventCounts] = [:]

    mutating func add(_ current: EvaluatedRecord, _ candidate: EvaluatedRecord?, outcome: Double, binary: Bool) {
        sides[0].add(current, outcome: outcome, binary: binary)
        guard let candidate else { return }
        sides[1].add(candidate, outcome: outcome, binary: binary)
        if binary {
            let event = outcome == 1
            jointScores[ValuePair(current.totalScore, candidate.totalScore), default: EventCounts()].add(event: event)
            jointTiers[ValuePair(Double(current.tier), Double(candidate.tier)), default: EventCounts()].add(event: event)
        }
    }
}

/// The records and the outcomes of a population, as they are joined.
package struct RecordCounts: Sendable, Equatable {
    package var scored = 0
    package var withOutcome = 0
    package var withoutOutcome = 0
    package var outcomesUnmatched = 0
    package var rejected = 0
    /// With a candidate: rejected by one rule set only, or by both.
    package var rejectedCurrentOnly = 0
    package var rejectedCandidateOnly = 0
    package var rejectedBoth = 0

    package init() {}
}

/// Joins each scored record to its outcome and counts it into the whole
/// population and into its group of each `--by` field.
package final class EvaluationAccumulator {
    let programs: [Program]
    let fields: [GroupField]
    let binary: Bool
    let outcomes: OutcomeTable
    package var records = RecordCounts()
    var all: GroupCounts
    /// Per field, per value (the last: missing).
    var groups: [[GroupCounts]]

    package init(program: Program, candidate: Program?, outcomes: OutcomeTable, type: OutcomeType, fields: [GroupField]) {
        programs = [program] + (candidate.map { [$0] } ?? [])
        self.fields = fields
        self.outcomes = outcomes
        binary = type == .binary
        let empty = GroupCounts(sides: programs.map { SideCounts(program: $0) })
        all = empty
        groups = fields.map { Array(repeating: empty, count: $0.values.count + 1) }
    }

    /// The layout of each rule set's records, for the formatters and the decoder.
    package var layouts: [EvaluationLayout] {
        let registers = fields.compactMap { field -> Int? in
            if case .input(let register) = field.kind { return register }
            return nil
        }
        // The candidate's records carry no grouping values: groups are the current rules'.
        return programs.enumerated().map { EvaluationLayout(program: $1, groupInputs: $0 == 0 ? registers : []) }
    }

    package func add(_ current: EvaluatedRecord, _ candidate: EvaluatedRecord?) {
        records.scored += 1
        let identifier = current.identifier
        guard case .some(let found) = outcomes.match(hash: OutcomeTable.hash(identifier)), let outcome = found else {
            records.withoutOutcome += 1
            return
        }
        records.withOutcome += 1
        all.add(current, candidate, outcome: outcome, binary: binary)
        var inputIndex = 0
        for (k, field) in fields.enumerated() {
            let value: Int?
            switch field.kind {
            case .tier: value = current.tier
            case .model: value = current.model
            case .input:
                value = current.groupValue(inputIndex)
                inputIndex += 1
            }
            groups[k][value ?? field.values.count].add(current, candidate, outcome: outcome, binary: binary)
        }
    }

    /// Call once every record has been added.
    package func finishRecords() {
        records.outcomesUnmatched = outcomes.unmatchedCount
    }
}
