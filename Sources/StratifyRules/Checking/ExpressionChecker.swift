import StratifyCore

/// Resolves names and checks types in one expression, building the typed
/// tree with a register for every node.
struct ExpressionChecker {
    let context: DecodingContext
    let scope: Scope
    let registers: RegisterAllocator
    let phase: Phase
    let source: SourceExpression
    /// Derived values referenced, for the dependency graph.
    var onDerivedReference: ((Int) -> Void)? = nil
    /// Shared by the spans of every node of this expression.
    private let origin: ExpressionOrigin

    init(context: DecodingContext, scope: Scope, registers: RegisterAllocator, phase: Phase, source: SourceExpression) {
        self.context = context
        self.scope = scope
        self.registers = registers
        self.phase = phase
        self.source = source
        self.origin = ExpressionOrigin(node: source.node)
    }

    /// Checks a condition, which must be boolean.
    func condition() -> TypedExpr? {
        guard let typed = check(source.expr, hint: nil) else { return nil }
        guard typed.type == .boolean else {
            error(
                "a condition must be true or false, but this is \(article(typed.type))", at: source.expr.range,
                notes: ["compare it with something, e.g. '\(typed.text) >= 1'"])
            return nil
        }
        return typed
    }

    /// Checks a value expression; `hint` is the type expected, which lets
    /// bare enum values and date strings be read as such.
    func value(hint: ValueType?) -> TypedExpr? {
        check(source.expr, hint: hint)
    }

    // MARK: - Nodes

    func check(_ expr: Expr, hint: ValueType?) -> TypedExpr? {
        switch expr.kind {
        case .number(let value, let isInteger):
            if case .enumeration(let type)? = hint {
                error("\(text(expr)) is a number, but \(type.name) takes one of: \(type.values.joined(separator: ", "))", at: expr.range)
                return nil
            }
            return constant(value, type: isInteger ? .integer : .number, expr)
        case .boolean(let value):
            return constant(value ? 1 : 0, type: .boolean, expr)
        case .string(let text):
            return literal(text, hint: hint, expr, quoted: true)
        case .name(let name):
            // A known name that cannot be used here was reported by `resolve`.
            if isKnownName(name) { return resolve(name, expr) }
            if let hint, let literal = literal(name, hint: hint, expr, quoted: false, quiet: true) { return literal }
            unknownName(name, expr, hint: hint)
            return nil
        case .negate(let operand):
            guard let typed = check(operand, hint: nil) else { return nil }
            guard typed.type.isNumeric else {
                error("'-' needs a number, but \(typed.text) is \(article(typed.type))", at: expr.range)
                return nil
            }
            return node(.negate(typed), type: typed.type, expr)
        case .not(let operand):
            guard let typed = check(operand, hint: nil) else { return nil }
            guard typed.type == .boolean else {
                error("'not' needs true or false, but \(typed.text) is \(article(typed.type))", at: operand.range)
                return nil
            }
            return node(.not(typed), type: .boolean, expr)
        case .arithmetic(let op, let left, let right):
            return arithmetic(op, left, right, expr)
        case .logical(let op, let operands):
            var typed: [TypedExpr] = []
            for operand in operands {
                guard let checked = check(operand, hint: nil) else { return nil }
                guard checked.type == .boolean else {
                    error(
                        "'\(op.rawValue)' needs true or false on both sides, but \(checked.text) is \(article(checked.type))", at: operand.range,
                        notes: ["compare it with something, e.g. '\(checked.text) >= 1'"])
                    return nil
                }
                typed.append(checked)
            }
            return node(.logical(op, typed), type: .boolean, expr)
        case .comparison(let first, let links):
            return comparison(first, links, expr)
        case .membership(let value, let list, let negated):
            return membership(value, list, negated: negated, expr)
        case .call(let name, let arguments):
            return call(name, arguments, expr)
        }
    }

    private func arithmetic(_ op: ArithmeticOperator, _ left: Expr, _ right: Expr, _ expr: Expr) -> TypedExpr? {
        // A quoted operand of arithmetic can only be a date: `seen_on - '2026-01-01'`.
        guard let l = check(left, hint: .date) else { return nil }
        guard let r = check(right, hint: .date) else { return nil }
        let type: ValueType
        switch (l.type, r.type) {
        case (.integer, .integer) where op != .divide:
            type = .integer
        case (let a, let b) where a.isNumeric && b.isNumeric:
            type = .number
        case (.date, .integer) where op == .add || op == .subtract:
            type = .date
        case (.integer, .date) where op == .add:
            type = .date
        case (.date, .date) where op == .subtract:
            type = .integer
        default:
            error("cannot use '\(op.rawValue)' on \(article(l.type)) and \(article(r.type))", at: expr.range)
            return nil
        }
        if op == .divide, case .constant(0) = r.kind {
            error("division by zero", at: right.range)
            return nil
        }
        return node(.arithmetic(op, l, r), type: type, expr)
    }

