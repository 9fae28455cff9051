/// The ROC curve of `total_score` for the current rule set, for a report to
/// draw (the c-statistic itself comes from ``Statistics/cStatistic(_:)``).
extension EvaluationAccumulator {
    /// One point of the curve: the false and true positive rates when
    /// "total_score at least `score`" counts as positive.
    package struct ROCPoint: Sendable, Equatable {
        package var score: Double
        package var falsePositiveRate: Double
        package var truePositiveRate: Double
    }

    /// The curve from (0, 0) to (1, 1), highest score first. Score values
    /// are merged downwards until a step holds at least `minCell` patients,
    /// so that no step reveals a small cell. Empty for a numeric outcome
    /// or a population without both events and non-events.
    package func rocCurve(minCell: Int) -> [ROCPoint] {
        guard binary else { return [] }
        let scores = all.sides[0].scores
        let events = scores.values.reduce(0) { $0 + $1.events }
        let nonEvents = scores.values.reduce(0) { $0 + $1.nonEvents }
        guard events > 0, nonEvents > 0 else { return [] }
        var points = [ROCPoint(score: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var truePositives = 0, falsePositives = 0, pending = 0
        let ordered = scores.keys.sorted(by: >)
        for (index, score) in ordered.enumerated() {
            let cell = scores[score]!
            truePositives += cell.events
            falsePositives += cell.nonEvents
            pending += cell.n
            guard pending >= minCell || index == ordered.count - 1 else { continue }
            pending = 0
            points.append(
                ROCPoint(
                    score: score, falsePositiveRate: Double(falsePositives) / Double(nonEvents),
                    truePositiveRate: Double(truePositives) / Double(events)))
        }
        return points
    }
}
