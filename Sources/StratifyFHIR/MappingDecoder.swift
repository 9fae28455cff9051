import StratifyCore
import StratifyRules
import StratifyYAML

/// Reads `fhir.yaml` into a ``FHIRMapping``, checking each source against
/// the type of the input it fills. Goes on after an error, so that one run
/// reports every problem.
struct MappingDecoder {
    let source: SourceFile
    let program: Program
    /// Reads the nodes and keeps the diagnostics, worded as for rule files.
    private let reader: NodeReader
    var diagnostics: [Diagnostic] { reader.diagnostics }
    private var systems: [String: String] = [:]
    private var tableNodes: [String: YAMLNode] = [:]
    private var mapping: FHIRMapping

    /// What a source must produce where it is used.
    enum Expected {
        case input(ValueType)
        /// A word compared by `equals`: any table value.
        case word
    }

    init(source: SourceFile, program: Program) {
        self.source = source
        self.program = program
        reader = NodeReader(source: source)
        mapping = FHIRMapping(source: source)
    }

    func error(_ message: String, at node: YAMLNode) {
        reader.error(message, at: node)
    }

    /// The pairs of a mapping by key: keys in `allowed`, or any name when
    /// `allowed` is empty (systems, tables, inputs).
    private func pairs(_ node: YAMLNode, what: String, allowed: [String]) -> [String: (key: YAMLNode, value: YAMLNode)] {
        guard allowed.isEmpty else { return reader.mapping(node, what: what, allowed: allowed)?.values ?? [:] }
        let entries = reader.namedEntries(node, what: what).map { ($0.key.scalar ?? "", $0) }
        return Dictionary(entries) { first, _ in first }
    }

    private mutating func scalars(_ node: YAMLNode, what: String) -> [String] {
        guard let items = node.sequence else {
            if let text = node.scalar { return [text] }
            error("\(what) must be a list, found \(node.kindDescription)", at: node)
            return []
        }
        return items.compactMap { item in
            guard let text = item.scalar else {
                error("\(what) must hold scalars, found \(item.kindDescription)", at: item)
                return nil
            }
            return text
        }
    }

    private mutating func integer(_ node: YAMLNode, what: String) -> Int? {
        guard let text = node.scalar, let value = Int(text), value >= 0 else {
            error("\(what) must be a whole number of days, 0 or more", at: node)
            return nil
        }
        return value
    }

    /// `SYSTEM|code` with SYSTEM a name of `systems:` or a URL.
    private mutating func code(_ text: String, at node: YAMLNode) -> FHIRMapping.Code {
        guard let bar = text.firstIndex(of: "|") else {
            error("a code is written SYSTEM|code, not '\(text)'", at: node)
            return text
        }
        return system(String(text[..<bar]), at: node) + "|" + text[text.index(after: bar)...]
    }

    private mutating func system(_ name: String, at node: YAMLNode) -> String {
        if let url = systems[name] { return url }
        if name.contains(":") { return name }
        error("unknown code system '\(name)': name it under 'systems' or write its URL", at: node)
        return name
    }

    private mutating func codes(_ node: YAMLNode, what: String) -> [FHIRMapping.Code] {
        let items = node.sequence ?? [node]
        return zip(scalars(node, what: what), items).map { code($0, at: $1) }
    }

