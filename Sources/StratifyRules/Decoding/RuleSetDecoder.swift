import StratifyCore
import StratifyYAML

/// Reads a rule file's YAML tree into a `RuleSet`, reporting every key it
/// does not know and every value of the wrong shape, with its location.
///
/// The layout of a rule file is documented in Rules/README.md.
struct RuleSetDecoder {
    let context: DecodingContext

    static let topLevelKeys = [
        "version", "name", "description", "identifier", "inputs", "derived", "tiers", "domains", "overall", "models", "review_by",
    ]
    static let inputKeys = ["type", "min", "max", "values", "required", "description"]
    static let derivedKeys = ["description", "values", "expr", "table", "cases", "sum"]
    static let bodyKeys = ["expr", "table", "cases", "sum"]
    static let tableKeys = ["of", "rows", "default"]
    static let caseKeys = ["when", "then", "otherwise"]
    static let domainKeys = ["description", "tiers", "rules", "floors"]
    static let ruleKeys = ["id", "when", "points", "flag", "because"]
    static let floorKeys = ["id", "when", "at_least", "because"]
    static let overallKeys = ["tiers", "escalations"]
    static let modelKeys = ["id", "when", "contact", "contact_days", "caseload", "review_days", "because"]
    static let reviewKeys = ["from"]
    static let typeNames = ["integer", "number", "boolean", "enum", "date", "string"]

    func decode(_ root: YAMLNode) -> RuleSet? {
        guard let top = context.mapping(root, what: "a rule file", allowed: Self.topLevelKeys) else { return nil }
        for key in ["identifier", "inputs", "tiers", "domains", "overall", "models"] where top[key] == nil {
            context.error("the rule file needs '\(key)'", at: root.location, notes: ["a rule file has: \(Self.topLevelKeys.joined(separator: ", "))"])
        }
        if let version = top["version"], let value = context.integer(version, what: "version"), value.value != RuleSet.languageVersion {
            context.error(
                "this version of stratify reads rule files of version \(RuleSet.languageVersion), not \(value.value)", at: version)
        }
        let name = top["name"].flatMap { context.string($0, what: "name")?.value }
        let identifier = top["identifier"].flatMap { context.name($0, what: "identifier") } ?? Located("", at: root.location)
        let inputs = top["inputs"].map(decodeInputs) ?? []
        let derived = top["derived"].map(decodeDerivedValues) ?? []
        let tierLevels = top["tiers"].map(decodeTierLevels) ?? []
        let domains = top["domains"].map(decodeDomains) ?? []
        let overall = top["overall"].map(decodeOverall) ?? OverallDefinition(bands: [], bandsLocation: root.location, escalations: [])
        let models = top["models"].map(decodeModels) ?? []
        let reviewBy = top["review_by"].flatMap(decodeReview)
        return RuleSet(
            source: context.source, name: name, identifier: identifier, inputs: inputs, derived: derived,
            tierLevels: tierLevels, domains: domains, overall: overall, models: models, reviewBy: reviewBy)
    }

    // MARK: - Inputs

    private func decodeInputs(_ node: YAMLNode) -> [InputField] {
        var fields: [InputField] = []
        for (key, value) in context.namedEntries(node, what: "inputs") {
            guard let name = context.name(key, what: "an input name") else { continue }
            if let field = decodeInput(name, value) { fields.append(field) }
        }
        if fields.isEmpty, node.mapping?.isEmpty == true {
            context.error("'inputs' is empty: declare at least the identifier field", at: node)
        }
        return fields
    }