    private func comparison(_ first: Expr, _ links: [ComparisonLink], _ expr: Expr) -> TypedExpr? {
        // Operands that are bare enum values or strings take their type from
        // a neighbour, so check the others first.
        let operands = [first] + links.map(\.right)
        var typed = [TypedExpr?](repeating: nil, count: operands.count)
        for (index, operand) in operands.enumerated() where !isContextual(operand) {
            guard let checked = check(operand, hint: nil) else { return nil }
            typed[index] = checked
        }
        for (index, operand) in operands.enumerated() where typed[index] == nil {
            let neighbour = (index > 0 ? typed[index - 1] : nil) ?? (index + 1 < typed.count ? typed[index + 1] : nil)
            guard let checked = check(operand, hint: neighbour?.type) else { return nil }
            typed[index] = checked
        }
        var comparisons: [TypedExpr] = []
        for (index, link) in links.enumerated() {
            let left = typed[index]!
            let right = typed[index + 1]!
            guard compatible(left, right, op: link.op, at: link.operatorRange) else { return nil }
            let range = operands[index].range.lowerBound..<link.right.range.upperBound
            comparisons.append(node(.compare(link.op, left, right), type: .boolean, range: range))
        }
        if comparisons.count == 1 { return comparisons[0] }
        return node(.logical(.and, comparisons), type: .boolean, expr)
    }

    private func membership(_ value: Expr, _ list: [Expr], negated: Bool, _ expr: Expr) -> TypedExpr? {
        guard let checkedValue = check(value, hint: nil) else { return nil }
        var items: [TypedExpr] = []
        for item in list {
            guard let checked = check(item, hint: checkedValue.type) else { return nil }
            guard compatible(checkedValue, checked, op: .equal, at: item.range) else { return nil }
            items.append(checked)
        }
        return node(.member(checkedValue, items, negated: negated), type: .boolean, expr)
    }

    private func call(_ name: String, _ arguments: [Expr], _ expr: Expr) -> TypedExpr? {
        guard let function = TypedExpr.Function(rawValue: name) else {
            let names = TypedExpr.Function.allCases.map(\.rawValue)
            error(
                "unknown function '\(name)'", at: expr.range.lowerBound..<(expr.range.lowerBound + name.utf8.count),
                notes: [Suggestions.note(for: name, in: names), "functions: \(names.map { "\($0)(..)" }.joined(separator: ", "))"].compactMap { $0 })
            return nil
        }
        if function.testsPresence {
            return presence(function, arguments, expr)
        }
        guard !arguments.isEmpty else {
            error("\(name)() needs at least one argument", at: expr.range)
            return nil
        }
        var typed: [TypedExpr] = []
        for argument in arguments {
            guard let checked = check(argument, hint: nil) else { return nil }
            typed.append(checked)
        }
        switch function {
        case .count:
            for (argument, checked) in zip(arguments, typed) where checked.type != .boolean {
                error("count(..) counts conditions that hold, but \(checked.text) is \(article(checked.type))", at: argument.range)
                return nil
            }
            return node(.call(function, typed), type: .integer, expr)
        case .min, .max:
            for (argument, checked) in zip(arguments, typed) where !checked.type.isNumeric {
                error("\(name)(..) takes numbers, but \(checked.text) is \(article(checked.type))", at: argument.range)
                return nil
            }
            let type: ValueType = typed.allSatisfy { $0.type == .integer } ? .integer : .number
            return node(.call(function, typed), type: type, expr)
        case .known, .missing:
            preconditionFailure("presence tests are checked by presence(_:_:_:)")
        }
    }

