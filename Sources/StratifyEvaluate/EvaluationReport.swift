import StratifyCore
import StratifyRules

/// Everything `evaluate` found, with small cells already hidden: a count
/// from 1 to `minCell − 1` is nil, so is every figure computed from it, and
/// the row says `suppressed`. A count of 0 is shown (it reveals no one).
package struct EvaluationReport: Sendable {
    package var records: RecordCounts
    package var outcomeName: String
    package var outcomeType: OutcomeType
    package var minCell: Int
    package var current: SideReport
    package var candidate: SideReport?
    package var comparison: Comparison?
    package var rulesFile: String
    package var candidateFile: String?
}

/// One rule set's figures on the population, and per group.
package struct SideReport: Sendable {
    package var figures: Figures
    package var groups: [Group]
}

package struct Group: Sendable {
    package var by: String
    /// The value's name; nil for the patients without one.
    package var value: String?
    package var figures: Figures
}

/// The figures of one rule set on one set of patients.
package struct Figures: Sendable {
    package var n: Int?
    /// Binary: the outcome's events and their rate.
    package var events: Int?
    package var rate: Double?
    /// Numeric: the outcome's mean, median and total.
    package var mean: Double?
    package var median: Double?
    package var total: Double?
    package var suppressed: Bool
    package var cTotalScore: CStatistic?
    package var cTier: CStatistic?
    package var tiers: [Row]
    package var thresholds: [Threshold]
    package var models: [Row]
    package var rules: [RuleRow]
    package var bands: [Row]
    package var scores: [Row]
    package var spearman: Double?
}

/// A tier, model, score band or score value: a binary outcome's n, events,
/// rate and Wilson interval, or a number's n, mean, median, total and share.
package struct Row: Sendable {
    package var name: String
    /// Score bands: their bounds (upper nil: open).
    package var lower: Int?
    package var upper: Int?
    package var n: Int?
    package var events: Int?
    package var rate: Double?
    package var ci95: (Double, Double)?
    package var mean: Double?
    package var median: Double?
    package var total: Double?
    package var share: Double?
    package var suppressed: Bool
}

/// "Tier at least X" as a test for the outcome.
package struct Threshold: Sendable {
    package var atLeast: String
    package var flagged: Int?
    package var share: Double?
    /// Events among the flagged.
    package var events: Int?
    package var sensitivity: Double?
    package var specificity: Double?
    package var ppv: Double?
    package var lift: Double?
    package var suppressed: Bool
}

package struct RuleRow: Sendable {
    package var rule: String
    package var fired: Int?
    package var notFired: Int?
    /// Binary: events where it fired and where it did not, their rates,
    /// and the lift (rate when fired ÷ base rate).
    package var eventsFired: Int?
    package var eventsNotFired: Int?
    package var rateFired: Double?
    package var rateNotFired: Double?
    package var lift: Double?
    /// Numeric: the outcome's mean where it fired and where it did not.
    package var meanFired: Double?
    package var meanNotFired: Double?
    package var suppressed: Bool
}

/// Candidate against current on the same patients.
package struct Comparison: Sendable {
    package var cStatisticDifference: CStatisticDifference?
    package var cStatisticDifferenceTier: CStatisticDifference?
    package var nri: NRI?
}

/// Net reclassification improvement across tiers (by tier rank).
package struct NRI: Sendable {
    package var eventsUp: Int
    package var eventsDown: Int
    package var nonEventsUp: Int
    package var nonEventsDown: Int
    package var events: Double
    package var nonEvents: Double
    package var total: Double { events + nonEvents }
}

extension EvaluationAccumulator {
    package func report(minCell: Int, outcomeName: String) -> EvaluationReport {
        let builder = FigureBuilder(minCell: minCell, binary: binary)
        func side(_ index: Int) -> SideReport {
            let program = programs[index]
            var groupReports: [Group] = []
            for (k, field) in fields.enumerated() {
                for (value, counts) in groups[k].enumerated() {
                    // The patients without a value appear only when there are some.
                    if value == field.values.count && counts.sides[index].n == 0 { continue }
                    groupReports.append(
                        Group(
                            by: field.name, value: value < field.values.count ? field.values[value] : nil,
                            figures: builder.figures(counts.sides[index], program: program)))
                }
            }
            return SideReport(figures: builder.figures(all.sides[index], program: program), groups: groupReports)
        }
        var comparison: Comparison?
        if programs.count == 2 {
            comparison =
                binary
                ? Comparison(
                    cStatisticDifference: Statistics.cStatisticDifference(all.jointScores),
                    cStatisticDifferenceTier: Statistics.cStatisticDifference(all.jointTiers),
                    nri: Self.nri(all.jointTiers))
                : Comparison()
        }
        return EvaluationReport(
            records: records, outcomeName: outcomeName, outcomeType: binary ? .binary : .number, minCell: minCell,
            current: side(0), candidate: programs.count == 2 ? side(1) : nil, comparison: comparison,
            rulesFile: programs[0].source.path, candidateFile: programs.count == 2 ? programs[1].source.path : nil)
    }

