import StratifyCore
import StratifyEngine
import StratifyIO
import StratifyRules
import StratifyYAML

/// Decodes a case's `expect:` mapping: output fields by their output
/// column names, rule outcomes, flags and derived values.
struct ExpectationDecoder {
    let context: NodeReader
    let program: Program

    /// Keys for outcomes, with the outcome each expects.
    static let outcomeKeys: [(key: String, outcome: Outcome)] = [("fired", .fired), ("not_fired", .notFired), ("unknown", .unknown)]

    /// Every key `expect:` takes, in the order of the output record.
    var allowedKeys: [String] {
        program.domains.flatMap { ["\($0.name)_score", "\($0.name)_tier"] }
            + ["total_score", "tier", "model", "flags", "missing", "review_by"]
            + Self.outcomeKeys.map(\.key) + ["derived"]
    }

    func decode(_ node: YAMLNode) -> [RuleExpectation] {
        if node.isNull { return [] }
        guard let pairs = node.mapping else {
            context.error("'expect' must be a mapping of what to check, found \(node.kindDescription)", at: node)
            return []
        }
        let allowed = allowedKeys
        var expectations: [RuleExpectation] = []
        var outcomes: [ConditionReference: (Outcome, YAMLNode)] = [:]
        for (key, value) in pairs {
            let name = key.scalar ?? ""
            guard allowed.contains(name) else {
                var extra: [String] = []
                if name == program.inputs[program.identifier].name {
                    extra.append("the identifier is copied from the patient: there is nothing to check")
                }
                context.unknown(key, name: name, in: "'expect'", candidates: allowed, extra: extra)
                continue
            }
            func add(_ kind: RuleExpectation.Kind) {
                expectations.append(RuleExpectation(kind: kind, location: key.location, length: NodeReader.length(of: key)))
            }
            if let outcome = Self.outcomeKeys.first(where: { $0.key == name })?.outcome {
                for item in context.list(value, what: "'\(name)'") ?? [] {
                    guard let reference = condition(item, key: name) else { continue }
                    if let (earlier, _) = outcomes[reference] {
                        context.error("'\(reference.id(in: program))' is already expected to be \(earlier.rawValue)", at: item)
                        continue
                    }
                    outcomes[reference] = (outcome, item)
                    expectations.append(RuleExpectation(kind: .outcome(reference, outcome), location: item.location, length: NodeReader.length(of: item)))
                }
                continue
            }
            switch name {
            case "total_score":
                if let score = context.integer(value, what: "total_score")?.value { add(.totalScore(score)) }
            case "tier":
                if let tier = context.choice(value, what: "tier", in: program.tiers.values) { add(.tier(tier)) }
            case "model":
                if let model = context.choice(value, what: "model", in: program.models.map(\.id)) { add(.model(model)) }
            case "flags":
                let names = program.flags.map(\.name)
                let flags = (context.list(value, what: "'flags'") ?? []).compactMap { context.choice($0, what: "flag", in: names) }
                add(.flags(Array(Set(flags)).sorted()))
            case "missing":
                let inputs = (context.list(value, what: "'missing'") ?? []).compactMap { missingInput($0) }
                add(.missing(Array(Set(inputs)).sorted()))
            case "review_by":
                if let date = reviewDate(value) { add(.reviewBy(date)) }
            case "derived":
                for item in derived(value) {
                    expectations.append(item)
                }
            default:
                let domain = program.domains.firstIndex { name == "\($0.name)_score" || name == "\($0.name)_tier" }!
                if name.hasSuffix("_score") {
                    if let score = context.integer(value, what: name)?.value { add(.domainScore(domain, score)) }
                } else if let tier = context.choice(value, what: "tier", in: program.tiers.values) {
                    add(.domainTier(domain, tier))
                }
            }
        }
        return expectations
    }

    // MARK: - Pieces

    private func condition(_ node: YAMLNode, key: String) -> ConditionReference? {
        guard let id = context.string(node, what: "a rule id")?.value else { return nil }
        let all = ConditionReference.all(in: program)
        if let reference = all[id] { return reference }
        var notes: [String] = []
        if let note = Suggestions.note(for: id, in: all.keys.sorted()) { notes.append(note) }
        notes.append("'\(key)' lists ids of rules, floors, escalations or models of \(program.source.path)")
        context.error("unknown rule id '\(id)'", at: node, notes: notes)
        return nil
    }

    private func missingInput(_ node: YAMLNode) -> Int? {
        let names = program.missingOrder.map { program.inputs[$0].name }
        guard let index = context.choice(node, what: "input field", in: names) else { return nil }
        return program.missingOrder[index]
    }

    /// A date, `.some(nil)` for none (null or empty), nil after an error.
    private func reviewDate(_ node: YAMLNode) -> Int?? {
        if node.isNull || node.scalar == "" { return .some(nil) }
        guard let text = context.string(node, what: "review_by")?.value else { return nil }
        guard let days = ISODate.parse(text) else {
            context.error("review_by must be a date written YYYY-MM-DD, or null for none; found '\(text)'", at: node)
            return nil
        }
        return .some(days)
    }

    /// `derived: {name: value, ...}`; `unknown` (or null) expects unknown.
    private func derived(_ node: YAMLNode) -> [RuleExpectation] {
        guard let pairs = node.mapping else {
            context.error("'derived' must be a mapping of derived values to what they must be, found \(node.kindDescription)", at: node)
            return []
        }
        let names = program.derived.map(\.name)
        var expectations: [RuleExpectation] = []
        for (key, value) in pairs {
            let name = key.scalar ?? ""
            guard let index = names.firstIndex(of: name) else {
                var extra: [String] = []
                if program.inputs.contains(where: { $0.name == name }) {
                    extra.append("'\(name)' is an input: give it under 'patient'")
                }
                context.unknown(key, name: name, in: "'derived'", candidates: names, kind: "derived value", extra: extra)
                continue
            }
            guard let expected = DerivedValueText.parse(value, type: program.derived[index].type, name: name, context: context) else { continue }
            expectations.append(RuleExpectation(kind: .derived(index, expected), location: key.location, length: NodeReader.length(of: key)))
        }
        return expectations
    }
}

/// Reads an expected derived value written as intake text for its type.
enum DerivedValueText {
    static func parse(_ node: YAMLNode, type: ValueType, name: String, context: NodeReader) -> Double? {
        if node.isNull { return .nan }
        guard let text = context.string(node, what: "the value of '\(name)'")?.value else { return nil }
        if case .enumeration(let enumType) = type, let index = enumType.values.firstIndex(of: text.lowercased()) {
            return Double(index)
        }
        if text == "unknown" { return .nan }
        let bytes = Array(text.utf8)
        let value: Double? =
            bytes.isEmpty
            ? nil
            : bytes.withUnsafeBytes { raw in
                switch type {
                case .integer, .number: ValueParsing.number(raw)
                case .boolean: ValueParsing.boolean(raw).map { $0 ? 1 : 0 }
                case .date: ISODate.parse(raw).map(Double.init)
                case .enumeration, .string: nil
                }
            }
        if let value { return value }
        var notes = ["write 'unknown' to expect that it cannot be computed"]
        if case .enumeration(let enumType) = type {
            if let note = Suggestions.note(for: text, in: enumType.values) { notes.insert(note, at: 0) }
            notes.insert("'\(name)' is one of: \(enumType.values.joined(separator: ", "))", at: 0)
        }
        context.error(
            "'\(text)' is not a value of '\(name)', which is \(type.keyword == "enum" ? "one of its values" : "a \(type.keyword)")", at: node, notes: notes)
        return nil
    }
}
