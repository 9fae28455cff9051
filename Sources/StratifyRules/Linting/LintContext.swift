import StratifyCore

/// What every lint works from: the program, the rule file as written, the
/// value analysis, and the diagnostics found so far.
final class LintContext {
    let program: Program
    let ruleSet: RuleSet
    let analysis: ValueAnalysis
    private(set) var diagnostics: [Diagnostic] = []

    init(program: Program, ruleSet: RuleSet) {
        self.program = program
        self.ruleSet = ruleSet
        self.analysis = ValueAnalysis(program: program)
    }

    var path: String { program.source.path }

    // MARK: - Reporting

    func report(_ message: LintMessage, at expr: TypedExpr, fallback: SourceLocation) {
        if let span = expr.span {
            let (location, length) = span.location(in: program.source)
            report(message, at: location, length: length)
        } else {
            report(message, at: fallback)
        }
    }

    func report(_ message: LintMessage, at location: SourceLocation?, length: Int = 1) {
        diagnostics.append(Diagnostic(message.severity, message.text, path: path, at: location, length: length, notes: message.notes))
    }

    func report(_ message: LintMessage, at name: Located<String>) {
        report(message, at: name.location, length: name.value.unicodeScalars.count)
    }

    // MARK: - The file as written

    /// Where each rule, floor, escalation and model was written, by id (ids
    /// are unique across all four).
    private(set) lazy var rulesById: [String: RuleDefinition] = Dictionary(
        ruleSet.domains.flatMap(\.rules).map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
    private(set) lazy var floorsById: [String: FloorDefinition] = Dictionary(
        ruleSet.domains.flatMap(\.floors).map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
    private(set) lazy var escalationsById: [String: EscalationDefinition] = Dictionary(
        ruleSet.overall.escalations.map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
    private(set) lazy var modelsById: [String: ModelDefinition] = Dictionary(
        ruleSet.models.map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
    private(set) lazy var derivedByName: [String: DerivedDefinition] = Dictionary(
        ruleSet.derived.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })

    // MARK: - Describing values

    /// `score is 0..27`, for the values a condition compares.
    func describe(_ expr: TypedExpr, given assumptions: Assumptions = .none) -> String {
        "\(expr.text) is \(ValueDescription.describe(analysis.value(of: expr, given: assumptions).range, type: expr.type))"
    }

    /// The optional inputs a condition depends on, through derived values
    /// and flags: when one is missing, the condition is unknown.
    func optionalInputs(of expr: TypedExpr) -> [String] {
        inputs(of: expr, known: namedInputs).sorted().map { program.inputs[$0].name }
    }

    /// The optional inputs of each derived value and flag, by register,
    /// computed once in the order the engine computes them.
    private lazy var namedInputs: [Int: Set<Int>] = {
        var known: [Int: Set<Int>] = [:]
        for derived in program.derived {
            known[derived.register] = inputs(of: derived.expr, known: known)
        }
        for flag in program.flags {
            known[flag.register] = flag.rules.reduce(into: Set<Int>()) { $0.formUnion(inputs(of: program.rules[$1].condition, known: known)) }
        }
        return known
    }()

    private func inputs(of expr: TypedExpr, known: [Int: Set<Int>]) -> Set<Int> {
        var inputs = Set<Int>()
        var pending = [expr]
        while let next = pending.popLast() {
            switch next.kind {
            case .input(let index):
                if !program.inputs[index].required { inputs.insert(index) }
            case .derived, .flag:
                inputs.formUnion(known[next.register] ?? [])
            case .call(let function, _) where function.testsPresence:
                // `known(x)` is true or false, never unknown, whatever x is.
                break
            default:
                pending += next.children
            }
        }
        return inputs
    }
}