    static func nri(_ joint: [ValuePair: EventCounts]) -> NRI? {
        var nri = NRI(eventsUp: 0, eventsDown: 0, nonEventsUp: 0, nonEventsDown: 0, events: 0, nonEvents: 0)
        var events = 0, nonEvents = 0
        for (pair, cell) in joint {
            events += cell.events
            nonEvents += cell.nonEvents
            if pair.second > pair.first {
                nri.eventsUp += cell.events
                nri.nonEventsUp += cell.nonEvents
            } else if pair.second < pair.first {
                nri.eventsDown += cell.events
                nri.nonEventsDown += cell.nonEvents
            }
        }
        guard events > 0, nonEvents > 0 else { return nil }
        nri.events = Double(nri.eventsUp - nri.eventsDown) / Double(events)
        nri.nonEvents = Double(nri.nonEventsDown - nri.nonEventsUp) / Double(nonEvents)
        return nri
    }
}

/// Turns counts into figures, hiding small cells.
struct FigureBuilder {
    let minCell: Int
    let binary: Bool

    /// The count, or nil when it is a small cell.
    func shown(_ count: Int) -> Int? {
        count > 0 && count < minCell ? nil : count
    }

    func ratio(_ a: Int?, _ b: Int?) -> Double? {
        guard let a, let b, b > 0 else { return nil }
        return Double(a) / Double(b)
    }

    func figures(_ side: SideCounts, program: Program) -> Figures {
        binary ? binaryFigures(side, program: program) : numericFigures(side, program: program)
    }

    func eventRow(_ name: String, _ cell: EventCounts) -> Row {
        let n = shown(cell.n), events = n == nil ? nil : shown(cell.events)
        let hidden = n == nil || events == nil
        return Row(
            name: name, n: n, events: events, rate: hidden ? nil : ratio(cell.events, cell.n),
            ci95: hidden ? nil : Statistics.wilson(events: cell.events, n: cell.n), suppressed: hidden)
    }

