import StratifyCore

/// Checks a decoded `RuleSet` (names, types, ids, bands, tables, cycles)
/// into a checked `Program`: typed expressions, each value named by a
/// register. Every problem found is reported; a program is returned only
/// when there is no error. Its instructions are laid out afterwards by
/// `CodePlanner`.
struct RuleChecker {
    let context: DecodingContext
    let ruleSet: RuleSet
    private let registers: RegisterAllocator
    private var scope = Scope()
    private var intervals: IntervalAnalysis
    private var usedIds: [String: SourceLocation] = [:]

    init(context: DecodingContext, ruleSet: RuleSet) {
        self.context = context
        self.ruleSet = ruleSet
        self.registers = RegisterAllocator(inputCount: ruleSet.inputs.count)
        self.intervals = IntervalAnalysis(inputs: ruleSet.inputs, derived: Array(repeating: nil, count: ruleSet.derived.count))
    }

    mutating func check() -> Program? {
        let identifier = checkInputs()
        let tiers = checkTierLevels()
        scope.tierType = tiers
        scope.declaredFlags = Set(ruleSet.domains.flatMap { $0.rules.compactMap(\.flag?.value) })
        scope.declaredDomains = Set(ruleSet.domains.map(\.name.value))
        intervals.tierCount = max(1, tiers.values.count)
        let derived = checkDerived()
        let (rules, flags) = checkRules()
        let domains = checkDomains(rules: rules)
        let overallBands = checkOverall(rules: rules)
        let escalations = checkEscalations()
        let models = checkModels()
        let modelRegister = registers.allocate()
        let review = checkReview()

        guard !context.hasErrors, let identifier else { return nil }
        let missingOrder = ruleSet.inputs.indices
            .filter { $0 != identifier }
            .sorted { ruleSet.inputs[$0].name.utf8.lexicographicallyPrecedes(ruleSet.inputs[$1].name.utf8) }
        return Program(
            source: ruleSet.source, name: ruleSet.name, inputs: ruleSet.inputs, identifier: identifier,
            missingOrder: missingOrder, tiers: tiers, derived: derived, domains: domains, rules: rules,
            flags: flags,
            overall: Program.Overall(
                bands: overallBands, escalations: escalations, totalRegister: scope.totalRegister,
                bandTierRegister: scope.bandTierRegister, tierRegister: scope.finalTierRegister),
            models: models, modelRegister: modelRegister, review: review,
            code: Code(registerCount: registers.registerCount, constants: registers.constants))
    }

    // MARK: - Inputs

    private mutating func checkInputs() -> Int? {
        for (index, field) in ruleSet.inputs.enumerated() {
            if field.name.contains(".") {
                context.error("input names cannot contain '.': '\(field.name)'", at: field.location, length: field.name.count)
            }
            if field.name == Scope.totalScoreName || field.name == Scope.tierName {
                context.error("'\(field.name)' is a reserved name (the overall score or tier); rename the input", at: field.location, length: field.name.count)
            }
            scope.inputs[field.name] = index
        }
        scope.inputFields = ruleSet.inputs
        let identifier = ruleSet.identifier
        guard !identifier.value.isEmpty else { return nil }
        guard let index = scope.inputs[identifier.value] else {
            context.error(
                "the identifier '\(identifier.value)' is not one of the inputs", at: identifier.location, length: identifier.value.count,
                notes: [Suggestions.note(for: identifier.value, in: scope.inputs.keys)].compactMap { $0 })
            return nil
        }
        let field = ruleSet.inputs[index]
        if field.type != .string {
            context.error(
                "the identifier '\(identifier.value)' must be a string input, not \(field.type.keyword)", at: field.location, length: field.name.count)
        }
        if !field.required {
            context.error(
                "the identifier '\(identifier.value)' must be declared 'required: true': a record without it cannot be reported back", at: field.location,
                length: field.name.count)
        }
        return index
    }

    private func checkTierLevels() -> EnumType {
        if ruleSet.tierLevels.isEmpty {
            return EnumType(name: Scope.tierName, values: [])
        }
        return EnumType(name: Scope.tierName, values: ruleSet.tierLevels.map(\.value))
    }

    // MARK: - Derived values

