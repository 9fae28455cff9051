import StratifyEngine
import StratifyIO
import StratifyRules
import StratifyYAML

/// Turns the YAML tree of a test file into a `RuleTestFile`, checking every
/// name against the program it tests (inputs, derived values, rule ids,
/// tiers, models, flags) and decoding every patient value with the real
/// `InputDecoder`. Every mistake is reported at its line and column.
struct RuleTestDecoder {
    static let fileKeys = ["rules", "description", "baseline", "cases"]
    static let caseKeys = ["name", "patient", "missing", "expect"]

    let context: NodeReader
    let program: Program
    private let decoder: InputDecoder
    private let inputNames: [String]

    init(context: NodeReader, program: Program) {
        self.context = context
        self.program = program
        self.decoder = InputDecoder(program: program)
        self.inputNames = program.inputs.map(\.name)
    }

    func decode(_ file: KeyedNodes, rulesPath: String) -> RuleTestFile? {
        let description = file["description"].flatMap { context.string($0, what: "description")?.value }
        var baseline = [Double](repeating: .nan, count: program.inputs.count)
        if let node = file["baseline"] {
            _ = patient(node, what: "the baseline", into: &baseline)
        }
        var cases: [RuleTestCase] = []
        if let node = file["cases"] {
            if let items = node.sequence {
                if items.isEmpty { context.error("'cases' is empty: a test file needs at least one case", at: node) }
                for (index, item) in items.enumerated() {
                    if let decoded = testCase(item, number: index + 1, baseline: baseline) { cases.append(decoded) }
                }
            } else {
                context.error("'cases' must be a list of cases, found \(node.kindDescription)", at: node)
            }
        } else {
            context.error("a test file needs 'cases': a list of cases, each with a patient and what to expect", at: file.node.location)
        }
        guard !context.hasErrors else { return nil }
        return RuleTestFile(source: context.source, rulesPath: rulesPath, program: program, description: description, cases: cases)
    }

    // MARK: - Cases

    private func testCase(_ node: YAMLNode, number: Int, baseline: [Double]) -> RuleTestCase? {
        guard let keyed = context.mapping(node, what: "a case", allowed: Self.caseKeys) else { return nil }
        let name = keyed["name"].flatMap { context.string($0, what: "the case's name")?.value } ?? "case \(number)"
        var inputs = baseline
        let given = keyed["patient"].map { patient($0, what: "the patient", into: &inputs) } ?? [:]
        if let missing = keyed["missing"], let items = context.list(missing, what: "'missing'") {
            for item in items {
                guard let index = inputIndex(item, what: "'missing'") else { continue }
                if index == program.identifier {
                    context.error("'\(inputNames[index])' is the identifier: every record has one, so it cannot be missing", at: item)
                } else if given[index] != nil {
                    context.error("'\(inputNames[index])' is given a value in 'patient' and listed in 'missing'", at: item)
                }
                inputs[index] = .nan
            }
        }
        // The identifier is never needed to score: a case need not give it.
        if inputs[program.identifier].isNaN { inputs[program.identifier] = 0 }
        for index in program.inputs.indices where program.inputs[index].required && inputs[index].isNaN {
            context.error("the case has no value for '\(inputNames[index])', which the rule file requires", at: node.location)
        }
        guard let expect = keyed["expect"] else {
            context.error("a case needs 'expect': what the rules must make of the patient", at: node.location)
            return nil
        }
        let expectations = ExpectationDecoder(context: context, program: program).decode(expect)
        if expectations.isEmpty, expect.mapping?.isEmpty ?? expect.isNull {
            context.error("'expect' is empty: say at least one thing the case must show", at: expect)
        }
        return RuleTestCase(name: name, location: node.location, inputs: inputs, expectations: expectations)
    }

    // MARK: - Patients

    /// Decodes `field: value` pairs into `values`, each through the real
    /// `InputDecoder`, as intake text; null is missing. Returns the node of
    /// each input given.
    private func patient(_ node: YAMLNode, what: String, into values: inout [Double]) -> [Int: YAMLNode] {
        var given: [Int: YAMLNode] = [:]
        if node.isNull { return given }
        guard let pairs = node.mapping else {
            context.error("\(what) must be a mapping of input fields to values, found \(node.kindDescription)", at: node)
            return given
        }
        for (key, value) in pairs {
            guard let index = inputIndex(key, what: what) else { continue }
            given[index] = value
            if value.isNull {
                values[index] = .nan
                continue
            }
            guard let text = value.scalar else {
                context.error("the value of '\(inputNames[index])' must be a single value, found \(value.kindDescription)", at: value)
                continue
            }
            let error: FieldError? = values.withUnsafeMutableBufferPointer { registers in
                Array(text.utf8).withUnsafeBytes { decoder.decode($0, input: index, into: registers) }
            }
            if let error {
                context.error(
                    "invalid value for '\(inputNames[index])': \(decoder.message(for: error, input: index))", at: value,
                    notes: ["values are written as intake text and checked against the rule file's schema"])
            }
        }
        return given
    }

    private func inputIndex(_ node: YAMLNode, what: String) -> Int? {
        guard let name = context.string(node, what: "a field name")?.value else { return nil }
        if let index = inputNames.firstIndex(of: name) { return index }
        var extra: [String] = []
        if program.derived.contains(where: { $0.name == name }) {
            extra.append("'\(name)' is a derived value: give the inputs it is computed from, and check it under expect: derived")
        }
        context.unknown(node, name: name, in: what, candidates: inputNames, kind: "input field", extra: extra)
        return nil
    }
}
