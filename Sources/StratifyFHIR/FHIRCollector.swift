/// Where a resource came from: `PATH:LINE`, `PATH:LINE entry[N]`, `PATH`
/// or `PATH entry[N]` (spec section 2.2), kept as three integers.
struct ResourceLocation {
    var file: Int32
    /// 0 for a `.json` file read whole.
    var line: Int32
    /// -1 outside a Bundle.
    var entry: Int32
}

/// An input problem (spec section 2.3): reported with its location, the
/// resource skipped, the run going on.
package struct InputProblem: Sendable, Equatable {
    package var location: String
    package var patientId: String
    package var message: String
}

/// Reads resources one at a time and keeps, per patient reference, only
/// the facts the mapping needs. References are resolved over the whole
/// input, at the end: a Bulk export may give Observations before Patients.
final class FHIRCollector {
    let mapping: FHIRMapping
    var files: [String] = []
    /// Patients in the order they first appear: their `id` (nil: none).
    private(set) var patients: [(id: String?, birthDate: String?)] = []
    private var patientIndex: [String: Int] = [:]
    /// Facts by patient reference (`Patient/id`, or a `urn:` not yet resolved).
    private var buckets: [String: PatientFacts] = [:]
    /// Locations of the resources in a bucket whose Patient has not been
    /// seen yet, to report them if it never is.
    private var pending: [String: [ResourceLocation]] = [:]
    /// (type, id) of every resource read, as a 64-bit FNV-1a hash: a
    /// string each would be most of the memory of a large export (two
    /// resources colliding among a million: about 1 in 30 million).
    private var seen: Set<UInt64> = []
    private var fullUrls: [String: String] = [:]
    private var medicationKeys: [String: String] = [:]
    private(set) var problems: [(location: ResourceLocation, patient: String, message: String)] = []
    /// Aggregated warnings: what → how many.
    private(set) var warnings: [String: Int] = [:]
    private(set) var warningOrder: [String] = []
    private var order = 0
    /// Bundles resolve `urn:` references through each other's entries:
    /// such an input is read on one thread (see ``absorb(_:splitFile:linesBefore:)``).
    private(set) var sawBundle = false
    /// One shared copy of each code string kept in facts (`system|code`
    /// repeats across patients; a copy each would dominate the memory).
    private var interned: [String: String] = [:]

    private func intern(_ text: String) -> String {
        if let shared = interned[text] { return shared }
        interned[text] = text
        return text
    }

    private func interned(_ value: ObservationValue) -> ObservationValue {
        if case .codings(let codings) = value { return .codings(intern(codings)) }
        return value
    }

    private func intern(_ texts: [String]) -> [String] {
        texts.map(intern)
    }

    /// Every element name the reader looks at (and, always, `value…`):
    /// the parser skips the others (display texts, narratives, meta)
    /// without building them. A new element read below must be added here.
    static let elementsRead = MemberNames([
        "resourceType", "id", "status", "code", "coding", "system", "subject", "patient", "beneficiary", "reference",
        "effectiveDateTime", "effectivePeriod", "effectiveInstant", "start", "end", "dataAbsentReason", "component",
        "hasMember", "entry", "fullUrl", "resource", "class", "classHistory", "hospitalization", "admitSource",
        "priority", "diagnosis", "condition", "reasonReference", "reasonCode", "period", "clinicalStatus",
        "verificationStatus", "onsetDateTime", "onsetPeriod", "recordedDate", "medicationCodeableConcept",
        "medicationReference", "contained", "authoredOn", "type", "item", "answer", "linkId", "authored", "birthDate",
        "comparator", "transactionTime", "output",
    ])

    init(mapping: FHIRMapping) {
        self.mapping = mapping
    }

    func warn(_ text: String) {
        if warnings[text] == nil { warningOrder.append(text) }
        warnings[text, default: 0] += 1
    }

    /// For a collector that reads a later part of the input: the warnings
    /// about the input as a whole are the first part's.
    func clearWarnings() {
        warnings = [:]
        warningOrder = []
    }

    func problem(_ location: ResourceLocation, _ message: String, patient: String = "") {
        problems.append((location, patient, message))
    }

