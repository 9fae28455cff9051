#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Events and non-events among the patients who share a value (a score,
/// a tier rank, a pair of scores).
package struct EventCounts: Sendable, Equatable {
    package var events = 0
    package var nonEvents = 0
    package var n: Int { events + nonEvents }

    package init(events: Int = 0, nonEvents: Int = 0) {
        self.events = events
        self.nonEvents = nonEvents
    }

    mutating func add(event: Bool) {
        if event { events += 1 } else { nonEvents += 1 }
    }
}

/// A c-statistic with its DeLong standard error and 95% interval.
package struct CStatistic: Sendable, Equatable {
    package var value: Double
    /// nil when there are fewer than two events or two non-events.
    package var standardError: Double?
    package var ci95: (Double, Double)? {
        standardError.map { (value - 1.96 * $0, value + 1.96 * $0) }
    }

    package static func == (a: CStatistic, b: CStatistic) -> Bool {
        a.value == b.value && a.standardError == b.standardError
    }
}

/// The difference of two c-statistics on the same patients (paired DeLong).
package struct CStatisticDifference: Sendable, Equatable {
    package var value: Double
    package var standardError: Double?
    package var ci95: (Double, Double)? {
        standardError.map { (value - 1.96 * $0, value + 1.96 * $0) }
    }
    /// Two-sided p-value of the difference being 0; nil when the standard
    /// error is 0 or unknown.
    package var p: Double? {
        guard let standardError, standardError > 0 else { return nil }
        return erfc(abs(value / standardError) / 2.0.squareRoot())
    }

    package static func == (a: CStatisticDifference, b: CStatisticDifference) -> Bool {
        a.value == b.value && a.standardError == b.standardError
    }
}

/// The statistics of `evaluate`, computed from counts per value so that
/// memory does not grow with the number of patients.
package enum Statistics {
    /// The 97.5th percentile of the standard normal, for Wilson intervals.
    package static let z = 1.959963984540054

    /// Wilson score interval for `events` out of `n`, at 95%.
    package static func wilson(events: Int, n: Int) -> (Double, Double)? {
        guard n > 0 else { return nil }
        let nn = Double(n), p = Double(events) / nn, z2 = z * z
        let denominator = 1 + z2 / nn
        let centre = (p + z2 / (2 * nn)) / denominator
        let half = z / denominator * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return (centre - half, centre + half)
    }

    /// DeLong's structural components of one ranking: for the events at a
    /// value, the share of non-events ranked below them (ties ½) — V10 —
    /// and for the non-events at a value, the share of events ranked above
    /// them (ties ½) — V01. Keyed by value.
    struct Components {
        var v10: [Double: Double] = [:]
        var v01: [Double: Double] = [:]
        var auc: Double
        var events: Int
        var nonEvents: Int
    }

    static func components(_ counts: [Double: EventCounts]) -> Components? {
        let values = counts.keys.sorted()
        let events = counts.values.reduce(0) { $0 + $1.events }
        let nonEvents = counts.values.reduce(0) { $0 + $1.nonEvents }
        guard events > 0, nonEvents > 0 else { return nil }
        var result = Components(auc: 0, events: events, nonEvents: nonEvents)
        var nonEventsBelow = 0
        var eventsAbove = events
        var sum = 0.0
        for value in values {
            let cell = counts[value]!
            eventsAbove -= cell.events
            let v10 = (Double(nonEventsBelow) + 0.5 * Double(cell.nonEvents)) / Double(nonEvents)
            let v01 = (Double(eventsAbove) + 0.5 * Double(cell.events)) / Double(events)
            result.v10[value] = v10
            result.v01[value] = v01
            sum += Double(cell.events) * v10
            nonEventsBelow += cell.nonEvents
        }
        result.auc = sum / Double(events)
        return result
    }

    /// The c-statistic (area under the ROC curve, ties ½) of a score whose
    /// patients are counted per value, with DeLong's standard error.
    package static func cStatistic(_ counts: [Double: EventCounts]) -> CStatistic? {
        guard let c = components(counts) else { return nil }
        var s10 = 0.0, s01 = 0.0
        for (value, cell) in counts {
            s10 += Double(cell.events) * square(c.v10[value]! - c.auc)
            s01 += Double(cell.nonEvents) * square(c.v01[value]! - c.auc)
        }
        guard c.events > 1, c.nonEvents > 1 else { return CStatistic(value: c.auc, standardError: nil) }
        let variance = s10 / Double(c.events - 1) / Double(c.events) + s01 / Double(c.nonEvents - 1) / Double(c.nonEvents)
        return CStatistic(value: c.auc, standardError: variance.squareRoot())
    }

    /// Candidate minus current c-statistic on the same patients, with the
    /// paired DeLong standard error (the covariance of the two rankings'
    /// components), from counts per pair of values.
    package static func cStatisticDifference(_ joint: [ValuePair: EventCounts]) -> CStatisticDifference? {
        var first: [Double: EventCounts] = [:], second: [Double: EventCounts] = [:]
        for (pair, cell) in joint {
            first[pair.first, default: EventCounts()].events += cell.events
            first[pair.first, default: EventCounts()].nonEvents += cell.nonEvents
            second[pair.second, default: EventCounts()].events += cell.events
            second[pair.second, default: EventCounts()].nonEvents += cell.nonEvents
        }
        guard let a = components(first), let b = components(second) else { return nil }
        let difference = b.auc - a.auc
        guard a.events > 1, a.nonEvents > 1 else { return CStatisticDifference(value: difference, standardError: nil) }
        // Var(B − A) per component: S_AA + S_BB − 2 S_AB, each a sum over
        // patients of products of deviations (divided by m − 1 below).
        var s10 = 0.0, s01 = 0.0
        for (pair, cell) in joint {
            let d10 = (b.v10[pair.second]! - b.auc) - (a.v10[pair.first]! - a.auc)
            let d01 = (b.v01[pair.second]! - b.auc) - (a.v01[pair.first]! - a.auc)
            s10 += Double(cell.events) * d10 * d10
            s01 += Double(cell.nonEvents) * d01 * d01
        }
        let variance = s10 / Double(a.events - 1) / Double(a.events) + s01 / Double(a.nonEvents - 1) / Double(a.nonEvents)
        return CStatisticDifference(value: difference, standardError: max(0, variance).squareRoot())
    }

    /// The median; of an even count, the mean of the middle two.
    package static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Ranks from 1, ties given their average rank.
    static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = Array(repeating: 0.0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// Spearman's correlation: Pearson's of the average ranks; nil when
    /// either side is constant or there are fewer than two pairs.
    package static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count > 1 else { return nil }
        let rx = averageRanks(x), ry = averageRanks(y)
        let mean = Double(x.count + 1) / 2
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in rx.indices {
            let dx = rx[k] - mean, dy = ry[k] - mean
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    private static func square(_ x: Double) -> Double { x * x }
}

/// A patient's values under the current and the candidate rules.
package struct ValuePair: Hashable, Sendable {
    package var first: Double
    package var second: Double

    package init(_ first: Double, _ second: Double) {
        self.first = first
        self.second = second
    }
}