    mutating func decode(_ root: YAMLNode) -> FHIRMapping? {
        let top = pairs(
            root, what: "the FHIR mapping",
            allowed: [
                "version", "systems", "observations", "override", "anchor", "encounters", "conditions", "medications",
                "coverages", "questionnaire_responses", "risk_assessment", "tables", "inputs",
            ])
        if let node = top["systems"]?.value {
            for (name, value) in pairs(node, what: "systems", allowed: []) {
                guard let url = value.value.scalar else {
                    error("a system is a URL", at: value.value)
                    continue
                }
                systems[name] = url
            }
        }
        if let node = top["observations"]?.value {
            let keys = pairs(node, what: "observations", allowed: ["statuses", "look_back_days"])
            if let statuses = keys["statuses"] { mapping.observationStatuses = Set(scalars(statuses.value, what: "statuses")) }
            if let days = keys["look_back_days"], let value = integer(days.value, what: "look_back_days") { mapping.lookBackDays = value }
        }
        if let node = top["override"]?.value, let name = node.scalar { mapping.overrideSystem = system(name, at: node) }
        if let node = top["anchor"]?.value {
            let keys = pairs(node, what: "anchor", allowed: ["input", "codes"])
            if let input = keys["input"]?.value.scalar { mapping.anchorInput = input }
            if let list = keys["codes"] { mapping.anchorCodes = codes(list.value, what: "anchor codes") }
            mapping.observationCodes.formUnion(mapping.anchorCodes)
        }
        if let node = top["encounters"]?.value { decodeEncounters(node) }
        if let node = top["conditions"]?.value {
            let keys = pairs(node, what: "conditions", allowed: ["clinical_status", "refuted"])
            if let list = keys["clinical_status"] { mapping.conditionClinical = codes(list.value, what: "clinical_status") }
            if let list = keys["refuted"] { mapping.conditionRefuted = codes(list.value, what: "refuted") }
        }
        if let node = top["medications"]?.value {
            let section = statusSection(node, what: "medications", systemKey: "prefer_system")
            if let statuses = section.statuses { mapping.medicationStatuses = statuses }
            if let system = section.system { mapping.medicationPreferredSystem = system }
        }
        if let node = top["coverages"]?.value, let statuses = statusSection(node, what: "coverages").statuses {
            mapping.coverageStatuses = statuses
        }
        if let node = top["questionnaire_responses"]?.value {
            let section = statusSection(node, what: "questionnaire_responses", systemKey: "link_id_system")
            if let statuses = section.statuses { mapping.questionnaireStatuses = statuses }
            if let system = section.system { mapping.linkIdSystem = system }
        }
        if let node = top["risk_assessment"]?.value {
            let keys = pairs(node, what: "risk_assessment", allowed: ["risk_probability"])
            let risks = ["negligible", "low", "moderate", "high", "certain"]
            let codes = keys["risk_probability"].map { pairs($0.value, what: "risk_probability", allowed: []) } ?? [:]
            for (tier, code) in codes {
                guard program.tiers.values.contains(tier) else {
                    error("'\(tier)' is not a tier of the rule set", at: code.key)
                    continue
                }
                guard let text = code.value.scalar, risks.contains(text) else {
                    error("a risk-probability code is one of \(risks.joined(separator: ", "))", at: code.value)
                    continue
                }
                mapping.riskCodes[tier] = text
            }
        }
        if let node = top["tables"]?.value {
            for (name, value) in pairs(node, what: "tables", allowed: []) { tableNodes[name] = value.value }
        }
        guard let inputsNode = top["inputs"] else {
            reader.error("the FHIR mapping has no 'inputs' section", at: root.location)
            return nil
        }
        decodeInputs(inputsNode.value, key: inputsNode.key)
        return mapping
    }

    /// A section of `statuses:` and, when `systemKey` is given, the code
    /// system under that key.
    private mutating func statusSection(_ node: YAMLNode, what: String, systemKey: String? = nil) -> (statuses: Set<String>?, system: String?) {
        let keys = pairs(node, what: what, allowed: ["statuses"] + (systemKey.map { [$0] } ?? []))
        let statuses = keys["statuses"].map { Set(scalars($0.value, what: "statuses")) }
        guard let systemKey, let name = keys[systemKey]?.value, let text = name.scalar else { return (statuses, nil) }
        return (statuses, system(text, at: name))
    }

    private mutating func decodeEncounters(_ node: YAMLNode) {
        let keys = pairs(node, what: "encounters", allowed: ["statuses", "classes", "index_admission"])
        if let list = keys["statuses"] { mapping.encounterStatuses = Set(scalars(list.value, what: "statuses")) }
        if let classes = keys["classes"] {
            for (name, list) in pairs(classes.value, what: "classes", allowed: []) {
                mapping.encounterClasses[name] = codes(list.value, what: "class codes")
            }
        }
        if let index = keys["index_admission"] {
            let fields = pairs(index.value, what: "index_admission", allowed: ["class", "look_back_days", "acute_when"])
            if let name = fields["class"]?.value {
                mapping.indexClass = encounterClass(name)
            }
            if let days = fields["look_back_days"], let value = integer(days.value, what: "look_back_days") { mapping.indexLookBackDays = value }
            if let acute = fields["acute_when"] {
                let signals = pairs(acute.value, what: "acute_when", allowed: ["admit_source", "priority", "class_history"])
                if let list = signals["admit_source"] { mapping.acuteAdmitSource = codes(list.value, what: "admit_source") }
                if let list = signals["priority"] { mapping.acutePriority = codes(list.value, what: "priority") }
                if let list = signals["class_history"] { mapping.acuteClassHistory = codes(list.value, what: "class_history") }
            }
        }
    }

