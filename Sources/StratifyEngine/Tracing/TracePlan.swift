import StratifyRules

/// Everything a trace needs from a program, prepared once: each condition
/// and derived value flattened (`ExprPlan`), how to read each input, the
/// tier names, and the values worth trying for "what would change it".
/// Shared, read-only, by every worker thread.
public final class TracePlan: Sendable {
    public let program: Program
    /// By index of `program.derived`.
    public let derived: [ExprPlan]
    /// Index into `derived` by the derived value's register.
    private let derivedByRegister: [Int: Int]
    public let rules: [ExprPlan]
    /// Per domain, per floor.
    public let floors: [[ExprPlan]]
    public let escalations: [ExprPlan]
    /// nil for a model that always holds.
    public let models: [ExprPlan?]
    public let inputKinds: [ValueKind]
    public let tiers: NameTable
    /// Single-field changes worth trying per input (`ModelSensitivity`).
    public let candidates: [[Double]]
    /// What `ReachableTiers` reads, as flat arrays.
    public let reachLayout: ReachableTiers.Layout

    public init(program: Program) {
        self.program = program
        derived = program.derived.map { ExprPlan($0.expr) }
        var byRegister: [Int: Int] = [:]
        for (index, value) in program.derived.enumerated() { byRegister[value.register] = index }
        derivedByRegister = byRegister
        rules = program.rules.map { ExprPlan($0.condition) }
        floors = program.domains.map { $0.floors.map { ExprPlan($0.condition) } }
        escalations = program.overall.escalations.map { ExprPlan($0.condition) }
        models = program.models.map { $0.condition.map(ExprPlan.init) }
        inputKinds = program.inputs.map { ValueKind($0.type) }
        tiers = NameTable(program.tiers.values)
        reachLayout = ReachableTiers.Layout(program: program)
        candidates = CandidateValues.find(program: program, plans: derived + rules + floors.flatMap { $0 } + escalations + models.compactMap { $0 })
    }

    /// The index in `program.derived` of the derived value a `.derived`
    /// node names (by its register: the node's own index counts file order).
    public func derivedIndex(register: Int) -> Int? {
        derivedByRegister[register]
    }
}