    /// `known(x)` and `missing(x)`: x is the name of an input (text ones
    /// too: only whether it is there counts) or of a derived value, the
    /// values that can be missing. Flags, scores and tiers are never
    /// missing, and an expression would hide which value is tested.
    private func presence(_ function: TypedExpr.Function, _ arguments: [Expr], _ expr: Expr) -> TypedExpr? {
        let name = function.rawValue
        let expected = "the name of an input or a derived value"
        guard arguments.count == 1 else {
            if arguments.isEmpty {
                error("\(name)() needs \(expected)", at: expr.range, notes: ["e.g. '\(name)(phq9_total)'"])
            } else {
                error(
                    "\(name)(..) takes one name, not \(arguments.count)", at: arguments[1].range.lowerBound..<arguments.last!.range.upperBound,
                    notes: ["to test several values, combine the tests: '\(name)(a) and \(name)(b)'"])
            }
            return nil
        }
        let argument = arguments[0]
        guard case .name(let argumentName) = argument.kind else {
            error("\(name)(..) takes \(expected), but \(text(argument)) is not a name", at: argument.range)
            return nil
        }
        let typed: TypedExpr
        if let index = scope.inputs[argumentName] {
            typed = node(.input(index), type: scope.inputFields[index].type, register: index, argument)
        } else if scope.derivedIndex[argumentName] != nil {
            guard let derived = resolve(argumentName, argument) else { return nil }
            typed = derived
        } else if isKnownName(argumentName) {
            let kind = scope.declaredFlags.contains(argumentName) ? "a flag" : "a score or tier"
            error("\(name)(..) takes \(expected), but '\(argumentName)' is \(kind), which is never missing", at: argument.range)
            return nil
        } else {
            unknownName(argumentName, argument, hint: nil)
            return nil
        }
        return node(.call(function, [typed]), type: .boolean, expr)
    }

    // MARK: - Names and literals

