import StratifyRules

/// Where one input of a record came from, for `explain`.
package struct InputSource: Sendable, Equatable {
    package var input: String
    /// The cell (nil: missing).
    package var value: String?
    /// `Type/id` of the resources that supplied it.
    package var resources: [String]
    /// What the mapping looked for.
    package var lookedFor: String
}

/// Derives one patient's intake record from its facts, following the
/// mapping: each input's text as a CSV cell would hold it (nil: missing),
/// so that the record is validated and scored exactly as CSV intake is.
struct FieldDerivation {
    let mapping: FHIRMapping
    let program: Program
    let asOf: Int
    /// Called with a warning's text (aggregated by the caller).
    let warn: (String) -> Void

    enum Derived: Equatable {
        case missing
        case value(String)

        var text: String? {
            if case .value(let text) = self { return text }
            return nil
        }
    }

    /// The resources whose data gave values, in the order used (for the
    /// RiskAssessment's `basis`, spec section 10).
    final class Used {
        var names: [String] = []
        func add(_ name: String?) { if let name { names.append(name) } }
    }

    /// The patient's context while deriving.
    struct Context {
        let used = Used()
        var facts: PatientFacts
        var patientId: String?
        var birthDate: String?
        var anchor: Int
        var assessedOn: Int?
        var conditionsByName: [String: ConditionFact]
        var observationsByName: [String: ObservationFact]
        /// Indexes into `facts.observations` by code.
        var observationsByCode: [String: [Int]] = [:]
    }

    /// The record's cells, and the resources that supplied them (each
    /// once, field by field in input order).
    /// With `sources`, also each input's resources (or, when missing, what
    /// was looked for), for `explain`.
    func record(
        _ facts: PatientFacts, patientId: String?, birthDate: String?, sources: UnsafeMutablePointer<[InputSource]>? = nil
    ) -> (cells: [String?], basis: [String]) {
        var context = Context(
            facts: facts, patientId: patientId, birthDate: birthDate, anchor: asOf, assessedOn: nil,
            conditionsByName: [:], observationsByName: [:])
        for condition in facts.conditions { if let name = condition.name { context.conditionsByName[name] = condition } }
        // Panel members are looked up by name, only when a panel has some.
        if facts.observations.contains(where: { !$0.members.isEmpty }) {
            for observation in facts.observations { if let name = observation.name { context.observationsByName[name] = observation } }
        }
        for (index, observation) in facts.observations.enumerated() {
            for code in observation.codes { context.observationsByCode[code, default: []].append(index) }
        }
        // The anchor first: every window depends on it.
        let anchorIndex = program.inputs.firstIndex { $0.name == mapping.anchorInput }
        var anchorSource: ObservationFact?
        if anchorIndex != nil, let override = overrideObservation(for: mapping.anchorInput, in: context, lowerBound: nil) {
            context.assessedOn = read(override.value, type: .date, table: nil, numbers: [], context: context).text.flatMap(CivilDate.days)
            anchorSource = override
        } else if anchorIndex != nil {
            anchorSource = latest(facts.observations.filter { $0.codes.contains(where: mapping.anchorCodes.contains) }, from: nil, to: asOf)
            context.assessedOn = anchorSource?.date
        }
        if let assessed = context.assessedOn { context.anchor = assessed }
        let used = context.used
        let cells: [String?] = program.inputs.enumerated().map { index, input in
            let start = used.names.count
            let value: String?
            if index == anchorIndex {
                value = context.assessedOn.map(CivilDate.text)
                used.add(anchorSource?.name)
            } else if index != program.identifier,
                let override = overrideObservation(for: input.name, in: context, lowerBound: context.anchor - mapping.lookBackDays)
            {
                value = read(override.value, type: input.type, table: nil, numbers: [], context: context).text
                used.add(override.name)
            } else {
                value = derive(mapping.inputs[index], type: input.type, context: context).text
            }
            if value == nil { used.names.removeSubrange(start...) }
            if let sources, index != program.identifier {
                var seenHere: Set<String> = []
                sources.pointee.append(
                    InputSource(
                        input: input.name, value: value, resources: used.names[start...].filter { seenHere.insert($0).inserted },
                        lookedFor: index == anchorIndex ? describeAnchor() : describe(mapping.inputs[index], anchor: context.anchor, name: input.name)))
            }
            return value
        }
        // The Patient itself comes first in a basis anyway.
        var seen: Set<String> = [patientId.map { "Patient/" + $0 } ?? ""]
        return (cells, used.names.filter { seen.insert($0).inserted })
    }