    private func decodeInput(_ name: Located<String>, _ node: YAMLNode) -> InputField? {
        let what = "input '\(name.value)'"
        guard let keys = context.mapping(node, what: what, allowed: Self.inputKeys) else { return nil }
        guard let typeNode = keys.required("type", what: what, in: context),
            let typeName = context.string(typeNode, what: "type")
        else { return nil }
        var type: ValueType
        switch typeName.value {
        case "integer": type = .integer
        case "number": type = .number
        case "boolean": type = .boolean
        case "date": type = .date
        case "string": type = .string
        case "enum":
            guard let valuesNode = keys.required("values", what: "enum input '\(name.value)'", in: context) else { return nil }
            let values = decodeEnumValues(valuesNode, what: "the values of '\(name.value)'")
            type = .enumeration(EnumType(name: name.value, values: values.map(\.value)))
        default:
            context.error(
                "unknown type '\(typeName.value)' for \(what)", at: typeNode,
                notes: [Suggestions.note(for: typeName.value, in: Self.typeNames), "types: \(Self.typeNames.joined(separator: ", "))"].compactMap { $0 })
            return nil
        }
        if case .enumeration = type {
        } else if let values = keys.values["values"] {
            context.error("'values' is for enum inputs; \(what) is \(type.keyword)", at: values.key)
        }
        var minimum: Double?
        var maximum: Double?
        for (key, isMinimum) in [("min", true), ("max", false)] {
            guard let boundNode = keys[key] else { continue }
            let bound: Double?
            switch type {
            case .integer:
                bound = context.integer(boundNode, what: "'\(key)' of \(what)").map { Double($0.value) }
            case .number:
                bound = context.number(boundNode, what: "'\(key)' of \(what)")?.value
            case .date:
                bound = context.date(boundNode, what: "'\(key)' of \(what)").map { Double($0.value) }
            default:
                context.error("'\(key)' is for integer, number and date inputs; \(what) is \(type.keyword)", at: keys.values[key]!.key)
                bound = nil
            }
            if isMinimum { minimum = bound } else { maximum = bound }
        }
        if let minimum, let maximum, minimum > maximum {
            context.error("'min' of \(what) is above its 'max'", at: keys["min"]!)
        }
        let required = keys["required"].flatMap { context.boolean($0, what: "'required' of \(what)")?.value } ?? false
        let description = keys["description"].flatMap { context.string($0, what: "description")?.value }
        return InputField(
            name: name.value, type: type, minimum: minimum, maximum: maximum, required: required,
            description: description, location: name.location)
    }

    private func decodeEnumValues(_ node: YAMLNode, what: String) -> [Located<String>] {
        var values: [Located<String>] = []
        for item in context.sequence(node, what: what) {
            guard let value = context.name(item, what: "an enum value") else { continue }
            if values.contains(where: { $0.value == value.value }) {
                context.error("'\(value.value)' is listed twice in \(what)", at: item)
                continue
            }
            if value.value != value.value.lowercased() {
                context.error(
                    "enum values are written in lower case: '\(value.value.lowercased())'", at: item,
                    notes: ["intake values are matched case-insensitively and written lower-case"])
            }
            values.append(value)
        }
        if values.isEmpty, node.sequence != nil {
            context.error("\(what) is empty", at: node)
        }
        return values
    }

    // MARK: - Derived values

    private func decodeDerivedValues(_ node: YAMLNode) -> [DerivedDefinition] {
        var result: [DerivedDefinition] = []
        for (key, value) in context.namedEntries(node, what: "derived") {
            guard let name = context.name(key, what: "a derived value's name") else { continue }
            if value.scalar != nil {
                if let expression = context.expression(value, what: "derived value '\(name.value)'") {
                    result.append(DerivedDefinition(name: name, description: nil, values: nil, body: .expression(expression)))
                }
                continue
            }
            let what = "derived value '\(name.value)'"
            guard let keys = context.mapping(value, what: what, allowed: Self.derivedKeys) else { continue }
            let values = keys["values"].map { decodeEnumValues($0, what: "the values of '\(name.value)'") }
            guard let body = decodeBody(keys, what: what) else { continue }
            let description = keys["description"].flatMap { context.string($0, what: "description")?.value }
            result.append(DerivedDefinition(name: name, description: description, values: values, body: body))
        }
        return result
    }

    /// Exactly one of `expr`, `table`, `cases`, `sum`.
    private func decodeBody(_ keys: KeyedNodes, what: String) -> DerivedBody? {
        let present = Self.bodyKeys.filter { keys[$0] != nil }
        guard present.count == 1, let kind = present.first, let node = keys[kind] else {
            if present.isEmpty {
                context.error("\(what) needs one of: expr, table, cases, sum", at: keys.node.location)
            } else {
                context.error("\(what) has both '\(present[0])' and '\(present[1])'; give one", at: keys.values[present[1]]!.key)
            }
            return nil
        }
        switch kind {
        case "expr":
            return context.expression(node, what: what).map { .expression($0) }
        case "table":
            return decodeTable(node, what: what).map { .table($0) }
        case "cases":
            return decodeCases(node, what: what)
        default:
            return decodeSum(node, what: what)
        }
    }