    private mutating func checkDerived() -> [Program.DerivedValue] {
        for (index, definition) in ruleSet.derived.enumerated() {
            let name = definition.name
            if let input = scope.inputs[name.value] {
                context.error(
                    "derived value '\(name.value)' has the name of an input (line \(ruleSet.inputs[input].location.line))", at: name.location,
                    length: name.value.count)
            } else if scope.derivedIndex[name.value] != nil {
                context.error("derived value '\(name.value)' is defined twice", at: name.location, length: name.value.count)
            } else if name.value.contains(".") || name.value == Scope.totalScoreName || name.value == Scope.tierName {
                context.error("'\(name.value)' cannot name a derived value: it contains '.' or is reserved", at: name.location, length: name.value.count)
            } else {
                scope.derivedIndex[name.value] = index
            }
        }
        scope.derivedExprs = Array(repeating: nil, count: ruleSet.derived.count)
        guard let order = derivedOrder() else { return [] }
        var values: [Program.DerivedValue?] = Array(repeating: nil, count: ruleSet.derived.count)
        for index in order {
            let definition = ruleSet.derived[index]
            var declared: ValueType?
            if let enumValues = definition.values {
                declared = .enumeration(EnumType(name: definition.name.value, values: enumValues.map(\.value)))
            }
            guard
                let expr = checkBody(definition.body, declared: declared, what: "derived value '\(definition.name.value)'", location: definition.name.location)
            else { continue }
            if let declared, expr.type != declared {
                context.error(
                    "derived value '\(definition.name.value)' declares values, but computes \(expr.type.keyword)", at: definition.name.location,
                    length: definition.name.value.count)
                continue
            }
            scope.derivedExprs[index] = expr
            intervals.derived[index] = intervals.interval(of: expr)
            values[index] = Program.DerivedValue(name: definition.name.value, description: definition.description, expr: expr)
        }
        return order.compactMap { values[$0] }
    }

    /// Derived values in an order where each comes after those it uses;
    /// nil (after reporting) when they use each other in a cycle.
    private func derivedOrder() -> [Int]? {
        let count = ruleSet.derived.count
        var uses: [[Int]] = Array(repeating: [], count: count)
        for (index, definition) in ruleSet.derived.enumerated() {
            var names: Set<String> = []
            Self.collectNames(in: definition.body, into: &names)
            uses[index] = names.compactMap { scope.derivedIndex[$0] }.sorted()
        }
        // Kahn's algorithm, iterative so that long chains cannot exhaust the stack.
        var usedBy: [[Int]] = Array(repeating: [], count: count)
        var pending = [Int](repeating: 0, count: count)
        for (index, dependencies) in uses.enumerated() {
            pending[index] = dependencies.count
            for dependency in dependencies { usedBy[dependency].append(index) }
        }
        var ready = (0..<count).filter { pending[$0] == 0 }
        var order: [Int] = []
        var cursor = 0
        while cursor < ready.count {
            let index = ready[cursor]
            cursor += 1
            order.append(index)
            for user in usedBy[index] {
                pending[user] -= 1
                if pending[user] == 0 { ready.append(user) }
            }
        }
        if order.count == count { return order }
        // Report every cycle once: walk from each unresolved value along
        // unresolved uses until the walk meets itself or a walk before it.
        var walked = Set<Int>()
        for first in 0..<count where pending[first] > 0 && !walked.contains(first) {
            var path: [Int] = []
            var position: [Int: Int] = [:]
            var current = first
            while position[current] == nil, !walked.contains(current) {
                position[current] = path.count
                path.append(current)
                current = uses[current].first { pending[$0] > 0 }!
            }
            walked.formUnion(path)
            guard let start = position[current] else { continue }  // a cycle reported already
            let cycle = path[start...].map { ruleSet.derived[$0].name }
            let text = (cycle.map(\.value) + [cycle[0].value]).joined(separator: " → ")
            context.error("derived values use each other in a cycle: \(text)", at: cycle[0].location, length: cycle[0].value.count)
        }
        return nil
    }

    private static func collectNames(in body: DerivedBody, into names: inout Set<String>) {
        switch body {
        case .expression(let source):
            collectNames(in: source.expr, into: &names)
        case .table(let table):
            collectNames(in: table.key.expr, into: &names)
            for row in table.rows { collectNames(in: row.value.expr, into: &names) }
            if let value = table.defaultValue { collectNames(in: value.expr, into: &names) }
        case .cases(let cases, let otherwise, _):
            for item in cases {
                collectNames(in: item.when.expr, into: &names)
                collectNames(in: item.then.expr, into: &names)
            }
            if let otherwise { collectNames(in: otherwise.expr, into: &names) }
        case .sum(let parts):
            for part in parts { collectNames(in: part.body, into: &names) }
        }
    }