    private func isContextual(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .string: true
        case .name(let name): !isKnownName(name)
        default: false
        }
    }

    private func isKnownName(_ name: String) -> Bool {
        scope.inputs[name] != nil || scope.derivedIndex[name] != nil || scope.declaredFlags.contains(name)
            || name == Scope.totalScoreName || name == Scope.tierName || domainReference(name) != nil
    }

    private func domainReference(_ name: String) -> (domain: String, part: String)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let domain = String(name[..<dot])
        let part = String(name[name.index(after: dot)...])
        guard scope.declaredDomains.contains(domain), part == "score" || part == "tier" else { return nil }
        return (domain, part)
    }

    private func resolve(_ name: String, _ expr: Expr) -> TypedExpr? {
        if let index = scope.inputs[name] {
            let field = scope.inputFields[index]
            if field.type == .string {
                error("'\(name)' is text: conditions can use numbers, booleans, enums and dates, not text", at: expr.range)
                return nil
            }
            return node(.input(index), type: field.type, register: index, expr)
        }
        if let index = scope.derivedIndex[name] {
            onDerivedReference?(index)
            guard let derived = scope.derivedExprs[index] else {
                // Its own error was reported already, or it is part of a cycle.
                return nil
            }
            return node(.derived(index), type: derived.type, register: derived.register, expr)
        }
        if scope.declaredFlags.contains(name) {
            guard phase >= .floor else {
                error(
                    "'\(name)' is a flag, which rules set, so \(phase.place) cannot use it", at: expr.range,
                    notes: ["flags can be used in floors, escalations and models"])
                return nil
            }
            // Not registered when the rules that set it have errors of their own.
            guard let flag = scope.flags[name] else { return nil }
            return node(.flag(flag.index), type: .boolean, register: flag.register, expr)
        }
        if name == Scope.totalScoreName || name == Scope.tierName || domainReference(name) != nil {
            guard phase >= .escalation else {
                error(
                    "'\(name)' is not known yet in \(phase.place): scores and tiers exist only after the rules run", at: expr.range,
                    notes: ["escalations and models can use scores and tiers"])
                return nil
            }
            if name == Scope.totalScoreName {
                return node(.totalScore, type: .integer, register: scope.totalRegister, expr)
            }
            if name == Scope.tierName {
                let register = phase == .escalation ? scope.bandTierRegister : scope.finalTierRegister
                return node(.tier, type: .enumeration(scope.tierType), register: register, expr)
            }
            let (domainName, part) = domainReference(name)!
            let domain = scope.domains[domainName]!
            if part == "score" {
                return node(.domainScore(domain.index), type: .integer, register: domain.scoreRegister, expr)
            }
            return node(.domainTier(domain.index), type: .enumeration(scope.tierType), register: domain.tierRegister, expr)
        }
        return nil
    }

    private func unknownName(_ name: String, _ expr: Expr, hint: ValueType?) {
        var candidates = scope.visibleNames(in: phase)
        if case .enumeration(let type)? = hint { candidates += type.values }
        var notes: [String] = []
        if let note = Suggestions.note(for: name, in: candidates) { notes.append(note) }
        if case .enumeration(let type)? = hint {
            notes.append("\(type.name) takes: \(type.values.joined(separator: ", "))")
            error("'\(name)' is not a value of \(type.name), nor a known name", at: expr.range, notes: notes)
        } else if phase < .escalation, domainReferenceAllPhases(name) {
            error("'\(name)' is not known yet in \(phase.place): scores and tiers exist only after the rules run", at: expr.range)
        } else {
            error("unknown name '\(name)'", at: expr.range, notes: notes)
        }
    }

    private func domainReferenceAllPhases(_ name: String) -> Bool {
        domainReference(name) != nil || name == Scope.totalScoreName || name == Scope.tierName
    }

    /// A string or bare name read as a value of the hinted type.
    private func literal(_ text: String, hint: ValueType?, _ expr: Expr, quoted: Bool, quiet: Bool = false) -> TypedExpr? {
        switch hint {
        case .enumeration(let type)?:
            if let index = type.index(of: text) {
                return constant(Double(index), type: .enumeration(type), expr)
            }
            if quiet { return nil }
            var notes = [String]()
            if let note = Suggestions.note(for: text, in: type.values) { notes.append(note) }
            notes.append("\(type.name) takes: \(type.values.joined(separator: ", "))")
            error("'\(text)' is not a value of \(type.name)", at: expr.range, notes: notes)
            return nil
        case .date?:
            guard quoted else { return nil }
            guard let days = ISODate.parse(text) else {
                error("'\(text)' is not a date: write dates as 'YYYY-MM-DD'", at: expr.range)
                return nil
            }
            return constant(Double(days), type: .date, expr)
        default:
            if quiet { return nil }
            if let hint {
                error("cannot compare \(article(hint)) with the text '\(text)'", at: expr.range)
            } else {
                error("the text '\(text)' must be compared with an enum or a date", at: expr.range)
            }
            return nil
        }
    }

    private func compatible(_ left: TypedExpr, _ right: TypedExpr, op: ComparisonOperator, at range: Range<Int>) -> Bool {
        switch (left.type, right.type) {
        case (let a, let b) where a.isNumeric && b.isNumeric:
            return true
        case (.date, .date):
            return true
        case (.boolean, .boolean):
            if op.isOrdering {
                error("'\(op.rawValue)' does not apply to true/false values; use '==' or '!='", at: range)
                return false
            }
            return true
        case (.enumeration(let a), .enumeration(let b)):
            if a != b {
                error("cannot compare \(left.text) (\(a.name)) with \(right.text) (\(b.name))", at: range)
                return false
            }
            return true
        default:
            error("cannot compare \(left.text) (\(left.type.keyword)) with \(right.text) (\(right.type.keyword))", at: range)
            return false
        }
    }

    // MARK: - Building nodes

    private func constant(_ value: Double, type: ValueType, _ expr: Expr) -> TypedExpr {
        TypedExpr(.constant(value), type: type, register: registers.constant(value), text: text(expr), span: span(expr.range))
    }

    private func node(_ kind: TypedExpr.Kind, type: ValueType, register: Int, _ expr: Expr) -> TypedExpr {
        TypedExpr(kind, type: type, register: register, text: text(expr), span: span(expr.range))
    }

    private func node(_ kind: TypedExpr.Kind, type: ValueType, _ expr: Expr) -> TypedExpr {
        node(kind, type: type, range: expr.range)
    }

    private func node(_ kind: TypedExpr.Kind, type: ValueType, range: Range<Int>) -> TypedExpr {
        TypedExpr(kind, type: type, register: registers.allocate(), text: source.text(of: range), span: span(range))
    }

    private func span(_ range: Range<Int>) -> SourceSpan {
        SourceSpan(range: range, origin: origin)
    }

    private func text(_ expr: Expr) -> String {
        source.text(of: expr.range)
    }

    private func error(_ message: String, at range: Range<Int>, notes: [String] = []) {
        context.error(message, in: source, at: range, notes: notes)
    }

    private func article(_ type: ValueType) -> String {
        switch type {
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true/false"
        case .date: "a date"
        case .string: "text"
        case .enumeration(let type): "a value of \(type.name)"
        }
    }
}