    private func decodePart(_ node: YAMLNode, what: String) -> DerivedBody? {
        if node.scalar != nil {
            return context.expression(node, what: what).map { .expression($0) }
        }
        guard let keys = context.mapping(node, what: what, allowed: Self.bodyKeys) else { return nil }
        return decodeBody(keys, what: what)
    }

    private func decodeTable(_ node: YAMLNode, what: String) -> TableDefinition? {
        guard let keys = context.mapping(node, what: "the table of \(what)", allowed: Self.tableKeys),
            let ofNode = keys.required("of", what: "the table of \(what)", in: context),
            let rowsNode = keys.required("rows", what: "the table of \(what)", in: context),
            let key = context.expression(ofNode, what: "the key of the table of \(what)")
        else { return nil }
        var rows: [TableRow] = []
        for (rowKey, rowValue) in context.namedEntries(rowsNode, what: "the rows of \(what)") {
            guard let keyText = context.string(rowKey, what: "a table key"),
                let value = context.expression(rowValue, what: "a table value of \(what)")
            else { continue }
            rows.append(TableRow(key: keyText, value: value))
        }
        if rowsNode.mapping?.isEmpty == true {
            context.error("the table of \(what) has no rows", at: rowsNode)
        }
        let defaultValue = keys["default"].flatMap { context.expression($0, what: "the default of \(what)") }
        return TableDefinition(key: key, rows: rows, defaultValue: defaultValue, location: node.location)
    }

    private func decodeCases(_ node: YAMLNode, what: String) -> DerivedBody? {
        var cases: [CaseDefinition] = []
        var otherwise: SourceExpression?
        var written = 0  // cases other than 'otherwise', with or without errors
        let items = context.sequence(node, what: "the cases of \(what)")
        for (index, item) in items.enumerated() {
            guard let keys = context.mapping(item, what: "a case of \(what)", allowed: Self.caseKeys) else { continue }
            if let otherwiseNode = keys["otherwise"] {
                if keys["when"] != nil || keys["then"] != nil {
                    context.error("a case has either 'when' and 'then', or 'otherwise' alone", at: item.location)
                }
                if index != items.count - 1 {
                    context.error("'otherwise' must be the last case: the cases after it could never be reached", at: keys.values["otherwise"]!.key)
                }
                otherwise = context.expression(otherwiseNode, what: "the 'otherwise' of \(what)")
                continue
            }
            written += 1
            guard let whenNode = keys.required("when", what: "a case of \(what)", in: context),
                let thenNode = keys.required("then", what: "a case of \(what)", in: context),
                let when = context.expression(whenNode, what: "a case of \(what)"),
                let then = context.expression(thenNode, what: "a case of \(what)")
            else { continue }
            cases.append(CaseDefinition(when: when, then: then))
        }
        if written == 0, node.sequence != nil {
            context.error("\(what) has no cases", at: node)
        }
        return .cases(cases, otherwise: otherwise, location: node.location)
    }

    private func decodeSum(_ node: YAMLNode, what: String) -> DerivedBody? {
        var parts: [(label: Located<String>, body: DerivedBody)] = []
        for (key, value) in context.namedEntries(node, what: "the sum of \(what)") {
            guard let label = context.name(key, what: "a part's label"),
                let body = decodePart(value, what: "part '\(label.value)' of \(what)")
            else { continue }
            parts.append((label, body))
        }
        if parts.isEmpty, node.mapping != nil {
            context.error("the sum of \(what) has no parts", at: node)
        }
        return .sum(parts)
    }

    // MARK: - Tiers and domains

    private func decodeTierLevels(_ node: YAMLNode) -> [Located<String>] {
        decodeEnumValues(node, what: "'tiers'")
    }

    private func decodeDomains(_ node: YAMLNode) -> [DomainDefinition] {
        var domains: [DomainDefinition] = []
        for (key, value) in context.namedEntries(node, what: "domains") {
            guard let name = context.name(key, what: "a domain name") else { continue }
            if name.value.contains(".") {
                context.error("a domain name cannot contain '.': it is used as '\(name.value).score'", at: key)
                continue
            }
            let what = "domain '\(name.value)'"
            guard let keys = context.mapping(value, what: what, allowed: Self.domainKeys) else { continue }
            let bandsNode = keys.required("tiers", what: what, in: context)
            let bands = bandsNode.map { decodeBands($0, what: "the tiers of \(what)") } ?? []
            let rules = keys.required("rules", what: what, in: context).map { decodeRules($0, what: what) } ?? []
            let floors = keys["floors"].map { decodeFloors($0, what: what) } ?? []
            let description = keys["description"].flatMap { context.string($0, what: "description")?.value }
            domains.append(
                DomainDefinition(
                    name: name, description: description, bands: bands, bandsLocation: bandsNode?.location ?? value.location,
                    rules: rules, floors: floors))
        }
        return domains
    }

