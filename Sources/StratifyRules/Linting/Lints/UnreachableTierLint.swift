/// A tier band that no score can fall in, when no floor (for a domain) or
/// escalation (overall) raises the tier to it either: after a change of
/// points, `top: 6..` of a domain whose rules add up to 5 at most.
struct UnreachableTierLint: RuleLinter.Lint {
    func run(_ context: LintContext) {
        let program = context.program
        for (index, domain) in program.domains.enumerated() {
            let raised = Set(zip(domain.floors, context.analysis.floors[index]).filter { $0.1.canBeTrue }.map(\.0.atLeast))
            check(
                domain.bands, written: context.ruleSet.domains[index].bands, scores: context.analysis.domainScores[index],
                raised: raised, what: "domain '\(domain.name)'", raisedBy: "floor", context)
        }
        let raised = Set(zip(program.overall.escalations, context.analysis.escalations).filter { $0.1.canBeTrue }.map(\.0.atLeast))
        check(
            program.overall.bands, written: context.ruleSet.overall.bands, scores: context.analysis.total,
            raised: raised, what: "the overall score", raisedBy: "escalation", context)
    }

    private func check(
        _ bands: TierBands, written: [BandDefinition], scores: Interval, raised: Set<Int>, what: String, raisedBy: String, _ context: LintContext
    ) {
        guard bands.bands.count == written.count else { return }
        for (band, definition) in zip(bands.bands, written) where !raised.contains(band.tier) {
            let range = Interval(Double(band.lower), band.upper.map(Double.init) ?? .infinity)
            guard !range.overlaps(scores) else { continue }
            let message = LintMessage.unreachableTier(
                context.program.tiers.values[band.tier], of: what, scores: ValueDescription.describe(scores, type: .integer), raisedBy: raisedBy)
            context.report(message, at: definition.tier)
        }
    }
}