    private static func collectNames(in expr: Expr, into names: inout Set<String>) {
        if case .name(let name) = expr.kind { names.insert(name) }
        for child in expr.kind.children { collectNames(in: child, into: &names) }
    }

    private mutating func checkBody(_ body: DerivedBody, declared: ValueType?, what: String, location: SourceLocation) -> TypedExpr? {
        switch body {
        case .expression(let source):
            return checker(.derived, source).value(hint: declared)
        case .table(let table):
            return checkTable(table, declared: declared, what: what)
        case .cases(let cases, let otherwise, let location):
            return checkCases(cases, otherwise: otherwise, declared: declared, what: what, location: location)
        case .sum(let parts):
            var typed: [SumPart] = []
            for part in parts {
                guard let value = checkBody(part.body, declared: nil, what: "part '\(part.label.value)' of \(what)", location: part.label.location) else {
                    return nil
                }
                guard value.type.isNumeric else {
                    context.error(
                        "part '\(part.label.value)' of \(what) must be a number to be added up, but it is \(value.type.keyword)", at: part.label.location,
                        length: part.label.value.count)
                    return nil
                }
                typed.append(SumPart(label: part.label.value, value: value))
            }
            let type: ValueType = typed.allSatisfy { $0.value.type == .integer } ? .integer : .number
            let text = typed.map(\.label).joined(separator: " + ")
            return TypedExpr(.sum(typed), type: type, register: registers.allocate(), text: text)
        }
    }

    private mutating func checkCases(
        _ cases: [CaseDefinition], otherwise: SourceExpression?, declared: ValueType?, what: String, location: SourceLocation
    ) -> TypedExpr? {
        var arms: [CaseArm] = []
        var type = declared
        for item in cases {
            guard let condition = checker(.derived, item.when).condition(),
                let value = checker(.derived, item.then).value(hint: type)
            else { return nil }
            guard let unified = unify(type, value.type, at: item.then, what: what) else { return nil }
            type = unified
            arms.append(CaseArm(condition: condition, value: value))
        }
        var otherwiseValue: TypedExpr?
        if let otherwise {
            guard let value = checker(.derived, otherwise).value(hint: type),
                let unified = unify(type, value.type, at: otherwise, what: what)
            else { return nil }
            type = unified
            otherwiseValue = value
        }
        guard let type else { return nil }
        let text = what
        return TypedExpr(.cases(arms, otherwise: otherwiseValue), type: type, register: registers.allocate(), text: text)
    }

    /// The common type of two values of a table or case list.
    private func unify(_ current: ValueType?, _ next: ValueType, at source: SourceExpression, what: String) -> ValueType? {
        guard let current else { return next }
        if current == next { return current }
        if current.isNumeric && next.isNumeric { return .number }
        context.error("the values of \(what) must all be of one type: this one is \(next.keyword), earlier ones are \(current.keyword)", at: source.node)
        return nil
    }

    private mutating func checkTable(_ table: TableDefinition, declared: ValueType?, what: String) -> TypedExpr? {
        guard let key = checker(.derived, table.key).value(hint: nil) else { return nil }
        var rows: [LookupTable.Row] = []
        var type = declared
        var failed = false
        for row in table.rows {
            guard let bounds = tableKey(row.key, keyType: key.type, what: what) else {
                failed = true
                continue
            }
            guard let value = checker(.derived, row.value).value(hint: type),
                let unified = unify(type, value.type, at: row.value, what: what)
            else {
                failed = true
                continue
            }
            type = unified
            rows.append(LookupTable.Row(lower: bounds.lower, upper: bounds.upper, keyText: row.key.value, value: value))
        }
        var defaultValue: TypedExpr?
        if let source = table.defaultValue {
            guard let value = checker(.derived, source).value(hint: type),
                let unified = unify(type, value.type, at: source, what: what)
            else { return nil }
            type = unified
            defaultValue = value
        }
        guard !failed, let type else { return nil }
        checkCoverage(of: rows, key: key, hasDefault: defaultValue != nil, table: table, what: what)
        let lookup = LookupTable(rows: rows, defaultValue: defaultValue, rowRegister: registers.allocate())
        return TypedExpr(.table(key: key, table: lookup), type: type, register: registers.allocate(), text: key.text)
    }

