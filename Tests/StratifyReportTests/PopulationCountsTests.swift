import StratifyMonitor
import Testing
@testable import StratifyReport

@Suite struct PopulationCountsTests {
    static let vocabulary = AssessmentVocabulary(tiers: ["low", "high"], models: ["a"], domains: ["d1", "d2"], flags: ["f0", "f1"])

    func assessment(tier: Int, domains: [Int], flags: UInt64, review: Int?) -> Assessment {
        Assessment(identifier: "x", tier: tier, model: 0, domainTiers: domains, flags: flags, totalScore: 1, reviewBy: review)
    }

    @Test func countsTiersDomainsFlagsAndReviewWeeks() {
        let counts = PopulationCounts(vocabulary: Self.vocabulary, asOf: 100)
        counts.add(assessment(tier: 1, domains: [1, 0], flags: 0b11, review: 100))  // week 1 (day 0)
        counts.add(assessment(tier: 0, domains: [0, -1], flags: 0b10, review: 106))  // still week 1
        counts.add(assessment(tier: 0, domains: [0, 0], flags: 0, review: 107))  // week 2
        counts.add(assessment(tier: 0, domains: [0, 0], flags: 0, review: 99))  // overdue
        counts.add(assessment(tier: 0, domains: [0, 0], flags: 0, review: 100 + 7 * 12))  // after the 12 weeks
        counts.add(assessment(tier: 1, domains: [1, 1], flags: 0, review: nil))
        #expect(counts.scored == 6)
        #expect(counts.tiers == [4, 2])
        // A domain a side does not give (-1) is not counted.
        #expect(counts.domainTiers == [[4, 2], [4, 1]])
        #expect(counts.flags == [1, 2])
        #expect(counts.reviewWeeks[0] == 2 && counts.reviewWeeks[1] == 1)
        #expect(counts.reviewWeeks.reduce(0, +) == 3)
        #expect(counts.reviewsOverdue == 1 && counts.reviewsLater == 1 && counts.reviewsNone == 1)
    }
}