    private mutating func encounterClass(_ node: YAMLNode) -> [FHIRMapping.Code] {
        guard let name = node.scalar, let codes = mapping.encounterClasses[name] else {
            error("unknown encounter class '\(node.scalar ?? "")': name one under encounters.classes", at: node)
            return []
        }
        return codes
    }

    private mutating func decodeInputs(_ node: YAMLNode, key: YAMLNode) {
        let entries = pairs(node, what: "inputs", allowed: [])
        var sources: [FHIRMapping.Source] = []
        for field in program.inputs {
            guard let entry = entries[field.name] else {
                error("input '\(field.name)' of the rule set is not mapped: give it a source (or override_only: true)", at: key)
                sources.append(.overrideOnly)
                continue
            }
            sources.append(decodeSource(entry.value, expected: .input(field.type), what: field.name) ?? .overrideOnly)
        }
        for (name, entry) in entries where !program.inputs.contains(where: { $0.name == name }) {
            error("'\(name)' is not an input of the rule set", at: entry.key)
        }
        mapping.inputs = sources
    }

    private static let sourceKeys = [
        "patient", "anchor", "override_only", "latest", "table", "component", "numbers", "index_admission",
        "count_encounters", "count_medications", "condition", "coverage", "answer_count", "any", "sum", "first_of",
        "cases", "equals",
    ]

    private mutating func decodeSource(_ node: YAMLNode, expected: Expected, what: String) -> FHIRMapping.Source? {
        let keys = pairs(node, what: "the source of \(what)", allowed: Self.sourceKeys)
        var expectedInner = expected
        if keys["equals"] != nil {
            guard expectsBoolean(expected, at: node, what: what) else { return nil }
            expectedInner = .word
        }
        guard let source = decodeKind(keys, node: node, expected: expectedInner, what: what) else { return nil }
        if let word = keys["equals"]?.value.scalar { return .equals(source, word) }
        return source
    }

    private mutating func expectsBoolean(_ expected: Expected, at node: YAMLNode, what: String) -> Bool {
        if case .input(let type) = expected, type != .boolean {
            error("\(what) is \(describe(type)), but this source gives true or false", at: node)
            return false
        }
        return true
    }

    private mutating func expectsInteger(_ expected: Expected, at node: YAMLNode, what: String) -> Bool {
        if case .input(let type) = expected, type != .integer {
            error("\(what) is \(describe(type)), but this source gives a count", at: node)
            return false
        }
        return true
    }

