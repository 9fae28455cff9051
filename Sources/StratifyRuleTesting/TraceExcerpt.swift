import StratifyExplain
import StratifyRules

/// The part of a record's `Trace` that decided one result: the conditions
/// involved, with their outcome, text and the values they compared, and
/// how the derived values they use were computed. The trace is read from
/// the registers of the one evaluation, so an excerpt always describes the
/// evaluation that happened.
struct TraceExcerpt {
    let program: Program
    let trace: Trace
    private var lines: [String] = []
    /// Derived values the conditions shown use, by index, in order of appearance.
    private var derivedUsed: [Int] = []

    private init(program: Program, trace: Trace) {
        self.program = program
        self.trace = trace
    }

    /// The lines of the excerpt for one expectation.
    static func lines(for kind: RuleExpectation.Kind, program: Program, trace: Trace) -> [String] {
        var excerpt = TraceExcerpt(program: program, trace: trace)
        excerpt.explain(kind)
        excerpt.appendDerived()
        return excerpt.lines
    }

    private mutating func explain(_ kind: RuleExpectation.Kind) {
        switch kind {
        case .domainScore(let domain, _):
            domainRules(domain)
        case .domainTier(let domain, _):
            domainTier(domain)
            domainRules(domain)
        case .totalScore:
            total()
            let fired = trace.fired.map { "\($0.id) \(Self.signed($0.points))" }
            lines.append("rules fired: \(fired.isEmpty ? "none" : fired.joined(separator: ", "))")
        case .tier:
            overallTier()
            total()
        case .model:
            models()
            overallTier()
        case .flags(let expected):
            let actual = program.flags.indices.filter { trace.flags.contains(program.flags[$0].name) }
            for flag in Array(Set(expected + actual)).sorted() {
                lines.append("flag \(program.flags[flag].name) is set by:")
                for rule in program.flags[flag].rules { condition(.rule(rule)) }
            }
        case .missing:
            lines.append("missing inputs: \(trace.missing.isEmpty ? "none" : trace.missing.joined(separator: ", "))")
        case .reviewBy:
            let model = trace.modelCandidates.first { $0.chosen }
            if let review = program.review {
                let from = program.inputs[review.from].name
                let value = trace.inputs.first { $0.name == from }?.value.description ?? "unknown"
                lines.append("review_by = \(from) (\(value == "unknown" ? "missing" : value)) + \(model?.reviewDays ?? 0) days of model \(trace.model)")
            } else {
                lines.append("the rule file has no review_by: the date is always empty")
            }
        case .outcome(let reference, _):
            condition(reference)
        case .derived(let index, _):
            derivedUsed.append(index)
        }
    }

    // MARK: - Scores and tiers

    private mutating func domainRules(_ index: Int) {
        let domain = program.domains[index]
        lines.append("\(domain.name)_score \(trace.domains[index].score) from the rules of \(domain.name):")
        for rule in domain.rules { condition(.rule(rule)) }
    }

    private mutating func domainTier(_ index: Int) {
        let domain = trace.domains[index]
        let band = domain.scale.band
        lines.append(
            "\(domain.name)_tier \(domain.tier): score \(domain.score) is in band \(band.tier) (\(band.range))\(domain.floors.isEmpty ? "" : "; floors:")")
        for floor in domain.floors.indices { condition(.floor(domain: index, index: floor)) }
    }

    private mutating func total() {
        let parts = trace.domains.map { "\($0.name) \($0.score)" }
        lines.append("total_score \(trace.totalScore) = \(parts.joined(separator: " + "))")
    }

    private mutating func overallTier() {
        let band = trace.overall.band
        lines.append(
            "tier \(trace.tier): total_score \(trace.totalScore) is in band \(band.tier) (\(band.range))\(trace.escalations.isEmpty ? "" : "; escalations:")")
        for escalation in trace.escalations.indices { condition(.escalation(escalation)) }
    }

    private mutating func models() {
        lines.append("model \(trace.model): the first model whose condition holds")
        for (index, candidate) in trace.modelCandidates.enumerated() {
            condition(.model(index))
            if candidate.chosen { break }
        }
    }

    // MARK: - Conditions

    /// `fired     domain.rule +4: when x >= 10   [x 12 ≥ 10 ✓]`
    private mutating func condition(_ reference: ConditionReference) {
        let traced: Trace.Condition?
        var head = reference.id(in: program)
        switch reference {
        case .rule(let index):
            traced = trace.rules[index].condition
            head += " \(Self.signed(trace.rules[index].points))"
        case .floor(let domain, let index):
            traced = trace.domains[domain].floors[index].condition
        case .escalation(let index):
            traced = trace.escalations[index].condition
        case .model(let index):
            traced = trace.modelCandidates[index].condition
        }
        let outcome = traced?.outcome ?? .fired
        head = "  \(Self.pad(outcome.rawValue, 9)) \(head)"
        guard let traced, let expr = reference.condition(in: program) else {
            lines.append("\(head): always holds")
            return
        }
        noteDerived(in: expr)
        var tail = ""
        switch reference {
        case .floor(let domain, let index): tail = ", at least \(trace.domains[domain].floors[index].atLeast)"
        case .escalation(let index): tail = ", at least \(trace.escalations[index].atLeast)"
        default: break
        }
        var values = traced.checks.map(\.sentence)
        if !traced.missing.isEmpty { values.append("missing: \(traced.missing.joined(separator: ", "))") }
        let shown = values.isEmpty ? "" : "   [\(values.joined(separator: "; "))]"
        lines.append("\(head): when \(Self.oneLine(traced.text))\(tail)\(shown)")
    }

    /// Remembers the derived values an expression names.
    private mutating func noteDerived(in expr: TypedExpr) {
        if case .derived(let index) = expr.kind {
            if !derivedUsed.contains(index) { derivedUsed.append(index) }
            return
        }
        for child in expr.children { noteDerived(in: child) }
    }

    /// How each derived value used was computed, from the trace.
    private mutating func appendDerived() {
        for index in derivedUsed {
            guard let derived = trace.derived(program.derived[index].name) else { continue }
            lines.append("where \(derived.name) = \(derived.value): \(Self.oneLine(derived.steps))")
        }
    }

    // MARK: - Text

    /// Text written over several lines (a folded YAML scalar), on one.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func signed(_ points: Int) -> String {
        points < 0 ? "\(points)" : "+\(points)"
    }
}