    /// The key range of a row, by the key's type.
    private func tableKey(_ key: Located<String>, keyType: ValueType, what: String) -> Interval? {
        let text = key.value.trimmed
        switch keyType {
        case .integer:
            if let (lower, upper) = Self.parseRange(text) { return Interval(lower, upper) }
            context.error(
                "a row key of \(what) must be a whole number or a range 'MIN..MAX', 'MIN..' or '..MAX', found '\(text)'", at: key.location, length: text.count)
        case .boolean:
            if text == "true" { return Interval(1, 1) }
            if text == "false" { return Interval(0, 0) }
            context.error("a row key of \(what) must be true or false, found '\(text)'", at: key.location, length: text.count)
        case .enumeration(let type):
            if let index = type.index(of: text) { return Interval(Double(index), Double(index)) }
            context.error(
                "'\(text)' is not a value of \(type.name)", at: key.location, length: text.count,
                notes: [Suggestions.note(for: text, in: type.values), "\(type.name) takes: \(type.values.joined(separator: ", "))"].compactMap { $0 })
        default:
            context.error("a table's key must be an integer, true/false or an enum; the key of \(what) is \(keyType.keyword)", at: key.location)
        }
        return nil
    }

    static func parseRange(_ text: String) -> (Double, Double)? {
        if let single = NodeReader.parseInteger(text) { return (Double(single), Double(single)) }
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty else { return nil }
        let lowerText = String(parts[0]).trimmed
        let upperText = String(parts[2]).trimmed
        let lower = lowerText.isEmpty ? -Double.infinity : NodeReader.parseInteger(lowerText).map(Double.init)
        let upper = upperText.isEmpty ? Double.infinity : NodeReader.parseInteger(upperText).map(Double.init)
        guard let lower, let upper, lower <= upper, !(lowerText.isEmpty && upperText.isEmpty) else { return nil }
        return (lower, upper)
    }

    /// Rows may not overlap; without a default they must cover every value
    /// the key can take.
    private func checkCoverage(of rows: [LookupTable.Row], key: TypedExpr, hasDefault: Bool, table: TableDefinition, what: String) {
        let sorted = rows.enumerated().sorted { $0.element.lower < $1.element.lower }
        for pair in zip(sorted, sorted.dropFirst()) where pair.1.element.lower <= pair.0.element.upper {
            let row = table.rows[pair.1.offset]
            context.error("row '\(row.key.value)' of \(what) overlaps row '\(pair.0.element.keyText)'", at: row.key.location, length: row.key.value.count)
        }
        guard !hasDefault else { return }
        let range = intervals.interval(of: key)
        var gaps: [String] = []
        var next = range.lower
        for (_, row) in sorted {
            if row.lower > next, row.lower > range.lower {
                gaps.append(Interval(next, min(row.lower - 1, range.upper)).description)
            }
            next = max(next, row.upper + 1)
            if next > range.upper { break }
        }
        // A row open above leaves `next` at +∞, which is no gap even when the key is unbounded.
        if next <= range.upper, next < .infinity {
            gaps.append(Interval(next, range.upper).description)
        }
        if !gaps.isEmpty {
            context.error(
                "the rows of \(what) leave out \(key.text) = \(gaps.joined(separator: ", "))", at: table.location,
                notes: ["add rows for them, or a 'default'"])
        }
    }

    // MARK: - Rules, flags and domains

    private mutating func checkRules() -> ([Program.Rule], [Program.Flag]) {
        var checked: [(definition: RuleDefinition, domain: Int, condition: TypedExpr)] = []
        var setters: [String: [Int]] = [:]
        for (domainIndex, domain) in ruleSet.domains.enumerated() {
            for definition in domain.rules {
                claim(definition.id)
                guard let condition = checker(.rule, definition.when).condition() else { continue }
                if let flag = definition.flag {
                    if scope.inputs[flag.value] != nil || scope.derivedIndex[flag.value] != nil || flag.value.contains(".") {
                        context.error(
                            "flag '\(flag.value)' has the name of an input or a derived value, or contains '.'", at: flag.location, length: flag.value.count)
                    }
                    setters[flag.value, default: []].append(checked.count)
                }
                checked.append((definition, domainIndex, condition))
            }
        }
        // Flags are listed by name, the order of the `flags` output.
        let names = setters.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var flags: [Program.Flag] = []
        for (index, name) in names.enumerated() {
            let rules = setters[name]!
            let register: Int
            if rules.count == 1 {
                register = checked[rules[0]].condition.register
            } else {
                register = registers.allocate()
            }
            scope.flags[name] = (index, register)
            flags.append(Program.Flag(name: name, rules: rules, register: register))
        }
        let rules = checked.map { item in
            Program.Rule(
                id: item.definition.id.value, domain: item.domain, points: item.definition.points.value,
                flag: item.definition.flag.flatMap { scope.flags[$0.value]?.index }, because: item.definition.because,
                condition: item.condition, text: item.definition.when.text, location: item.definition.location)
        }
        return (rules, flags)
    }

