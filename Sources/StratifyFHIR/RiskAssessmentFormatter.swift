import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules
import StratifyYAML

/// `score --format fhir`: one FHIR R4 `RiskAssessment` per scored record,
/// as NDJSON (spec fhir-mapping.md section 10). Deterministic: the output
/// depends only on the input, the rule file, the mapping and `--as-of`.
package struct RiskAssessmentFormatter: RecordFormatter {
    private let layout: RiskAssessmentLayout

    /// `basis` gives, for a record read from FHIR, the resources whose
    /// data gave its inputs their values (nil: CSV or NDJSON intake, no
    /// `basis` element).
    package init(program: Program, riskCodes: [String: String], basis: [String: [String]]?) {
        layout = RiskAssessmentLayout(program: program, riskCodes: riskCodes, basis: basis)
    }

    package mutating func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let text = layout.resource(evaluator, patientId: String(decoding: identifier, as: UTF8.self))
        out.append(bytes: Array(text.utf8))
        out.append(10)
    }
}

/// What every RiskAssessment shares, prepared once.
final class RiskAssessmentLayout: Sendable {
    // Immutable after init.
    let program: Program
    let method: String
    let riskCodes: [String: String]
    let basis: [String: [String]]?
    let assessedOnRegister: Int?
    static let tierSystem = "https://stratify.dev/fhir/CodeSystem/tier"
    static let riskSystem = "http://terminology.hl7.org/CodeSystem/risk-probability"
    static let scoreURL = "https://stratify.dev/fhir/StructureDefinition/score"

    init(program: Program, riskCodes: [String: String], basis: [String: [String]]?) {
        self.program = program
        self.riskCodes = riskCodes
        self.basis = basis
        let name = program.name ?? "rules"
        var version = ""
        if let root = try? YAMLLoader.load(program.source), let pairs = root.mapping,
            let value = pairs.first(where: { $0.key.scalar == "version" })?.value.scalar
        {
            version = value
        }
        let digest = SHA256.hex(program.source.bytes)
        method =
            #"{"coding":[{"system":"https://stratify.dev/fhir/CodeSystem/rule-set","version":"# + jsonString(version)
            + #","code":"# + jsonString(name) + "}],\"text\":" + jsonString("\(name) version \(version), sha256 \(digest)") + "}"
        assessedOnRegister = program.inputs.firstIndex { $0.name == "assessed_on" && $0.type == .date }
    }

    /// `stratify-` + the id, or a hash of it when that is too long for a FHIR id.
    static func resourceId(_ patientId: String) -> String {
        let id = "stratify-" + patientId
        return id.utf8.count <= 64 ? id : "stratify-" + String(SHA256.hex(Array(patientId.utf8)).prefix(32))
    }

    func resource(_ e: Evaluator, patientId: String) -> String {
        let r = e.registerValues
        var json = #"{"resourceType":"RiskAssessment","id":"# + jsonString(Self.resourceId(patientId))
        json += #","status":"final","method":"# + method
        json += #","subject":{"reference":"# + jsonString("Patient/" + patientId) + "}"
        if let register = assessedOnRegister, !r[register].isNaN {
            json += #","occurrenceDateTime":""# + CivilDate.text(Int(r[register])) + "\""
        }
        if let basis {
            let references = ["Patient/" + patientId] + (basis[patientId] ?? [])
            json += #","basis":["# + references.map { #"{"reference":"# + jsonString($0) + "}" }.joined(separator: ",") + "]"
        }
        var predictions: [String] = []
        let escalations = program.overall.escalations.filter { r[$0.condition.register] == 1 }.map(\.because)
        predictions.append(
            prediction(
                outcome: "overall", score: Int(r[program.overall.totalRegister]), tier: Int(r[program.overall.tierRegister]),
                rationale: escalations))
        for domain in program.domains {
            let fired = domain.rules.filter { r[program.rules[$0].condition.register] == 1 }.map { program.rules[$0].because }
            let floors = domain.floors.filter { r[$0.condition.register] == 1 }.map(\.because)
            predictions.append(
                prediction(
                    outcome: domain.name, score: Int(r[domain.scoreRegister]), tier: Int(r[domain.tierRegister]), rationale: fired + floors))
        }
        json += #","prediction":["# + predictions.joined(separator: ",") + "]"
        let model = program.models[e.modelIndex]
        var mitigation = "Case-management model \(model.id) (\(model.contact))"
        if let review = program.review, !r[review.register].isNaN {
            mitigation += ", review by \(CivilDate.text(Int(r[review.register])))"
        }
        json += #","mitigation":"# + jsonString(mitigation + ".")
        var notes = program.flags.filter { r[$0.register] == 1 }.map { "Flag: \($0.name)" }
        let missing = program.missingOrder.filter { r[$0].isNaN }.map { program.inputs[$0].name }
        if !missing.isEmpty { notes.append("Missing data: " + missing.joined(separator: ", ")) }
        if !notes.isEmpty {
            json += #","note":["# + notes.map { #"{"text":"# + jsonString($0) + "}" }.joined(separator: ",") + "]"
        }
        return json + "}"
    }

    private func prediction(outcome: String, score: Int, tier: Int, rationale: [String]) -> String {
        let tierName = program.tiers.values[tier]
        let risk = riskCodes[tierName] ?? tierName
        var codings = [#"{"system":"\#(Self.riskSystem)","code":"# + jsonString(risk) + "}"]
        if risk != tierName { codings.append(#"{"system":"\#(Self.tierSystem)","code":"# + jsonString(tierName) + "}") }
        var json = #"{"extension":[{"url":"\#(Self.scoreURL)","valueInteger":\#(score)}],"outcome":{"text":"# + jsonString(outcome)
        json += #"},"qualitativeRisk":{"coding":["# + codings.joined(separator: ",") + "]}"
        if !rationale.isEmpty { json += #","rationale":"# + jsonString(rationale.joined(separator: " ")) }
        return json + "}"
    }
}

/// A JSON string literal, escaped as every JSON writer of stratify does
/// (`OutputBuffer.appendJSONString`).
func jsonString(_ text: String) -> String {
    let out = OutputBuffer(capacity: text.utf8.count + 2)
    out.appendJSONString(text)
    return String(decoding: out.bytes, as: UTF8.self)
}