    /// The latest usable Observation coded (override system, name).
    private func overrideObservation(for name: String, in context: Context, lowerBound: Int?) -> ObservationFact? {
        guard let system = mapping.overrideSystem else { return nil }
        let code = system + "|" + name
        let upper = lowerBound == nil ? asOf : context.anchor
        return latest(context.facts.observations.filter { $0.codes.contains(code) }, from: lowerBound, to: upper)
    }

    private func latest(_ observations: [ObservationFact], from lower: Int?, to upper: Int) -> ObservationFact? {
        var best: ObservationFact?
        for observation in observations where observation.usable {
            guard let date = observation.date, date <= upper, lower.map({ date >= $0 }) ?? true else { continue }
            if let current = best, (current.date!, current.order) > (date, observation.order) { continue }
            best = observation
        }
        return best
    }

    private func usableInWindow(_ codes: [String], _ context: Context) -> [ObservationFact] {
        var indexes = codes.flatMap { context.observationsByCode[$0] ?? [] }
        if codes.count > 1 { indexes = Array(Set(indexes)).sorted() }
        return indexes.map { context.facts.observations[$0] }.filter { observation in
            observation.usable
                && observation.date.map { $0 <= context.anchor && $0 >= context.anchor - mapping.lookBackDays } == true
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func derive(_ source: FHIRMapping.Source, type: ValueType, context: Context) -> Derived {
        switch source {
        case .patientId:
            return context.patientId.map(Derived.value) ?? .missing
        case .age:
            let value = age(context)
            if value != .missing { context.used.add(context.patientId.map { "Patient/" + $0 }) }
            return value
        case .anchor:
            return context.assessedOn.map { .value(CivilDate.text($0)) } ?? .missing
        case .overrideOnly:
            return .missing
        case .latest(let codes, let table, let component, let numbers):
            guard let chosen = latest(usableInWindow(codes, context), from: nil, to: .max) else { return .missing }
            context.used.add(chosen.name)
            var value = chosen.value
            if let parent = chosen.codes.first(where: { component[$0] != nil }), let child = component[parent] {
                if case .absent = value { return .missing }
                value = chosen.components.first { $0.codes.contains(child) }?.value ?? .none
            }
            return read(value, type: type, table: table, numbers: numbers, context: context)
        case .indexAdmission(let attribute):
            let index = indexAdmission(context)
            context.used.add(index?.name)
            switch attribute {
            case .lengthOfStay: return .value(String(index.map { $0.end! - $0.start! } ?? 0))
            case .acute: return .value(index?.acute == true ? "true" : "false")
            }
        case .countEncounters(let classCodes, let days, let reason):
            let counted = context.facts.encounters.filter { encounter in
                encounter.counted && encounter.classCode.map(classCodes.contains) == true
                    && encounter.start.map { $0 <= context.anchor && $0 >= context.anchor - days } == true
                    && (reason.map { hasReason(encounter, $0, context) } ?? true)
            }
            for encounter in counted { context.used.add(encounter.name) }
            return .value(String(counted.count))
        case .countMedications:
            var keys: Set<String> = []
            for (offset, medication) in context.facts.medications.enumerated() where medication.active {
                if let authored = medication.authored, authored > context.anchor { continue }
                keys.insert(medication.key ?? "\u{0}own\(offset)")
                context.used.add(medication.name)
            }
            return .value(String(keys.count))
        case .condition(let match):
            let found = context.facts.conditions.filter { isCountable($0, context) && matches($0.codes, match) }
            for condition in found { context.used.add(condition.name) }
            return .value(found.isEmpty ? "false" : "true")
        case .coverage(let rule):
            return coverage(rule, context)
        case .answerCount(let codes, let tableName):
            return answerCount(codes, table: mapping.tables[tableName] ?? [:], context)
        case .any(let sources):
            var sawMissing = false
            for child in sources {
                switch derive(child, type: .boolean, context: context) {
                case .value("true"): return .value("true")
                case .value("false"): continue
                default: sawMissing = true
                }
            }
            return sawMissing ? .missing : .value("false")
        case .sum(let sources):
            var total = 0
            for child in sources {
                guard let text = derive(child, type: .integer, context: context).text, let number = Int(text) else { return .missing }
                total += number
            }
            return .value(String(total))
        case .firstOf(let sources):
            for child in sources {
                let value = derive(child, type: type, context: context)
                if value != .missing { return value }
            }
            return .missing
        case .cases(let cases):
            for (condition, value) in cases where derive(condition, type: .boolean, context: context) == .value("true") {
                return .value(value)
            }
            return .missing
        case .equals(let inner, let word):
            guard let text = derive(inner, type: .string, context: context).text else { return .missing }
            return .value(text == word ? "true" : "false")
        }
    }

    // MARK: - What was looked for (explain)

    private func codeList(_ codes: [String]) -> String {
        codes.map { code in
            let parts = code.split(separator: "|", maxSplits: 1).map(String.init)
            let system = parts.first.map { $0 == "http://loinc.org" ? "LOINC" : $0 == "http://snomed.info/sct" ? "SNOMED" : $0 } ?? ""
            return system + " " + (parts.count > 1 ? parts[1] : "")
        }.joined(separator: " or ")
    }

    private func describeAnchor() -> String {
        "the latest screening Observation (\(codeList(mapping.anchorCodes))) on or before \(CivilDate.text(asOf))"
    }

    func describe(_ source: FHIRMapping.Source, anchor: Int, name: String) -> String {
        let window = "from \(CivilDate.text(anchor - mapping.lookBackDays)) to \(CivilDate.text(anchor))"
        let override = mapping.overrideSystem.map { " (or an Observation coded \($0)|\(name))" } ?? ""
        switch source {
        case .patientId: return "Patient.id"
        case .age: return "Patient.birthDate"
        case .anchor: return describeAnchor()
        case .overrideOnly: return "an Observation coded \(mapping.overrideSystem ?? "")|\(name) \(window)"
        case .latest(let codes, _, _, _):
            return "the latest usable Observation coded \(codeList(codes)) \(window)\(override)"
        case .answerCount(let codes, _):
            return "the answers of the latest usable Observations coded \(codeList(codes)) \(window)\(override)"
        case .indexAdmission:
            return "the inpatient Encounter that ended latest, from \(CivilDate.text(anchor - mapping.indexLookBackDays)) to \(CivilDate.text(anchor))"
        case .countEncounters(_, let days, _):
            return "Encounters that started from \(CivilDate.text(anchor - days)) to \(CivilDate.text(anchor))"
        case .countMedications: return "active MedicationRequests authored on or before \(CivilDate.text(anchor))"
        case .condition(let match): return "active Conditions coded \(match.system) \((match.prefixes.map { $0 + "…" } + match.codes).joined(separator: ", "))"
        case .coverage: return "active Coverages covering \(CivilDate.text(anchor))"
        case .any(let sources), .sum(let sources), .firstOf(let sources):
            return sources.map { describe($0, anchor: anchor, name: name) }.joined(separator: "; ")
        case .cases(let cases): return cases.map { describe($0.condition, anchor: anchor, name: name) }.joined(separator: "; ")
        case .equals(let inner, _): return describe(inner, anchor: anchor, name: name)
        }
    }

    // MARK: - Values (spec section 4)

    func read(_ value: ObservationValue, type: ValueType, table: String?, numbers: [FHIRMapping.NumberRule], context: Context) -> Derived {
        switch value {
        case .none, .absent:
            return .missing
        case .unreadable:
            warn("values of a kind the mapping does not read (missing)")
            return .missing
        case .codings(let codings):
            if let table, let entries = mapping.tables[table] {
                for coding in codings {
                    switch entries[coding] {
                    case .value(let word)?: return .value(word)
                    case .missing?: return .missing
                    case .source(let source)?: return derive(source, type: type, context: context)
                    case nil: continue
                    }
                }
            }
            if case .enumeration(let enumType) = type, let system = mapping.overrideSystem {
                for coding in codings where coding.hasPrefix(system + "|") {
                    let word = String(coding.dropFirst(system.count + 1))
                    if enumType.values.contains(word) { return .value(word) }
                }
            }
            warn("answer codes the mapping does not know (missing)")
            return .missing
        case .number(let text):
            return number(text, type: type, numbers: numbers)
        case .string(let raw):
            let text = raw.trimmingSpaces
            switch type {
            case .integer, .number:
                guard Self.isDecimal(text) else { return unreadable() }
                return number(text.hasPrefix("+") ? String(text.dropFirst()) : text, type: type, numbers: numbers)
            case .boolean:
                switch text.lowercased() {
                case "true", "yes", "1": return .value("true")
                case "false", "no", "0": return .value("false")
                default: return unreadable()
                }
            case .enumeration(let enumType):
                return enumType.values.contains(text.lowercased()) ? .value(text.lowercased()) : unreadable()
            case .date:
                return CivilDate.days(text) != nil && text.utf8.count == 10 ? .value(text) : unreadable()
            case .string:
                return .value(raw)
            }
        case .boolean(let flag):
            return type == .boolean ? .value(flag ? "true" : "false") : unreadable()
        case .dateTime(let text):
            return type == .date ? CivilDate.days(text).map { .value(CivilDate.text($0)) } ?? unreadable() : unreadable()
        }
    }

    private func unreadable() -> Derived {
        warn("values the mapping cannot read (missing)")
        return .missing
    }

    private static func isDecimal(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == 0x2B || first == 0x2D { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else { return false }
        return true
    }

    /// A JSON number read as the input's type. A whole number is written
    /// as an integer (`12.0` → `12`); a fraction is kept as written, so
    /// that an integer input rejects the record as CSV intake would.
    private func number(_ text: String, type: ValueType, numbers: [FHIRMapping.NumberRule]) -> Derived {
        let whole = Self.wholeText(text)
        if !numbers.isEmpty {
            guard whole != nil, let value = Double(text) else { return unreadable() }
            return numbers.first { $0.minimum <= value && value <= $0.maximum }.map { .value($0.value) } ?? unreadable()
        }
        switch type {
        case .integer, .number, .string: return .value(whole ?? text)
        case .boolean:
            switch whole {
            case "0": return .value("false")
            case "1": return .value("true")
            default: return unreadable()
            }
        default: return unreadable()
        }
    }

    /// `12`, `12.0`, `-3.00` → `12`, `12`, `-3`; nil for a fraction or an exponent.
    static func wholeText(_ text: String) -> String? {
        guard !text.contains("e"), !text.contains("E") else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[1].allSatisfy({ $0 == "0" }) { return nil }
        var integer = String(parts[0])
        var negative = false
        if integer.hasPrefix("-") {
            negative = true
            integer.removeFirst()
        }
        while integer.count > 1, integer.hasPrefix("0") { integer.removeFirst() }
        return negative && integer != "0" ? "-" + integer : integer
    }

    // MARK: - Sources

    private func age(_ context: Context) -> Derived {
        guard let birth = context.birthDate else { return .missing }
        let anchor = CivilDate.civil(context.anchor)
        func age(_ year: Int, _ month: Int, _ day: Int) -> Int {
            anchor.year - year - ((anchor.month, anchor.day) < (month, day) ? 1 : 0)
        }
        let parts = birth.split(separator: "-").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return .missing }
        let year = parts[0]!
        switch parts.count {
        case 1:
            let low = age(year, 1, 1), high = age(year, 12, 31)
            return low == high ? .value(String(low)) : .missing
        case 2:
            let month = parts[1]!
            guard (1...12).contains(month) else { return .missing }
            let low = age(year, month, 1), high = age(year, month, CivilDate.daysInMonth(year, month))
            return low == high ? .value(String(low)) : .missing
        default:
            guard let days = CivilDate.days(birth) else { return .missing }
            let date = CivilDate.civil(days)
            return .value(String(age(date.year, date.month, date.day)))
        }
    }

    private func indexAdmission(_ context: Context) -> EncounterFact? {
        var best: EncounterFact?
        for encounter in context.facts.encounters where encounter.counted && encounter.classCode.map(mapping.indexClass.contains) == true {
            guard let start = encounter.start, let end = encounter.end, start <= end,
                end <= context.anchor, end >= context.anchor - mapping.indexLookBackDays
            else { continue }
            if let current = best, (current.end!, current.order) > (end, encounter.order) { continue }
            best = encounter
        }
        return best
    }

    private func hasReason(_ encounter: EncounterFact, _ match: FHIRMapping.PrefixMatch, _ context: Context) -> Bool {
        if matches(encounter.reasonCodes, match) { return true }
        return encounter.reasonReferences.contains { name in
            guard let condition = context.conditionsByName[name] else { return false }
            return !condition.verificationStatus.contains(where: mapping.conditionRefuted.contains) && matches(condition.codes, match)
        }
    }

    private func isCountable(_ condition: ConditionFact, _ context: Context) -> Bool {
        condition.clinicalStatus.contains(where: mapping.conditionClinical.contains)
            && !condition.verificationStatus.contains(where: mapping.conditionRefuted.contains)
            && (condition.onset.map { $0 <= context.anchor } ?? true)
    }

    private func matches(_ codes: [String], _ match: FHIRMapping.PrefixMatch) -> Bool {
        codes.contains { coding in
            guard coding.hasPrefix(match.system + "|") else { return false }
            let code = String(coding.dropFirst(match.system.count + 1)).trimmingSpaces.uppercased().filter { $0 != "." }
            return match.matches(normalised: code)
        }
    }

    private func coverage(_ rule: FHIRMapping.CoverageRule, _ context: Context) -> Derived {
        var categories: Set<String> = []
        for coverage in context.facts.coverages where coverage.active {
            if let start = coverage.start, start > context.anchor { continue }
            if let end = coverage.end, end < context.anchor { continue }
            guard let coding = coverage.types.first(where: { $0.hasPrefix(rule.system + "|") }) else {
                warn("Coverages without a payer type the mapping reads")
                continue
            }
            let code = coding.dropFirst(rule.system.count + 1)
            guard let category = rule.prefixes.first(where: { code.hasPrefix($0.prefix) })?.category else {
                warn("Coverages with a payer type the mapping does not know")
                continue
            }
            categories.insert(category)
            context.used.add(coverage.name)
        }
        for (category, parts) in rule.both where parts.allSatisfy(categories.contains) { categories.insert(category) }
        return rule.order.first(where: categories.contains).map(Derived.value) ?? .missing
    }

    private func answerCount(_ codes: [String], table: [String: FHIRMapping.TableValue], _ context: Context) -> Derived {
        let usable = usableInWindow(codes, context)
        guard let day = usable.compactMap(\.date).max() else { return .missing }
        var answers: [String] = []
        for observation in usable where observation.date == day {
            context.used.add(observation.name)
            if case .codings(let codings) = observation.value { answers += codings }
            for member in observation.members {
                guard let target = context.observationsByName[member], target.usable, target.codes.contains(where: codes.contains),
                    case .codings(let codings) = target.value
                else { continue }
                context.used.add(target.name)
                answers += codings
            }
        }
        guard !answers.isEmpty else { return .missing }
        var counted: Set<String> = []
        var total = 0
        for answer in answers {
            guard case .value(let word)? = table[answer], let count = Int(word) else {
                warn("multi-select answers the mapping does not know (missing)")
                return .missing
            }
            if count > 0, counted.insert(answer).inserted { total += count }
        }
        return .value(String(total))
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\n" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r" { text.removeLast() }
        return String(text)
    }
}