    private mutating func checkDomains(rules: [Program.Rule]) -> [Program.Domain] {
        var domains: [Program.Domain] = []
        for (index, domain) in ruleSet.domains.enumerated() {
            let ruleIndexes = rules.indices.filter { rules[$0].domain == index }
            let points = ruleIndexes.map { rules[$0].points }
            let minimum = points.filter { $0 < 0 }.reduce(0, +)
            let maximum = points.filter { $0 > 0 }.reduce(0, +)
            intervals.domainScores.append(Interval(Double(minimum), Double(maximum)))
            let bands = checkBands(domain.bands, location: domain.bandsLocation, what: "domain '\(domain.name.value)'", minimum: minimum, maximum: maximum)
            let scoreRegister = registers.allocate()
            let bandTierRegister = registers.allocate()
            let tierRegister = registers.allocate()
            scope.domains[domain.name.value] = (index, scoreRegister, tierRegister)
            var floors: [Program.Floor] = []
            for floor in domain.floors {
                claim(floor.id)
                let condition = checker(.floor, floor.when).condition()
                guard let atLeast = tierIndex(floor.atLeast), let condition else { continue }
                floors.append(
                    Program.Floor(
                        id: floor.id.value, condition: condition, text: floor.when.text, atLeast: atLeast,
                        because: floor.because, location: floor.location))
            }
            domains.append(
                Program.Domain(
                    name: domain.name.value, description: domain.description, bands: bands, floors: floors, rules: ruleIndexes,
                    scoreRegister: scoreRegister, bandTierRegister: bandTierRegister, tierRegister: tierRegister))
        }
        if ruleSet.domains.isEmpty, !context.hasErrors {
            context.error("the rule file has no domains: give at least one, with rules", at: nil)
        }
        return domains
    }

    private func tierIndex(_ name: Located<String>) -> Int? {
        if let index = scope.tierType.index(of: name.value) { return index }
        context.error(
            "'\(name.value)' is not a tier", at: name.location, length: name.value.count,
            notes: [Suggestions.note(for: name.value, in: scope.tierType.values), "tiers: \(scope.tierType.values.joined(separator: ", "))"].compactMap { $0 })
        return nil
    }

    /// Bands must name tiers in ascending order and cover every possible
    /// score exactly once.
    private func checkBands(_ definitions: [BandDefinition], location: SourceLocation, what: String, minimum: Int, maximum: Int) -> TierBands {
        var bands: [TierBands.Band] = []
        var previous: (BandDefinition, Int)?
        for definition in definitions {
            // A band with an unknown tier (reported) still takes part in the
            // range checks, so that they do not report gaps it would fill.
            let tier = tierIndex(definition.tier)
            if let (before, beforeTier) = previous {
                if let tier, tier <= beforeTier {
                    context.error(
                        "tier '\(definition.tier.value)' comes after '\(before.tier.value)' here, but it is not higher on the tier scale",
                        at: definition.tier.location, length: definition.tier.value.count,
                        notes: ["tiers, lowest first: \(scope.tierType.values.joined(separator: ", "))"])
                }
                if let upper = before.upper {
                    if definition.lower > upper + 1 {
                        context.error(
                            "the tiers of \(what) leave a gap: scores \(upper + 1)..\(definition.lower - 1) are in no tier", at: definition.location,
                            notes: ["start '\(definition.tier.value)' at \(upper + 1)"])
                    } else if definition.lower <= upper {
                        context.error(
                            "the tiers of \(what) overlap: '\(before.tier.value)' ends at \(upper) but '\(definition.tier.value)' starts at \(definition.lower)",
                            at: definition.location,
                            notes: ["start '\(definition.tier.value)' at \(upper + 1)"])
                    }
                } else {
                    context.error("tier '\(before.tier.value)' of \(what) is open above ('\(before.lower)..'), so no tier can follow it", at: before.location)
                }
            } else if definition.lower > minimum {
                context.error(
                    "the tiers of \(what) start at \(definition.lower), but scores can be as low as \(minimum)", at: definition.location,
                    notes: ["start the lowest tier at \(minimum)"])
            }
            if let upper = definition.upper, upper < definition.lower {
                context.error("the range \(definition.lower)..\(upper) is empty", at: definition.location)
            }
            previous = (definition, tier ?? previous?.1 ?? -1)
            if let tier { bands.append(TierBands.Band(tier: tier, lower: definition.lower, upper: definition.upper)) }
        }
        if let (last, _) = previous, let upper = last.upper, upper < maximum {
            context.error(
                "the tiers of \(what) end at \(upper), but scores can reach \(maximum)", at: last.location,
                notes: ["leave the highest tier open: '\(last.lower)..'"])
        }
        if definitions.isEmpty {
            context.error("\(what) has no tiers", at: location)
        }
        return TierBands(bands: bands)
    }