    private func describe(_ type: ValueType) -> String {
        switch type {
        case .enumeration: "an enum"
        case .integer: "an integer"
        default: "a \(type)"
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func decodeKind(
        _ keys: [String: (key: YAMLNode, value: YAMLNode)], node: YAMLNode, expected: Expected, what: String
    ) -> FHIRMapping.Source? {
        if let value = keys["patient"]?.value {
            switch value.scalar {
            case "id": return .patientId
            case "age": return expectsInteger(expected, at: value, what: what) ? .age : nil
            default:
                error("patient: takes id or age", at: value)
                return nil
            }
        }
        if keys["anchor"] != nil {
            if case .input(let type) = expected, type != .date { error("\(what) is \(describe(type)), but the anchor is a date", at: node) }
            return .anchor
        }
        if keys["override_only"] != nil { return .overrideOnly }
        if let list = keys["latest"]?.value {
            let codes = codes(list, what: "latest")
            mapping.observationCodes.formUnion(codes)
            var component: [FHIRMapping.Code: FHIRMapping.Code] = [:]
            if let node = keys["component"]?.value {
                for (parent, child) in pairs(node, what: "component", allowed: []) {
                    guard let text = child.value.scalar else {
                        error("a component is one code", at: child.value)
                        continue
                    }
                    component[code(parent, at: child.key)] = code(text, at: child.value)
                }
            }
            var numbers: [FHIRMapping.NumberRule] = []
            if let list = keys["numbers"]?.value {
                for item in list.sequence ?? [] {
                    let rule = pairs(item, what: "a numbers rule", allowed: ["equals", "at_least", "value"])
                    let bound = { (name: String) -> Double? in rule[name]?.value.scalar.flatMap(Double.init) }
                    guard let valueNode = rule["value"]?.value, let value = valueNode.scalar else {
                        error("a numbers rule needs a value", at: item)
                        continue
                    }
                    check(value, at: valueNode, expected: expected, what: what)
                    if let exact = bound("equals") {
                        numbers.append(.init(minimum: exact, maximum: exact, value: value))
                    } else if let least = bound("at_least") {
                        numbers.append(.init(minimum: least, maximum: .infinity, value: value))
                    } else {
                        error("a numbers rule needs equals or at_least", at: item)
                    }
                }
            }
            var table: String?
            if let tableNode = keys["table"]?.value {
                table = tableNode.scalar
                checkTable(tableNode, expected: expected, what: what)
            }
            return .latest(codes: codes, table: table, component: component, numbers: numbers)
        }
        if let value = keys["index_admission"]?.value {
            guard let attribute = value.scalar.flatMap(FHIRMapping.AdmissionAttribute.init(rawValue:)) else {
                error("index_admission: takes length_of_stay or acute", at: value)
                return nil
            }
            if attribute == .acute { _ = expectsBoolean(expected, at: value, what: what) } else { _ = expectsInteger(expected, at: value, what: what) }
            return .indexAdmission(attribute)
        }
        if let value = keys["count_encounters"]?.value {
            guard expectsInteger(expected, at: value, what: what) else { return nil }
            let fields = pairs(value, what: "count_encounters", allowed: ["class", "days", "reason"])
            guard let classNode = fields["class"]?.value, let daysNode = fields["days"]?.value,
                let days = integer(daysNode, what: "days")
            else {
                error("count_encounters needs class and days", at: value)
                return nil
            }
            return .countEncounters(classCodes: encounterClass(classNode), days: days, reason: fields["reason"].flatMap { prefixMatch($0.value) })
        }
        if let value = keys["count_medications"]?.value {
            return expectsInteger(expected, at: value, what: what) ? .countMedications : nil
        }
        if let value = keys["condition"]?.value {
            guard expectsBoolean(expected, at: value, what: what), let match = prefixMatch(value) else { return nil }
            return .condition(match)
        }
        if let value = keys["coverage"]?.value { return coverage(value, expected: expected, what: what) }
        if let value = keys["answer_count"]?.value {
            guard expectsInteger(expected, at: value, what: what), let tableNode = keys["table"]?.value, let table = tableNode.scalar else {
                error("answer_count needs a table giving each answer's count", at: value)
                return nil
            }
            checkTable(tableNode, expected: expected, what: what)
            let codes = codes(value, what: "answer_count")
            mapping.observationCodes.formUnion(codes)
            return .answerCount(codes: codes, table: table)
        }
        if let value = keys["any"]?.value {
            guard expectsBoolean(expected, at: value, what: what) else { return nil }
            return .any(children(value, expected: .input(.boolean), what: what))
        }
        if let value = keys["sum"]?.value {
            guard expectsInteger(expected, at: value, what: what) else { return nil }
            return .sum(children(value, expected: .input(.integer), what: what))
        }
        if let value = keys["first_of"]?.value { return .firstOf(children(value, expected: expected, what: what)) }
        if let value = keys["cases"]?.value {
            var cases: [(condition: FHIRMapping.Source, value: String)] = []
            for item in value.sequence ?? [] {
                let fields = pairs(item, what: "a case", allowed: ["if", "then"])
                guard let condition = fields["if"], let then = fields["then"]?.value, let word = then.scalar else {
                    error("a case needs if and then", at: item)
                    continue
                }
                check(word, at: then, expected: expected, what: what)
                if let source = decodeSource(condition.value, expected: .input(.boolean), what: what) { cases.append((source, word)) }
            }
            return .cases(cases)
        }
        error("\(what) needs a source (latest, patient, anchor, count_encounters, condition, coverage, any, sum, first_of, cases, …)", at: node)
        return nil
    }

    private mutating func children(_ node: YAMLNode, expected: Expected, what: String) -> [FHIRMapping.Source] {
        guard let items = node.sequence, !items.isEmpty else {
            error("expected a list of sources", at: node)
            return []
        }
        return items.compactMap { decodeSource($0, expected: expected, what: what) }
    }

    private mutating func prefixMatch(_ node: YAMLNode) -> FHIRMapping.PrefixMatch? {
        let fields = pairs(node, what: "a code match", allowed: ["system", "prefixes", "codes"])
        guard let systemNode = fields["system"]?.value, let name = systemNode.scalar else {
            error("a code match needs a system", at: node)
            return nil
        }
        return FHIRMapping.PrefixMatch(
            system: system(name, at: systemNode),
            prefixes: fields["prefixes"].map { scalars($0.value, what: "prefixes") } ?? [],
            codes: fields["codes"].map { scalars($0.value, what: "codes") } ?? [])
    }

    private mutating func coverage(_ node: YAMLNode, expected: Expected, what: String) -> FHIRMapping.Source? {
        let fields = pairs(node, what: "coverage", allowed: ["system", "prefixes", "both", "order"])
        guard let systemNode = fields["system"]?.value, let name = systemNode.scalar, let prefixNode = fields["prefixes"]?.value else {
            error("coverage needs a system and prefixes", at: node)
            return nil
        }
        var prefixes: [(prefix: String, category: String)] = []
        for (prefix, category) in pairs(prefixNode, what: "prefixes", allowed: []) {
            guard let word = category.value.scalar else {
                error("a prefix gives one value", at: category.value)
                continue
            }
            check(word, at: category.value, expected: expected, what: what)
            prefixes.append((prefix, word))
        }
        prefixes.sort { $0.prefix.count > $1.prefix.count }
        var both: [(category: String, parts: [String])] = []
        if let bothNode = fields["both"]?.value {
            for (category, parts) in pairs(bothNode, what: "both", allowed: []) {
                check(category, at: parts.key, expected: expected, what: what)
                both.append((category, scalars(parts.value, what: "both")))
            }
        }
        let order = fields["order"].map { scalars($0.value, what: "order") } ?? prefixes.map(\.category)
        return .coverage(.init(system: system(name, at: systemNode), prefixes: prefixes, both: both, order: order))
    }

    /// Decodes the table `node` names (once) and checks its values.
    private mutating func checkTable(_ node: YAMLNode, expected: Expected, what: String) {
        guard let name = node.scalar, let tableNode = tableNodes[name] else {
            error("unknown table '\(node.scalar ?? "")': define it under tables", at: node)
            return
        }
        var table: [FHIRMapping.Code: FHIRMapping.TableValue] = [:]
        for (key, value) in pairs(tableNode, what: "table \(name)", allowed: []) {
            let coding = code(key, at: value.key)
            if let word = value.value.scalar {
                if word == "missing" {
                    table[coding] = .missing
                } else {
                    check(word, at: value.value, expected: expected, what: what)
                    table[coding] = .value(word)
                }
            } else if let source = decodeSource(value.value, expected: expected, what: what) {
                table[coding] = .source(source)
            }
        }
        mapping.tables[name] = table
    }

    /// Reports a table or case value that the input's type cannot hold.
    private mutating func check(_ word: String, at node: YAMLNode, expected: Expected, what: String) {
        guard case .input(let type) = expected else { return }
        let fits: Bool
        switch type {
        case .integer: fits = Int(word) != nil
        case .number: fits = Double(word) != nil
        case .boolean: fits = word == "true" || word == "false"
        case .enumeration(let enumType): fits = enumType.values.contains(word)
        case .date, .string: fits = true
        }
        if !fits { error("'\(word)' is not a value of \(what), which is \(type)", at: node) }
    }
}