    func locationText(_ location: ResourceLocation) -> String {
        var text = files[Int(location.file)]
        if location.line > 0 { text += ":\(location.line)" }
        if location.entry >= 0 { text += " entry[\(location.entry)]" }
        return text
    }

    // MARK: - Resources

    func add(_ resource: JSONValue, at location: ResourceLocation, inBundle: Bool = false, local: [String: String] = [:]) {
        guard resource.isObject else { return problem(location, "not a JSON object") }
        guard let type = resource["resourceType"]?.string else {
            if !inBundle, resource["transactionTime"] != nil, resource["output"] != nil {
                return warn("Bulk Data manifest skipped")
            }
            return problem(location, "no resourceType")
        }
        switch type {
        case "Bundle":
            if inBundle { return problem(location, "nested Bundle") }
            addBundle(resource, at: location)
        case "Parameters":
            return
        case "Patient":
            addPatient(resource, at: location)
        case "Medication":
            guard isFirst(type, resource) else { return }
            let key = medicationKey(resource["code"])
            if let id = resource["id"]?.string { medicationKeys["Medication/\(id)"] = key }
        case "Observation", "Encounter", "Condition", "MedicationRequest", "Coverage", "QuestionnaireResponse":
            guard isFirst(type, resource) else { return }
            addPatientResource(type, resource, at: location, local: local)
        default:
            warn("resources of type \(type) ignored")
        }
    }

    private func isFirst(_ type: String, _ resource: JSONValue) -> Bool {
        guard let id = resource["id"]?.string else { return true }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in type.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        hash = (hash ^ 0x2F) &* 0x100_0000_01B3
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        if seen.insert(hash).inserted { return true }
        warn("repeated \(type) resources ignored (the first is used)")
        return false
    }

    private func addBundle(_ bundle: JSONValue, at location: ResourceLocation) {
        sawBundle = true
        let entries = bundle["entry"]?.array ?? []
        var local: [String: String] = [:]
        for entry in entries {
            guard let url = entry["fullUrl"]?.string, let resource = entry["resource"],
                let type = resource["resourceType"]?.string
            else { continue }
            let name = resource["id"]?.string.map { "\(type)/\($0)" } ?? url
            if local[url] == nil { local[url] = name }
            if fullUrls[url] == nil { fullUrls[url] = name }
        }
        for (index, entry) in entries.enumerated() {
            guard let resource = entry["resource"] else { continue }
            var place = location
            place.entry = Int32(index)
            add(resource, at: place, inBundle: true, local: local)
        }
    }

    private func addPatient(_ resource: JSONValue, at location: ResourceLocation) {
        guard let id = resource["id"]?.string else {
            patients.append((nil, nil))
            return
        }
        guard patientIndex["Patient/\(id)"] == nil else {
            return warn("repeated Patient resources ignored (the first is used)")
        }
        patientIndex["Patient/\(id)"] = patients.count
        patients.append((id, resource["birthDate"]?.string))
        pending["Patient/\(id)"] = nil
    }

    /// `Type/id` for a reference string (spec section 2.5), a `urn:` to
    /// resolve later, or nil when it cannot name a resource.
    func canonical(_ reference: String, local: [String: String]) -> String? {
        if reference.utf8.first == UInt8(ascii: "u"), reference.hasPrefix("urn:") {
            return local[reference] ?? fullUrls[reference] ?? reference
        }
        // Byte by byte: this runs for every reference of every resource.
        var utf8 = Array(reference.utf8)
        if let history = Self.range(of: Array("/_history/".utf8), in: utf8) { utf8.removeSubrange(history...) }
        guard let slash = utf8.lastIndex(of: 0x2F), slash > 0 else { return nil }
        let id = utf8[(slash + 1)...]
        let typeStart = utf8[..<slash].lastIndex(of: 0x2F).map { $0 + 1 } ?? 0
        guard typeStart < slash, (0x41...0x5A).contains(utf8[typeStart]),
            !id.isEmpty, id.count <= 64,
            id.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        if typeStart == 0, utf8.count == reference.utf8.count { return reference }
        return String(decoding: utf8[typeStart...], as: UTF8.self)
    }