    // MARK: - Overall, escalations, models

    private mutating func checkOverall(rules: [Program.Rule]) -> TierBands {
        let minimum = rules.map(\.points).filter { $0 < 0 }.reduce(0, +)
        let maximum = rules.map(\.points).filter { $0 > 0 }.reduce(0, +)
        intervals.total = Interval(Double(minimum), Double(maximum))
        let bands = checkBands(ruleSet.overall.bands, location: ruleSet.overall.bandsLocation, what: "overall", minimum: minimum, maximum: maximum)
        scope.totalRegister = registers.allocate()
        scope.bandTierRegister = registers.allocate()
        scope.finalTierRegister = registers.allocate()
        return bands
    }

    private mutating func checkEscalations() -> [Program.Escalation] {
        var escalations: [Program.Escalation] = []
        for definition in ruleSet.overall.escalations {
            claim(definition.id)
            let condition = checker(.escalation, definition.when).condition()
            guard let atLeast = tierIndex(definition.atLeast), let condition else { continue }
            escalations.append(
                Program.Escalation(
                    id: definition.id.value, condition: condition, text: definition.when.text, atLeast: atLeast,
                    because: definition.because, location: definition.location))
        }
        return escalations
    }

    private mutating func checkModels() -> [Program.Model] {
        var models: [Program.Model] = []
        for definition in ruleSet.models {
            claim(definition.id)
            var condition: TypedExpr?
            if let when = definition.when {
                guard let checked = checker(.model, when).condition() else { continue }
                condition = checked
            }
            models.append(
                Program.Model(
                    id: definition.id.value, condition: condition, text: definition.when?.text, contact: definition.contact,
                    contactDays: definition.contactDays?.value, caseload: definition.caseload?.value,
                    reviewDays: definition.reviewDays.value, because: definition.because, location: definition.location))
        }
        return models
    }

    private mutating func checkReview() -> Program.Review? {
        guard let review = ruleSet.reviewBy else { return nil }
        guard let index = scope.inputs[review.from.value] else {
            context.error(
                "review_by counts from '\(review.from.value)', which is not an input", at: review.from.location, length: review.from.value.count,
                notes: [Suggestions.note(for: review.from.value, in: scope.inputs.keys)].compactMap { $0 })
            return nil
        }
        guard ruleSet.inputs[index].type == .date else {
            context.error("review_by counts from '\(review.from.value)', which must be a date input", at: review.from.location, length: review.from.value.count)
            return nil
        }
        return Program.Review(from: index, register: registers.allocate())
    }

    // MARK: - Helpers

    private func checker(_ phase: Phase, _ source: SourceExpression) -> ExpressionChecker {
        ExpressionChecker(context: context, scope: scope, registers: registers, phase: phase, source: source)
    }

    /// Ids of rules, floors, escalations and models are one namespace, since
    /// explanations, tests and coverage name them.
    private mutating func claim(_ id: Located<String>) {
        if let first = usedIds[id.value] {
            context.error("the id '\(id.value)' is used twice; it was first used on line \(first.line)", at: id.location, length: id.value.count)
        } else {
            usedIds[id.value] = id.location
        }
    }
}