    /// `{green: 0..3, amber: 4..7, red: 8..}`
    private func decodeBands(_ node: YAMLNode, what: String) -> [BandDefinition] {
        var bands: [BandDefinition] = []
        for (key, value) in context.namedEntries(node, what: what) {
            guard let tier = context.name(key, what: "a tier"),
                let range = context.string(value, what: "the range of tier '\(tier.value)'")
            else { continue }
            guard let (lower, upper) = Self.parseBand(range.value) else {
                context.error(
                    "the range of tier '\(tier.value)' must be written 'MIN..MAX' or 'MIN..', found '\(range.value)'", at: value,
                    notes: ["for example: green: 0..3, amber: 4..7, red: 8.."])
                continue
            }
            bands.append(BandDefinition(tier: tier, lower: lower, upper: upper, location: value.location))
        }
        return bands
    }

    static func parseBand(_ text: String) -> (Int, Int?)? {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty,
            let lower = NodeReader.parseInteger(String(parts[0]).trimmed)
        else {
            if let single = NodeReader.parseInteger(text.trimmed) { return (single, single) }
            return nil
        }
        let upperText = String(parts[2]).trimmed
        if upperText.isEmpty { return (lower, nil) }
        guard let upper = NodeReader.parseInteger(upperText) else { return nil }
        return (lower, upper)
    }

    private func decodeRules(_ node: YAMLNode, what: String) -> [RuleDefinition] {
        var rules: [RuleDefinition] = []
        for item in context.sequence(node, what: "the rules of \(what)") {
            guard let keys = context.mapping(item, what: "a rule", allowed: Self.ruleKeys) else { continue }
            let (id, ruleWhat, when) = identifiedCondition(keys, kind: "rule", named: "a rule")
            let points = keys.required("points", what: ruleWhat, in: context).flatMap { context.integer($0, what: "the points of \(ruleWhat)") }
            let flag = keys["flag"].flatMap { context.name($0, what: "a flag") }
            let because = keys.required("because", what: ruleWhat, in: context).flatMap { becauseText($0, what: ruleWhat) }
            guard let id, let when, let points, let because else { continue }
            rules.append(RuleDefinition(id: id, when: when, points: points, flag: flag, because: because, location: item.location))
        }
        return rules
    }

    private func decodeFloors(_ node: YAMLNode, what: String) -> [FloorDefinition] {
        var floors: [FloorDefinition] = []
        for item in context.sequence(node, what: "the floors of \(what)") {
            guard let floor = decodeRaise(item, kind: "floor", named: "a floor") else { continue }
            floors.append(FloorDefinition(id: floor.id, when: floor.when, atLeast: floor.atLeast, because: floor.because, location: item.location))
        }
        return floors
    }

    /// The id and condition that rules, floors and escalations start with,
    /// and the name messages give the item: "rule 'x'", or `named` ("a rule")
    /// while it has no valid id.
    private func identifiedCondition(
        _ keys: KeyedNodes, kind: String, named: String
    ) -> (
        id: Located<String>?, what: String, when: SourceExpression?
    ) {
        let id = keys.required("id", what: named, in: context).flatMap { context.name($0, what: "\(named) id") }
        let what = id.map { "\(kind) '\($0.value)'" } ?? named
        let when = keys.required("when", what: what, in: context).flatMap { context.expression($0, what: "the condition of \(what)") }
        return (id, what, when)
    }

    /// A floor or an escalation: an id, a condition, the tier it raises to
    /// at least, and why. Nil (after reporting) when a part is wrong.
    private func decodeRaise(
        _ item: YAMLNode, kind: String, named: String
    ) -> (
        id: Located<String>, when: SourceExpression, atLeast: Located<String>, because: String
    )? {
        guard let keys = context.mapping(item, what: named, allowed: Self.floorKeys) else { return nil }
        let (id, what, when) = identifiedCondition(keys, kind: kind, named: named)
        let atLeast = keys.required("at_least", what: what, in: context).flatMap { context.name($0, what: "a tier") }
        let because = keys.required("because", what: what, in: context).flatMap { becauseText($0, what: what) }
        guard let id, let when, let atLeast, let because else { return nil }
        return (id, when, atLeast, because)
    }

