import Foundation
import Testing
@testable import StratifyEvaluate

/// The statistics against implementations written from their definitions:
/// every event compared with every non-event, per patient.
@Suite struct StatisticsTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : (x == y ? 0.5 : 0) }

    /// DeLong from the definition: V10 per event, V01 per non-event.
    static func components(_ scores: [Double], _ outcomes: [Bool]) -> (v10: [Double], v01: [Double]) {
        let events = zip(scores, outcomes).filter(\.1).map(\.0)
        let nonEvents = zip(scores, outcomes).filter { !$0.1 }.map(\.0)
        let v10 = events.map { x in nonEvents.reduce(0) { $0 + psi(x, $1) } / Double(nonEvents.count) }
        let v01 = nonEvents.map { y in events.reduce(0) { $0 + psi($1, y) } / Double(events.count) }
        return (v10, v01)
    }

    static func covariance(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        return zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) } / Double(a.count - 1)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func deLongMatchesTheDefinition(seed: Int) {
        var random = Generator(state: UInt64(seed))
        let n = 60 + random.next(200)
        var a: [Double] = [], b: [Double] = [], y: [Bool] = []
        for _ in 0..<n {
            let event = random.next(4) == 0
            // Scores with many ties, related to the outcome.
            a.append(Double(random.next(12) + (event ? 3 : 0)))
            b.append(Double(random.next(8) + (event ? 4 : 0)))
            y.append(event)
        }
        var counts: [Double: EventCounts] = [:], joint: [ValuePair: EventCounts] = [:]
        for k in 0..<n {
            counts[a[k], default: EventCounts()].add(event: y[k])
            joint[ValuePair(a[k], b[k]), default: EventCounts()].add(event: y[k])
        }
        let ca = Self.components(a, y), cb = Self.components(b, y)
        let m = Double(ca.v10.count), k = Double(ca.v01.count)
        let auc = ca.v10.reduce(0, +) / m
        let se = (Self.covariance(ca.v10, ca.v10) / m + Self.covariance(ca.v01, ca.v01) / k).squareRoot()
        let c = Statistics.cStatistic(counts)!
        #expect(abs(c.value - auc) < 1e-12)
        #expect(abs(c.standardError! - se) < 1e-12)

        let aucB = cb.v10.reduce(0, +) / m
        let variance =
            (Self.covariance(ca.v10, ca.v10) + Self.covariance(cb.v10, cb.v10) - 2 * Self.covariance(ca.v10, cb.v10)) / m
            + (Self.covariance(ca.v01, ca.v01) + Self.covariance(cb.v01, cb.v01) - 2 * Self.covariance(ca.v01, cb.v01)) / k
        let d = Statistics.cStatisticDifference(joint)!
        #expect(abs(d.value - (aucB - auc)) < 1e-12)
        #expect(abs(d.standardError! - variance.squareRoot()) < 1e-12)
        #expect(abs(d.p! - erfc(abs(d.value / variance.squareRoot()) / 2.0.squareRoot())) < 1e-12)
    }

    /// The worked example of Hanley & McNeil (Radiology 1982), the CT
    /// ratings of 109 patients, AUC 0.893; DeLong's standard error for it
    /// (as pROC computes it) is 0.0326 to 4 decimals... checked against the
    /// definition rather than a rounded published figure.
    @Test func hanleyMcNeilRatings() {
        let normal = [33, 6, 6, 11, 2], abnormal = [3, 2, 2, 11, 33]
        var counts: [Double: EventCounts] = [:]
        var scores: [Double] = [], outcomes: [Bool] = []
        for rating in 0..<5 {
            counts[Double(rating + 1)] = EventCounts(events: abnormal[rating], nonEvents: normal[rating])
            scores += Array(repeating: Double(rating + 1), count: normal[rating] + abnormal[rating])
            outcomes += Array(repeating: false, count: normal[rating]) + Array(repeating: true, count: abnormal[rating])
        }
        let c = Statistics.cStatistic(counts)!
        #expect(abs(c.value - 0.8932) < 5e-5)
        let def = Self.components(scores, outcomes)
        let se = (Self.covariance(def.v10, def.v10) / Double(def.v10.count) + Self.covariance(def.v01, def.v01) / Double(def.v01.count)).squareRoot()
        #expect(abs(c.standardError! - se) < 1e-12)
    }

    @Test func noCStatisticWithoutBothClasses() {
        #expect(Statistics.cStatistic([1: EventCounts(events: 3, nonEvents: 0)]) == nil)
        #expect(Statistics.cStatistic([:]) == nil)
        // One event: the value, but no interval.
        let single = Statistics.cStatistic([1: EventCounts(events: 1, nonEvents: 0), 0: EventCounts(events: 0, nonEvents: 4)])!
        #expect(single.value == 1 && single.ci95 == nil)
    }

    @Test func medianAndSpearman() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
        #expect(Statistics.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
        #expect(Statistics.spearman([1, 2, 3], [10, 20, 30]) == 1)
        #expect(abs(Statistics.spearman([1, 2, 3], [30, 20, 10])! + 1) < 1e-15)
        #expect(Statistics.spearman([1, 1, 1], [1, 2, 3]) == nil)
        // With ties: Pearson of ranks [1.5,1.5,3,4] and [1,2,3,4].
        let rx = [1.5, 1.5, 3, 4], ry = [1.0, 2, 3, 4]
        let mx = 2.5
        let sxy = zip(rx, ry).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - mx) }
        let sxx = rx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = ry.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        #expect(abs(Statistics.spearman([5, 5, 6, 9], [1, 2, 3, 4])! - sxy / (sxx * syy).squareRoot()) < 1e-15)
    }
}
