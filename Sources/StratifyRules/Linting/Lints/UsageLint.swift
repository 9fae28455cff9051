/// Inputs and derived values that nothing uses, and flags that only reach
/// the output.
///
/// An input counts as used when any rule, derived value, floor, escalation
/// or model names it; the identifier and the `review_by` date are used by
/// the output. A flag is always part of the output, so one that no floor,
/// escalation or model refers to gets a note, not a warning.
struct UsageLint: RuleLinter.Lint {
    func run(_ context: LintContext) {
        let program = context.program
        var inputs = Set<Int>()
        var registers = Set<Int>()
        var flags = Set<Int>()
        var roots = program.derived.map(\.expr) + program.rules.map(\.condition)
        roots += program.domains.flatMap { $0.floors.map(\.condition) }
        roots += program.overall.escalations.map(\.condition)
        roots += program.models.compactMap(\.condition)
        var pending = roots
        while let expr = pending.popLast() {
            switch expr.kind {
            case .input(let index): inputs.insert(index)
            case .derived: registers.insert(expr.register)
            case .flag(let index): flags.insert(index)
            default: pending += expr.children
            }
        }

        var outputs: Set<Int> = [program.identifier]
        if let review = program.review { outputs.insert(review.from) }
        for (index, field) in program.inputs.enumerated() where !inputs.contains(index) && !outputs.contains(index) {
            context.report(.unusedInput(field.name), at: field.location, length: field.name.unicodeScalars.count)
        }
        for derived in program.derived where !registers.contains(derived.register) {
            guard let name = context.derivedByName[derived.name]?.name else { continue }
            context.report(.unusedDerived(derived.name), at: name)
        }
        for (index, flag) in program.flags.enumerated() where !flags.contains(index) {
            guard let setter = flag.rules.first.map({ program.rules[$0] }) else { continue }
            if let written = context.rulesById[setter.id]?.flag {
                context.report(.flagOnlyOutput(flag.name), at: written)
            } else {
                context.report(.flagOnlyOutput(flag.name), at: setter.location)
            }
        }
    }
}
