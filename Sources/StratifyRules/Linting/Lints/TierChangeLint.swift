import StratifyCore

/// Floors and escalations that can apply but never change a tier: their
/// `at_least` is at or below the tier the scores already give, or, for an
/// escalation, its condition holds only when the tier is already that far up.
/// (Those whose condition can never hold are reported by `ConditionLint`.)
struct TierChangeLint: RuleLinter.Lint {
    func run(_ context: LintContext) {
        let program = context.program
        let tiers = program.tiers.values
        for (domainIndex, domain) in program.domains.enumerated() {
            let lowest = ValueAnalysis.clamped(context.analysis.domainBandTiers[domainIndex].lower)
            for (floorIndex, floor) in domain.floors.enumerated()
            where context.analysis.floors[domainIndex][floorIndex].canBeTrue && floor.atLeast <= lowest {
                let message = LintMessage.floorAtOrBelowTier(
                    floor.id, domain: domain.name, atLeast: tiers[floor.atLeast], lowest: tiers[lowest], isScaleBottom: floor.atLeast == 0)
                report(message, atLeastOf: context.floorsById[floor.id]?.atLeast, fallback: floor.location, context)
            }
        }
        let lowest = ValueAnalysis.clamped(context.analysis.bandTier.lower)
        for (index, escalation) in program.overall.escalations.enumerated() where context.analysis.escalations[index].canBeTrue {
            if escalation.atLeast <= lowest {
                let message = LintMessage.escalationAtOrBelowTier(
                    escalation.id, atLeast: tiers[escalation.atLeast], lowest: tiers[lowest], isScaleBottom: escalation.atLeast == 0)
                report(message, atLeastOf: context.escalationsById[escalation.id]?.atLeast, fallback: escalation.location, context)
                continue
            }
            // Can the condition hold while the tier is still below `at_least`?
            var below = Assumptions.none
            below.narrow(program.overall.bandTierRegister, to: Interval(Double(lowest), Double(escalation.atLeast - 1)))
            if !context.analysis.value(of: escalation.condition, given: below).canBeTrue {
                context.report(
                    .escalationAlreadyMet(escalation.id, atLeast: tiers[escalation.atLeast]), at: escalation.condition, fallback: escalation.location)
            }
        }
    }

    private func report(_ message: LintMessage, atLeastOf atLeast: Located<String>?, fallback: SourceLocation, _ context: LintContext) {
        if let atLeast {
            context.report(message, at: atLeast)
        } else {
            context.report(message, at: fallback)
        }
    }
}
