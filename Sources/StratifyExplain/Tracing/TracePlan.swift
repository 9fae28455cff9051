import StratifyRules

/// Everything a trace needs from a program, prepared once: each condition
/// and derived value flattened (`ExprPlan`, and all of them end to end in
/// a `TraceTape`), how to read each input, the tier names, and the values
/// worth trying for "what would change it". Shared, read-only, by every
/// worker thread.
public final class TracePlan: Sendable {
    public let program: Program
    /// By index of `program.derived`.
    public let derived: [ExprPlan]
    public let rules: [ExprPlan]
    /// Per domain, per floor.
    public let floors: [[ExprPlan]]
    public let escalations: [ExprPlan]
    /// nil for a model that always holds.
    public let models: [ExprPlan?]
    /// All the plans above, flat.
    public let tape: TraceTape
    public let inputKinds: [ValueKind]
    public let tiers: NameTable
    /// Single-field changes worth trying per input (`ModelSensitivity`).
    public let candidates: [[Double]]
    /// What `ReachableTiers` reads, as flat arrays.
    public let reachLayout: ReachableTiers.Layout

    public init(program: Program) {
        self.program = program
        var base = 0
        var all: [ExprPlan] = []
        func plan(_ expr: TypedExpr) -> ExprPlan {
            let plan = ExprPlan(expr, tapeBase: base)
            base += plan.nodes.count
            all.append(plan)
            return plan
        }
        derived = program.derived.map { plan($0.expr) }
        rules = program.rules.map { plan($0.condition) }
        floors = program.domains.map { $0.floors.map { plan($0.condition) } }
        escalations = program.overall.escalations.map { plan($0.condition) }
        models = program.models.map { $0.condition.map(plan) }
        tape = TraceTape(plans: all, derivedRoots: derived.map(\.tapeBase), ruleRoots: rules.map(\.tapeBase), program: program)
        inputKinds = program.inputs.map { ValueKind($0.type) }
        tiers = NameTable(program.tiers.values)
        reachLayout = ReachableTiers.Layout(program: program, escalations: escalations)
        candidates = CandidateValues.find(program: program, plans: all)
    }
}
