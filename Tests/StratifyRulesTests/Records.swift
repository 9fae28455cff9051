import Testing
import StratifyRules
import StratifyEngine

/// One evaluated record: inputs read from intake text by the real
/// `InputDecoder`, then `evaluate()`; results read back by name.
struct Record {
    let program: Program
    let evaluator: Evaluator

    /// Values by field name as intake text; absent fields are missing.
    /// A value the decoder refuses is a test failure.
    init(_ program: Program, _ values: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
        self.program = program
        evaluator = Evaluator(program: program)
        evaluator.clearInputs()
        let decoder = InputDecoder(program: program)
        for (name, text) in values {
            guard let index = program.inputs.firstIndex(where: { $0.name == name }) else {
                Issue.record("no input named '\(name)'", sourceLocation: sourceLocation)
                continue
            }
            var bytes = Array(text.utf8)
            let error = bytes.withUnsafeMutableBytes { buffer in
                decoder.decode(UnsafeRawBufferPointer(buffer), input: index, into: evaluator.inputRegisters)
            }
            if let error {
                Issue.record("\(name)=\(text): \(decoder.message(for: error, input: index))", sourceLocation: sourceLocation)
            }
        }
        evaluator.evaluate()
    }

    /// The value of a register, nil when unknown (NaN).
    func value(_ register: Int) -> Double? {
        let value = evaluator.registerValues[register]
        return value.isNaN ? nil : value
    }

    func derived(_ name: String) -> Double? {
        guard let item = program.derived.first(where: { $0.name == name }) else {
            Issue.record("no derived value '\(name)'")
            return nil
        }
        return value(item.register)
    }

    /// A derived enum value by its name; nil when unknown.
    func derivedName(_ name: String) -> String? {
        guard let item = program.derived.first(where: { $0.name == name }),
            case .enumeration(let type) = item.type,
            let index = value(item.register)
        else { return nil }
        return type.values[Int(index)]
    }

    func rule(_ id: String) -> Outcome {
        guard let index = program.rules.firstIndex(where: { $0.id == id }) else {
            Issue.record("no rule '\(id)'")
            return .unknown
        }
        return evaluator.outcome(ofRule: index)
    }

    /// The ids of the rules that fired, in file order.
    var fired: [String] {
        program.rules.indices.filter { evaluator.outcome(ofRule: $0) == .fired }.map { program.rules[$0].id }
    }

    private func domain(_ name: String) -> Program.Domain {
        program.domains.first { $0.name == name }!
    }

    func score(_ domain: String) -> Int {
        Int(evaluator.registerValues[self.domain(domain).scoreRegister])
    }

    func tier(_ domain: String) -> String {
        program.tiers.values[Int(evaluator.registerValues[self.domain(domain).tierRegister])]
    }

    var total: Int { Int(evaluator.registerValues[program.overall.totalRegister]) }

    var tier: String { program.tiers.values[Int(evaluator.registerValues[program.overall.tierRegister])] }

    var model: String { program.models[evaluator.modelIndex].id }

    func flag(_ name: String) -> Outcome {
        guard let flag = program.flags.first(where: { $0.name == name }) else {
            Issue.record("no flag '\(name)'")
            return .unknown
        }
        return Outcome(evaluator.registerValues[flag.register])
    }

    /// `review_by` in days since 1970-01-01, nil when unknown.
    var reviewBy: Int? {
        guard let review = program.review, let days = value(review.register) else { return nil }
        return Int(days)
    }
}