    private static func range(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    private func resolved(_ name: String) -> String {
        name.hasPrefix("urn:") ? fullUrls[name] ?? name : name
    }

    private func addPatientResource(_ type: String, _ resource: JSONValue, at location: ResourceLocation, local: [String: String]) {
        let reference = (resource["subject"] ?? resource["patient"] ?? resource["beneficiary"])?["reference"]?.string
        guard let reference else { return problem(location, "no subject") }
        guard let patient = canonical(reference, local: local), patient.hasPrefix("Patient/") || patient.hasPrefix("urn:") else {
            return problem(location, "subject \(reference): no such Patient")
        }
        if patientIndex[patient] == nil { pending[patient, default: []].append(location) }
        let name = resource["id"]?.string.map { "\(type)/\($0)" }
        var facts = buckets[patient] ?? PatientFacts()
        buckets[patient] = nil
        switch type {
        case "Observation": addObservation(resource, name: name, local: local, to: &facts)
        case "QuestionnaireResponse": addResponse(resource, name: name, to: &facts)
        case "Encounter": facts.encounters.append(encounter(resource, name: name, local: local))
        case "Condition": facts.conditions.append(condition(resource, name: name))
        case "MedicationRequest": facts.medications.append(medication(resource, name: name, local: local))
        default: facts.coverages.append(coverage(resource, name: name))
        }
        buckets[patient] = facts
    }

    // MARK: - Elements

    static func codings(_ concept: JSONValue?) -> [String] {
        (concept?["coding"]?.array ?? []).compactMap { coding in
            guard let system = coding["system"]?.string, let code = coding["code"]?.string else { return nil }
            return system + "|" + code
        }
    }

    static func date(_ value: JSONValue?) -> Int? {
        value?.string.flatMap(CivilDate.days)
    }

    private func nextOrder() -> Int {
        order += 1
        return order
    }

    private func addObservation(_ resource: JSONValue, name: String?, local: [String: String], to facts: inout PatientFacts) {
        let codes = readCodes(Self.codings(resource["code"]))
        guard !codes.isEmpty else { return warn("Observations with codes the mapping does not read ignored") }
        let value: ObservationValue = resource["dataAbsentReason"] != nil ? .absent : interned(Self.value(of: resource))
        let components = (resource["component"]?.array ?? []).map { component in
            (
                codes: intern(Self.codings(component["code"])),
                value: component["dataAbsentReason"] != nil ? ObservationValue.absent : interned(Self.value(of: component))
            )
        }
        let members = (resource["hasMember"]?.array ?? []).compactMap { $0["reference"]?.string.flatMap { canonical($0, local: local) } }
        facts.observations.append(
            ObservationFact(
                codes: codes, usable: mapping.observationStatuses.contains(resource["status"]?.string ?? ""),
                date: Self.date(resource["effectiveDateTime"]) ?? Self.date(resource["effectivePeriod"]?["start"])
                    ?? Self.date(resource["effectiveInstant"]),
                order: nextOrder(), name: name, value: value, components: components, members: members))
    }

    /// The codes of `codes` the mapping reads: its Observation codes, and
    /// every code of the override system.
    private func readCodes(_ codes: [String]) -> [String] {
        intern(codes).filter { code in
            mapping.observationCodes.contains(code) || mapping.overrideSystem.map { code.hasPrefix($0 + "|") } == true
        }
    }

    static func value(of element: JSONValue) -> ObservationValue {
        if let quantity = element["valueQuantity"] {
            guard quantity["comparator"] == nil, case .number(let text)? = quantity["value"] else { return .unreadable }
            return .number(text)
        }
        if case .number(let text)? = element["valueInteger"] ?? element["valueDecimal"] { return .number(text) }
        if let text = element["valueString"]?.string { return .string(text) }
        if case .bool(let flag)? = element["valueBoolean"] { return .boolean(flag) }
        if let concept = element["valueCodeableConcept"] { return .codings(codings(concept)) }
        if let coding = element["valueCoding"] { return .codings(codings(.object([("coding", .array([coding]))]))) }
        if let text = element["valueDateTime"]?.string ?? element["valueDate"]?.string { return .dateTime(text) }
        if case .object(let members) = element, members.contains(where: { $0.key.hasPrefix("value") }) {
            return .unreadable
        }
        return .none
    }

    private func addResponse(_ resource: JSONValue, name: String?, to facts: inout PatientFacts) {
        guard mapping.questionnaireStatuses.contains(resource["status"]?.string ?? ""), let system = mapping.linkIdSystem else { return }
        let date = Self.date(resource["authored"])
        func visit(_ items: [JSONValue]) {
            for item in items {
                let answers = item["answer"]?.array ?? []
                if let link = item["linkId"]?.string, link.hasPrefix("/"), !answers.isEmpty {
                    let codes = readCodes([system + "|" + link.dropFirst()])
                    if !codes.isEmpty {
                        let value: ObservationValue
                        if answers.contains(where: { $0["valueCoding"] != nil }) {
                            value = .codings(
                                answers.flatMap { answer in
                                    answer["valueCoding"].map { Self.codings(.object([("coding", .array([$0]))])) } ?? []
                                })
                        } else {
                            value = Self.value(of: answers[0])
                        }
                        facts.observations.append(
                            ObservationFact(
                                codes: codes, usable: true, date: date, order: nextOrder(), name: name, value: interned(value),
                                components: [], members: []))
                    }
                }
                visit(item["item"]?.array ?? [])
                for answer in answers { visit(answer["item"]?.array ?? []) }
            }
        }
        visit(resource["item"]?.array ?? [])
    }

    private func encounter(_ resource: JSONValue, name: String?, local: [String: String]) -> EncounterFact {
        let classCode = resource["class"].flatMap { Self.codings(.object([("coding", .array([$0]))])).first }
        let history = (resource["classHistory"]?.array ?? []).compactMap { entry in
            entry["class"].flatMap { Self.codings(.object([("coding", .array([$0]))])).first }
        }
        let acute =
            Self.codings(resource["hospitalization"]?["admitSource"]).contains(where: mapping.acuteAdmitSource.contains)
            || Self.codings(resource["priority"]).contains(where: mapping.acutePriority.contains)
            || history.contains(where: mapping.acuteClassHistory.contains)
        let references =
            ((resource["diagnosis"]?.array ?? []).compactMap { $0["condition"]?["reference"]?.string }
            + (resource["reasonReference"]?.array ?? []).compactMap { $0["reference"]?.string })
            .compactMap { canonical($0, local: local) }
        return EncounterFact(
            counted: mapping.encounterStatuses.contains(resource["status"]?.string ?? ""), classCode: classCode.map(intern),
            start: Self.date(resource["period"]?["start"]), end: Self.date(resource["period"]?["end"]), acute: acute,
            reasonCodes: intern((resource["reasonCode"]?.array ?? []).flatMap { Self.codings($0) }),
            reasonReferences: references, order: nextOrder(), name: name)
    }

    private func condition(_ resource: JSONValue, name: String?) -> ConditionFact {
        ConditionFact(
            clinicalStatus: intern(Self.codings(resource["clinicalStatus"])),
            verificationStatus: intern(Self.codings(resource["verificationStatus"])),
            onset: Self.date(resource["onsetDateTime"]) ?? Self.date(resource["onsetPeriod"]?["start"]) ?? Self.date(resource["recordedDate"]),
            codes: intern(Self.codings(resource["code"])), name: name)
    }

    /// A drug's key (spec 6.5): the preferred system's coding, else the
    /// first coding with a system and a code; nil: none.
    private func medicationKey(_ concept: JSONValue?) -> String? {
        let codings = Self.codings(concept)
        if let preferred = mapping.medicationPreferredSystem, let coding = codings.first(where: { $0.hasPrefix(preferred + "|") }) {
            return coding
        }
        return codings.first
    }

    private func medication(_ resource: JSONValue, name: String?, local: [String: String]) -> MedicationFact {
        var fact = MedicationFact(
            active: mapping.medicationStatuses.contains(resource["status"]?.string ?? ""),
            authored: Self.date(resource["authoredOn"]), key: nil, reference: nil, name: name)
        if let concept = resource["medicationCodeableConcept"] {
            fact.key = medicationKey(concept).map(intern)
        } else if let reference = resource["medicationReference"]?["reference"]?.string {
            if reference.hasPrefix("#") {
                let contained = (resource["contained"]?.array ?? []).first { $0["id"]?.string == String(reference.dropFirst()) }
                fact.key = contained.flatMap { medicationKey($0["code"]) }
            } else {
                fact.reference = canonical(reference, local: local)
            }
        }
        return fact
    }

    private func coverage(_ resource: JSONValue, name: String?) -> CoverageFact {
        CoverageFact(
            active: mapping.coverageStatuses.contains(resource["status"]?.string ?? ""),
            start: Self.date(resource["period"]?["start"]), end: Self.date(resource["period"]?["end"]),
            types: intern(Self.codings(resource["type"])), name: name)
    }

    // MARK: - Two halves read on two threads

    /// Takes in what `later` collected from the part of the input that
    /// follows this one's, as if one collector had read both in order:
    /// its input order numbers continue this one's, its Patients come
    /// after, and the lines it counted in `splitFile` (the file the two
    /// parts share) follow the `linesBefore` this one read of it. Returns
    /// false, changing nothing, when the result could differ from one
    /// reading (a resource or Patient in both parts: the first is used;
    /// Bundles): the input is then read again on one thread.
    func absorb(_ later: FHIRCollector, splitFile: Int32?, linesBefore: Int32) -> Bool {
        guard !sawBundle, !later.sawBundle, seen.isDisjoint(with: later.seen),
            !later.patientIndex.keys.contains(where: { patientIndex[$0] != nil })
        else { return false }
        func shifted(_ location: ResourceLocation) -> ResourceLocation {
            var location = location
            if location.file == splitFile { location.line += linesBefore }
            return location
        }
        for (key, index) in later.patientIndex { patientIndex[key] = patients.count + index }
        patients += later.patients
        for (key, var facts) in later.buckets {
            for index in facts.observations.indices { facts.observations[index].order += order }
            for index in facts.encounters.indices { facts.encounters[index].order += order }
            if var earlier = buckets.removeValue(forKey: key) {
                earlier.merge(facts)
                buckets[key] = earlier
            } else {
                buckets[key] = facts
            }
        }
        order += later.order
        for (key, locations) in later.pending { pending[key, default: []] += locations.map(shifted) }
        problems += later.problems.map { (shifted($0.location), $0.patient, $0.message) }
        for text in later.warningOrder {
            if warnings[text] == nil { warningOrder.append(text) }
            warnings[text, default: 0] += later.warnings[text]!
        }
        medicationKeys.merge(later.medicationKeys) { earlier, _ in earlier }
        seen.formUnion(later.seen)
        return true
    }

    // MARK: - The end of the input

    /// Each Patient's facts, in the order the Patients first appeared;
    /// resources pointing at no Patient become input problems.
    func finish() -> [PatientFacts] {
        var result = [PatientFacts](repeating: PatientFacts(), count: patients.count)
        // Each bucket is moved, not copied: the facts are the bulk of the memory.
        for key in Array(buckets.keys) {
            let facts = buckets.removeValue(forKey: key)!
            let patient = resolved(key)
            guard let index = patientIndex[patient] else {
                for location in pending[key] ?? [] {
                    problem(location, "subject \(key.hasPrefix("urn:") ? key : patient): no such Patient")
                }
                continue
            }
            if result[index].observations.isEmpty, result[index].encounters.isEmpty {
                let kept = result[index]
                result[index] = facts
                result[index].merge(kept)
            } else {
                result[index].merge(facts)
            }
        }
        buckets = [:]
        pending = [:]
        for index in result.indices {
            for item in result[index].medications.indices {
                guard let reference = result[index].medications[item].reference else { continue }
                result[index].medications[item].key = medicationKeys[resolved(reference)].flatMap { $0 }
            }
            for item in result[index].observations.indices {
                result[index].observations[item].members = result[index].observations[item].members.map(resolved)
            }
            for item in result[index].encounters.indices {
                result[index].encounters[item].reasonReferences = result[index].encounters[item].reasonReferences.map(resolved)
            }
        }
        problems.sort { ($0.location.file, $0.location.line, $0.location.entry) < ($1.location.file, $1.location.line, $1.location.entry) }
        return result
    }
}
