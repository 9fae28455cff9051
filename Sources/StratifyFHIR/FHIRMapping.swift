import StratifyCore
import StratifyRules
import StratifyYAML

/// The mapping from FHIR R4 resources to the inputs of a rule set, decoded
/// from YAML (`Rules/fhir.yaml`). The Swift code knows FHIR's structure
/// (where an Observation keeps its value, an Encounter its class); every
/// code, window, status and answer table comes from here.
package struct FHIRMapping: Sendable {
    /// A coding written `SYSTEM|code`, with SYSTEM expanded to its URL.
    typealias Code = String

    struct NumberRule: Sendable {
        var minimum: Double
        var maximum: Double
        var value: String
    }

    indirect enum TableValue: Sendable {
        case value(String)
        case missing
        case source(Source)
    }

    struct PrefixMatch: Sendable {
        /// The system URL; codes are compared normalised (trimmed, upper
        /// case, dots removed).
        var system: String
        var prefixes: [String]
        var codes: [String]

        func matches(normalised code: String) -> Bool {
            codes.contains(code) || prefixes.contains { code.hasPrefix($0) }
        }
    }

    struct CoverageRule: Sendable {
        var system: String
        /// Longest prefix first.
        var prefixes: [(prefix: String, category: String)]
        var both: [(category: String, parts: [String])]
        var order: [String]
    }

    enum AdmissionAttribute: String, Sendable {
        case lengthOfStay = "length_of_stay"
        case acute
    }

    indirect enum Source: Sendable {
        case patientId
        case age
        case anchor
        case overrideOnly
        case latest(codes: [Code], table: String?, component: [Code: Code], numbers: [NumberRule])
        case indexAdmission(AdmissionAttribute)
        case countEncounters(classCodes: [Code], days: Int, reason: PrefixMatch?)
        case countMedications
        case condition(PrefixMatch)
        case coverage(CoverageRule)
        case answerCount(codes: [Code], table: String)
        case any([Source])
        case sum([Source])
        case firstOf([Source])
        case cases([(condition: Source, value: String)])
        case equals(Source, String)
    }

    package let source: SourceFile
    var observationStatuses: Set<String> = []
    var lookBackDays = 365
    var overrideSystem: String?
    var anchorInput = "assessed_on"
    var anchorCodes: [Code] = []
    var encounterStatuses: Set<String> = []
    var encounterClasses: [String: [Code]] = [:]
    var indexClass: [Code] = []
    var indexLookBackDays = 365
    var acuteAdmitSource: [Code] = []
    var acutePriority: [Code] = []
    var acuteClassHistory: [Code] = []
    var conditionClinical: [Code] = []
    var conditionRefuted: [Code] = []
    var medicationStatuses: Set<String> = []
    var medicationPreferredSystem: String?
    var coverageStatuses: Set<String> = []
    /// QuestionnaireResponse statuses whose items are read, and the system
    /// of the code after the `/` of an item's linkId.
    var questionnaireStatuses: Set<String> = []
    var linkIdSystem: String?
    var tables: [String: [Code: TableValue]] = [:]
    /// `score --format fhir`: tier name → risk-probability code.
    package internal(set) var riskCodes: [String: String] = [:]
    /// Per input of the program, in the program's order.
    var inputs: [Source] = []
    /// Every Observation code any source reads, for keeping only those.
    var observationCodes: Set<Code> = []

    /// Decodes `source` and checks it against `program`'s inputs. Throws
    /// every error found, each at its file:line:column.
    package static func load(_ source: SourceFile, program: Program) throws(DiagnosticError) -> FHIRMapping {
        let root = try YAMLLoader.load(source)
        var decoder = MappingDecoder(source: source, program: program)
        let mapping = decoder.decode(root)
        if !decoder.diagnostics.isEmpty || mapping == nil {
            throw DiagnosticError(
                decoder.diagnostics.isEmpty
                    ? [.error("the FHIR mapping could not be read", path: source.path, at: nil)] : decoder.diagnostics)
        }
        return mapping!
    }

    init(source: SourceFile) {
        self.source = source
    }
}