    func binaryFigures(_ side: SideCounts, program: Program) -> Figures {
        let events = side.tiers.reduce(0) { $0 + $1.events }
        let nonEvents = side.n - events
        let population = eventRow("", EventCounts(events: events, nonEvents: nonEvents))
        let baseRate = side.n > 0 ? Double(events) / Double(side.n) : nil
        let tierNames = program.tiers.values
        var tierCounts: [Double: EventCounts] = [:]
        for (rank, cell) in side.tiers.enumerated() where cell.n > 0 { tierCounts[Double(rank)] = cell }

        var thresholds: [Threshold] = []
        for rank in tierNames.indices.dropFirst() {
            let flaggedCell = side.tiers[rank...].reduce(EventCounts()) {
                EventCounts(events: $0.events + $1.events, nonEvents: $0.nonEvents + $1.nonEvents)
            }
            let flagged = shown(flaggedCell.n), truePositives = shown(flaggedCell.events)
            let falsePositives = shown(flaggedCell.nonEvents)
            let ppv = flagged == nil ? nil : ratio(truePositives, flaggedCell.n)
            thresholds.append(
                Threshold(
                    atLeast: tierNames[rank], flagged: flagged, share: flagged == nil ? nil : ratio(flaggedCell.n, side.n),
                    events: truePositives, sensitivity: ratio(truePositives, events),
                    specificity: falsePositives == nil ? nil : ratio(nonEvents - flaggedCell.nonEvents, nonEvents),
                    ppv: ppv, lift: ppv.flatMap { p in baseRate.flatMap { $0 > 0 ? p / $0 : nil } },
                    suppressed: flagged == nil || truePositives == nil || falsePositives == nil))
        }

        let rules = program.rules.enumerated().map { index, rule -> RuleRow in
            let cell = side.fired[index]
            let fired = shown(cell.n), notFired = shown(side.n - cell.n)
            let eventsFired = fired == nil ? nil : shown(cell.events)
            let eventsNotFired = notFired == nil ? nil : shown(events - cell.events)
            let rateFired = eventsFired == nil ? nil : ratio(cell.events, fired)
            return RuleRow(
                rule: rule.id, fired: fired, notFired: notFired, eventsFired: eventsFired, eventsNotFired: eventsNotFired,
                rateFired: rateFired, rateNotFired: eventsNotFired == nil ? nil : ratio(events - cell.events, notFired),
                lift: rateFired.flatMap { r in baseRate.flatMap { $0 > 0 ? r / $0 : nil } },
                suppressed: fired == nil || notFired == nil || eventsFired == nil || eventsNotFired == nil)
        }

        let bands = program.overall.bands.bands
        let scores = side.scores
        var bandCells = Array(repeating: EventCounts(), count: bands.count)
        for (score, cell) in scores where !bands.isEmpty {
            let band = bands.lastIndex { score >= Double($0.lower) } ?? 0
            bandCells[band].events += cell.events
            bandCells[band].nonEvents += cell.nonEvents
        }
        let bandRows = zip(bands, bandCells).map { band, cell in
            var row = eventRow(tierNames[band.tier], cell)
            row.lower = band.lower
            row.upper = band.upper
            return row
        }
        let scoreRows = scores.keys.sorted().map { eventRow(Self.scoreText($0), scores[$0]!) }

        let auc = population.suppressed ? nil : Statistics.cStatistic(scores)
        let tierAUC = population.suppressed ? nil : Statistics.cStatistic(tierCounts)
        return Figures(
            n: shown(side.n), events: population.events, rate: population.rate, suppressed: population.suppressed || shown(nonEvents) == nil,
            cTotalScore: shown(nonEvents) == nil ? nil : auc, cTier: shown(nonEvents) == nil ? nil : tierAUC,
            tiers: zip(tierNames, side.tiers).map(eventRow), thresholds: thresholds,
            models: zip(program.models.map(\.id), side.models).map(eventRow), rules: rules,
            bands: bandRows, scores: scoreRows)
    }

    static func scoreText(_ score: Double) -> String {
        NumberText.plain(score)
    }

    func numericRow(_ name: String, _ values: [Double], populationTotal: Double) -> Row {
        guard let n = shown(values.count) else { return Row(name: name, n: nil, suppressed: true) }
        let total = values.reduce(0, +)
        return Row(
            name: name, n: n, mean: n > 0 ? total / Double(n) : nil, median: Statistics.median(values),
            total: total, share: populationTotal != 0 ? total / populationTotal : nil, suppressed: false)
    }

    func numericFigures(_ side: SideCounts, program: Program) -> Figures {
        let population = numericRow("", side.values, populationTotal: 0)
        let grandTotal = side.values.reduce(0, +)
        var byTier = Array(repeating: [Double](), count: program.tiers.values.count)
        var byModel = Array(repeating: [Double](), count: program.models.count)
        for (k, value) in side.values.enumerated() {
            byTier[Int(side.tierOf[k])].append(value)
            byModel[Int(side.modelOf[k])].append(value)
        }
        let rules = program.rules.enumerated().map { index, rule -> RuleRow in
            let firedCount = side.fired[index].events
            let fired = shown(firedCount), notFired = shown(side.n - firedCount)
            let hidden = fired == nil || notFired == nil
            let sum = side.firedSums[index]
            return RuleRow(
                rule: rule.id, fired: fired, notFired: notFired,
                meanFired: hidden || firedCount == 0 ? nil : sum / Double(firedCount),
                meanNotFired: hidden || side.n == firedCount ? nil : (grandTotal - sum) / Double(side.n - firedCount),
                suppressed: hidden)
        }
        return Figures(
            n: population.n, mean: population.mean, median: population.median, total: population.total,
            suppressed: population.suppressed,
            tiers: zip(program.tiers.values, byTier).map { numericRow($0, $1, populationTotal: grandTotal) },
            thresholds: [],
            models: zip(program.models.map(\.id), byModel).map { numericRow($0, $1, populationTotal: grandTotal) },
            rules: rules, bands: [], scores: [],
            spearman: population.suppressed ? nil : Statistics.spearman(side.totals, side.values))
    }
}
