import Foundation
import StratifyRules
import StratifyTestSupport
import StratifyYAML
import Testing

@testable import StratifyFHIR
import StratifyCore

/// The worked examples of the spec (fhir-mapping.md section 11) and the
/// cases issue 16 names, each read through the default mapping: the
/// intake record a patient's resources give.
@Suite struct WorkedExampleTests {
    static func file(_ relative: String) -> SourceFile {
        try! RepositoryFixtures.source(relative)
    }

    static let program = RepositoryFixtures.defaultProgram

    /// The records (field → cell, "" when missing) of `resources`, one
    /// NDJSON line each, read as one file.
    static func records(_ resources: [String], asOf: String = "2026-12-31") throws -> (records: [[String: String]], intake: FHIRIntake) {
        let mapping = try FHIRMapping.load(file("Rules/fhir.yaml"), program: program)
        let path = RepositoryFixtures.temporaryFile(resources.joined(separator: "\n") + "\n", prefix: "stratify-fhir-worked", suffix: ".ndjson")
        defer { remove(path) }
        let intake = try FHIRIntake.read(paths: [path], mapping: mapping, program: program, asOf: CivilDate.days(asOf)!)
        let lines = String(decoding: intake.csv, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let header = lines.first!.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let records = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        return (records, intake)
    }

    static let patient = #"{"resourceType":"Patient","id":"p1","birthDate":"1970-07-01"}"#

    static func observation(
        _ code: String, _ date: String, value: String = "", status: String = "final", id: String? = nil, extra: String = ""
    ) -> String {
        let system = code.hasPrefix("INTAKE|") ? "https://stratify.dev/fhir/CodeSystem/intake" : "http://loinc.org"
        let bare = code.hasPrefix("INTAKE|") ? String(code.dropFirst(7)) : code
        let idText = id.map { #""id":"\#($0)","# } ?? ""
        return
            #"{"resourceType":"Observation",\#(idText)"status":"\#(status)","code":{"coding":[{"system":"\#(system)","code":"\#(bare)"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"\#(date)"\#(value.isEmpty ? "" : "," + value)\#(extra)}"#
    }

    static func answer(_ code: String) -> String {
        #""valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"\#(code)"}]}"#
    }

    static let phq9 = observation("44261-6", "2026-06-30T22:10:00-05:00", value: #""valueString":"12""#)

    @Test func example1LocalDateAndNumericString() throws {
        let (records, _) = try Self.records([Self.patient, Self.phq9])
        #expect(records[0]["assessed_on"] == "2026-06-30")
        #expect(records[0]["phq9_total"] == "12")
        #expect(records[0]["age"] == "55")
        let quantity = Self.observation("44261-6", "2026-06-30", value: #""valueQuantity":{"value":12.0}"#)
        #expect(try Self.records([Self.patient, quantity]).records[0]["phq9_total"] == "12")
        let fraction = Self.observation("44261-6", "2026-06-30", value: #""valueQuantity":{"value":12.5}"#)
        #expect(try Self.records([Self.patient, fraction]).records[0]["phq9_total"] == "12.5")  // rejected by validation
        let absent = Self.observation("44261-6", "2026-06-30", value: #""dataAbsentReason":{"text":"asked but declined"}"#)
        let record = try Self.records([Self.patient, absent]).records[0]
        #expect(record["assessed_on"] == "2026-06-30")
        #expect(record["phq9_total"] == "")
    }

    @Test func example2BloodPressureHalves() throws {
        let newer = Self.observation(
            "85354-9", "2026-06-01",
            extra:
                #","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":81}},{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"dataAbsentReason":{"text":"x"}}]"#
        )
        let older = Self.observation(
            "85354-9", "2026-05-01",
            extra:
                #","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":130}},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":85}}]"#
        )
        var record = try Self.records([Self.patient, Self.phq9, newer, older]).records[0]
        #expect(record["systolic_bp"] == "")
        #expect(record["diastolic_bp"] == "81")
        let standalone = Self.observation("8480-6", "2026-06-15", value: #""valueQuantity":{"value":128}"#)
        record = try Self.records([Self.patient, Self.phq9, newer, older, standalone]).records[0]
        #expect(record["systolic_bp"] == "128")
        #expect(record["diastolic_bp"] == "81")
    }

    @Test func example3HousingProblems() throws {
        let members = [("m1", "LA31996-4", "final"), ("m2", "LA32001-2", "final"), ("m3", "LA31996-4", "final"), ("m4", "LA28580-1", "entered-in-error")]
        let parent = Self.observation(
            "96778-6", "2026-06-30", extra: #","hasMember":["# + members.map { #"{"reference":"Observation/\#($0.0)"}"# }.joined(separator: ",") + "]")
        let memberLines = members.map { Self.observation("96778-6", "2026-06-30", value: Self.answer($0.1), status: $0.2, id: $0.0) }
        #expect(try Self.records([Self.patient, Self.phq9, parent] + memberLines).records[0]["housing_problems"] == "2")
        let codings = Self.observation(
            "96778-6", "2026-06-30",
            value:
                #""valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA31996-4"},{"system":"http://loinc.org","code":"LA32001-2"},{"system":"http://loinc.org","code":"LA31996-4"}]}"#
        )
        #expect(try Self.records([Self.patient, Self.phq9, codings]).records[0]["housing_problems"] == "2")
        let none = Self.observation("96778-6", "2026-06-30", value: Self.answer("LA9-3"))
        #expect(try Self.records([Self.patient, Self.phq9, none]).records[0]["housing_problems"] == "0")
        let unknown = Self.observation(
            "96778-6", "2026-06-30",
            value: #""valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA31996-4"},{"system":"http://loinc.org","code":"LA99999-9"}]}"#)
        #expect(try Self.records([Self.patient, Self.phq9, unknown]).records[0]["housing_problems"] == "")
    }

    @Test func example4PRAPAREHousing() throws {
        let housing = Self.observation("71802-3", "2026-06-30", value: Self.answer("LA30189-7"))
        let worried = Self.observation("93033-9", "2026-06-30", value: Self.answer("LA33-6"))
        #expect(try Self.records([Self.patient, Self.phq9, housing, worried]).records[0]["living_situation"] == "worried")
        #expect(try Self.records([Self.patient, Self.phq9, housing]).records[0]["living_situation"] == "")
    }

    static func encounter(_ classCode: String, _ start: String, _ end: String?, extra: String = "") -> String {
        let period = end.map { #"{"start":"\#(start)","end":"\#($0)"}"# } ?? #"{"start":"\#(start)"}"#
        return
            #"{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"\#(classCode)"},"subject":{"reference":"Patient/p1"},"period":\#(period)\#(extra)}"#
    }

    @Test func example5Encounters() throws {
        let encounters = [
            Self.encounter(
                "IMP", "2026-03-01", "2026-03-05",
                extra: #","priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActPriority","code":"EM"}]}"#),
            Self.encounter("IMP", "2026-03-02", "2026-03-03"),
            Self.encounter("EMER", "2026-01-01", "2026-01-01"),
            Self.encounter("EMER", "2025-12-30", "2025-12-30"),
            Self.encounter("AMB", "2026-06-01", "2026-06-01"),
        ]
        var record = try Self.records([Self.patient, Self.phq9] + encounters).records[0]
        #expect(record["los_days"] == "4")
        #expect(record["acute_admission"] == "true")
        #expect(record["admissions_12mo"] == "2")
        #expect(record["ed_visits_6mo"] == "1")
        record = try Self.records([Self.patient, Self.phq9, Self.encounter("IMP", "2025-06-30", "2025-07-10")]).records[0]
        #expect(record["los_days"] == "10")
        #expect(record["admissions_12mo"] == "0")
    }

    static func coverage(_ sopt: String, end: String? = nil) -> String {
        let period = end.map { #","period":{"end":"\#($0)"}"# } ?? ""
        return
            #"{"resourceType":"Coverage","status":"active","type":{"coding":[{"system":"https://nahdo.org/sopt","code":"\#(sopt)"}]},"beneficiary":{"reference":"Patient/p1"}\#(period)}"#
    }

    @Test func example6Coverage() throws {
        #expect(try Self.records([Self.patient, Self.phq9, Self.coverage("121"), Self.coverage("21")]).records[0]["insurance"] == "dual")
        #expect(try Self.records([Self.patient, Self.phq9, Self.coverage("3712")]).records[0]["insurance"] == "")
        #expect(try Self.records([Self.patient, Self.phq9, Self.coverage("81", end: "2026-05-31")]).records[0]["insurance"] == "")
    }

    @Test func example7IntakeOverrideWins() throws {
        let override = Self.observation("INTAKE|gad7_total", "2026-02-01", value: #""valueInteger":9"#)
        let loinc = Self.observation("70274-6", "2026-06-30", value: #""valueInteger":15"#)
        let record = try Self.records([Self.patient, override, loinc]).records[0]
        #expect(record["gad7_total"] == "9")
        #expect(record["assessed_on"] == "2026-06-30")
    }

    /// Superseded statuses, values after --as-of, PHQ-2 instead of PHQ-9,
    /// duplicate Patients, resources for unknown patients.
    @Test func casesTheIssueNames() throws {
        let preliminary = Self.observation("44261-6", "2026-07-01", value: #""valueInteger":20"#, status: "preliminary")
        let errorEntered = Self.observation("44261-6", "2026-07-02", value: #""valueInteger":21"#, status: "entered-in-error")
        var record = try Self.records([Self.patient, Self.phq9, preliminary, errorEntered]).records[0]
        #expect(record["phq9_total"] == "12")
        #expect(record["assessed_on"] == "2026-06-30")
        let later = Self.observation("44261-6", "2027-01-05", value: #""valueInteger":25"#)
        record = try Self.records([Self.patient, Self.phq9, later]).records[0]
        #expect(record["phq9_total"] == "12")
        let phq2 = Self.observation("55758-7", "2026-06-30", value: #""valueInteger":4"#)
        record = try Self.records([Self.patient, phq2]).records[0]
        #expect(record["phq9_total"] == "")
        #expect(record["assessed_on"] == "")
        let (records, intake) = try Self.records([
            Self.patient, Self.patient, Self.phq9,
            Self.observation("44261-6", "2026-06-30", value: #""valueInteger":3"#).replacingOccurrences(of: "Patient/p1", with: "Patient/p9"),
        ])
        #expect(records.count == 1)
        #expect(intake.warnings.contains("1 \u{00D7} repeated Patient resources ignored (the first is used)"))
        #expect(intake.problems.map(\.message) == ["subject Patient/p9: no such Patient"])
    }

    /// The built-in mapping is the one in Rules/ (the CLI embeds a copy).
    @Test func embeddedMappingIsRulesFHIRYAML() {
        #expect(Self.file("Rules/fhir.yaml").bytes == Self.file("Sources/stratify/Resources/fhir.yaml").bytes)
    }

    /// A mapping with a wrong type or an unmapped input names its place.
    @Test func mappingDiagnostics() throws {
        var text = String(decoding: Self.file("Rules/fhir.yaml").bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "  med_count: {count_medications: true}\n", with: "  med_count: {condition: {system: ICD10CM, prefixes: [F]}}\n")
        let source = SourceFile(path: "fhir.yaml", text: text)
        #expect(throws: DiagnosticError.self) { try FHIRMapping.load(source, program: Self.program) }
        do {
            _ = try FHIRMapping.load(source, program: Self.program)
        } catch {
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("  med_count:") }! + 1
            #expect(error.diagnostics.map(\.description) == ["fhir.yaml:\(line):26: error: med_count is an integer, but this source gives true or false"])
        }
    }
}