    private func decodeOverall(_ node: YAMLNode) -> OverallDefinition {
        guard let keys = context.mapping(node, what: "overall", allowed: Self.overallKeys) else {
            return OverallDefinition(bands: [], bandsLocation: node.location, escalations: [])
        }
        let bandsNode = keys.required("tiers", what: "overall", in: context)
        let bands = bandsNode.map { decodeBands($0, what: "the overall tiers") } ?? []
        var escalations: [EscalationDefinition] = []
        for item in keys["escalations"].map({ context.sequence($0, what: "escalations") }) ?? [] {
            guard let escalation = decodeRaise(item, kind: "escalation", named: "an escalation") else { continue }
            escalations.append(
                EscalationDefinition(
                    id: escalation.id, when: escalation.when, atLeast: escalation.atLeast, because: escalation.because, location: item.location))
        }
        return OverallDefinition(bands: bands, bandsLocation: bandsNode?.location ?? node.location, escalations: escalations)
    }

    // MARK: - Models and review

    private func decodeModels(_ node: YAMLNode) -> [ModelDefinition] {
        var models: [ModelDefinition] = []
        let items = context.sequence(node, what: "models")
        for (index, item) in items.enumerated() {
            guard let keys = context.mapping(item, what: "a model", allowed: Self.modelKeys) else { continue }
            let id = keys.required("id", what: "a model", in: context).flatMap { context.name($0, what: "a model id") }
            let what = id.map { "model '\($0.value)'" } ?? "a model"
            let isLast = index == items.count - 1
            var when: SourceExpression?
            if let whenNode = keys["when"] {
                when = context.expression(whenNode, what: "the condition of \(what)")
                if isLast {
                    context.error(
                        "the last model must always hold, so that every record gets a model: remove its 'when'",
                        at: keys.values["when"]!.key)
                }
            } else if !isLast {
                context.error("\(what) needs 'when': only the last model may leave it out (it always holds)", at: item.location)
            }
            let contact = keys.required("contact", what: what, in: context).flatMap { context.string($0, what: "contact")?.value }
            let reviewDays = keys.required("review_days", what: what, in: context).flatMap { context.integer($0, what: "review_days") }
            if let reviewDays, reviewDays.value < 0 || reviewDays.value > 36_500 {
                context.error("review_days must be between 0 and 36500, found \(reviewDays.value)", at: keys["review_days"]!)
            }
            // Optional: a rule set without them scores the same, and the
            // monitoring commands say what they cannot compute.
            let contactDays = keys["contact_days"].flatMap { node in
                boundedInteger(node, what: "contact_days", in: 1...36_500)
            }
            let caseload = keys["caseload"].flatMap { node in
                boundedInteger(node, what: "caseload", in: 1...100_000)
            }
            let because = keys.required("because", what: what, in: context).flatMap { becauseText($0, what: what) }
            guard let id, let contact, let reviewDays, let because else { continue }
            models.append(
                ModelDefinition(
                    id: id, when: when, contact: contact, contactDays: contactDays, caseload: caseload,
                    reviewDays: reviewDays, because: because, location: item.location))
        }
        if items.isEmpty, node.sequence != nil {
            context.error("'models' is empty: give at least one model (the last one always holds)", at: node)
        }
        return models
    }

    /// A whole number in `range`, or nil after an error at the value.
    private func boundedInteger(_ node: YAMLNode, what: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let value = context.integer(node, what: what) else { return nil }
        guard range.contains(value.value) else {
            context.error("\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value.value)", at: node)
            return nil
        }
        return value
    }

    private func decodeReview(_ node: YAMLNode) -> ReviewDefinition? {
        guard let keys = context.mapping(node, what: "review_by", allowed: Self.reviewKeys),
            let fromNode = keys.required("from", what: "review_by", in: context),
            let from = context.name(fromNode, what: "review_by's 'from'")
        else { return nil }
        return ReviewDefinition(from: from, location: node.location)
    }

    private func becauseText(_ node: YAMLNode, what: String) -> String? {
        guard let text = context.string(node, what: "the 'because' of \(what)") else { return nil }
        let trimmed = text.value.trimmed
        if trimmed.isEmpty {
            context.error("the 'because' of \(what) is empty: say in a sentence why it matters", at: node)
            return nil
        }
        return trimmed
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\n" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
