import PropertyBased
import StratifyEngine
import StratifyRules
import Testing

/// The laws of Kleene's three-valued logic hold in compiled rules, for
/// random conditions `p`, `q` over random records with missing values.
@Suite struct KleeneLawTests {
    /// `u` is an input every record lacks: an unknown condition.
    static let unknown = "u"

    @Test func lawsHoldForRandomConditions() async {
        await propertyCheck(count: 200, input: EvaluatorAgreementTests.choices) { numbers in
            var choices = Choices(numbers)
            let p = choices.boolean(depth: 3).text(atLeast: 5)
            let q = choices.boolean(depth: 3).text(atLeast: 5)
            let records = (0..<8).map { _ in choices.record() }
            // Pairs of conditions that must always have the same value.
            let laws: [(String, String, String)] = [
                ("De Morgan (and)", "not (\(p) and \(q))", "not \(p) or not \(q)"),
                ("De Morgan (or)", "not (\(p) or \(q))", "not \(p) and not \(q)"),
                ("absorption (and)", "\(p) and (\(p) or \(q))", p),
                ("absorption (or)", "\(p) or (\(p) and \(q))", p),
                ("double negation", "not not \(p)", p),
                ("commutativity", "\(p) and \(q)", "\(q) and \(p)"),
                ("distributivity", "\(p) and (\(q) or \(Self.unknown))", "(\(p) and \(q)) or (\(p) and \(Self.unknown))"),
            ]
            let outcomes = Self.outcomes(
                of: laws.flatMap { [$0.1, $0.2] } + [p, "\(p) and \(Self.unknown)", "\(p) or \(Self.unknown)"],
                records: records)
            guard let outcomes else { return }
            for (index, law) in laws.enumerated() {
                for (record, values) in outcomes.enumerated()
                where !EvaluatorAgreementTests.same(values[2 * index], values[2 * index + 1]) {
                    Issue.record("\(law.0): \(law.1) is \(values[2 * index]), \(law.2) is \(values[2 * index + 1]) for \(records[record])")
                }
            }
            // `x and unknown`, `x or unknown`, per the truth table.
            for (record, values) in outcomes.enumerated() {
                let x = values[2 * laws.count]
                let and = values[2 * laws.count + 1]
                let or = values[2 * laws.count + 2]
                #expect(EvaluatorAgreementTests.same(and, x == 0 ? 0 : .nan), "\(p) and unknown, for \(records[record])")
                #expect(EvaluatorAgreementTests.same(or, x == 1 ? 1 : .nan), "\(p) or unknown, for \(records[record])")
            }
        }
    }

    /// The truth table of Rules/README.md, cell by cell.
    @Test func truthTable() {
        let cells: [(a: Double, b: Double, and: Double, or: Double)] = [
            (1, 1, 1, 1), (1, 0, 0, 1), (1, .nan, .nan, 1),
            (0, 1, 0, 1), (0, 0, 0, 0), (0, .nan, 0, .nan),
            (.nan, 1, .nan, 1), (.nan, 0, 0, .nan), (.nan, .nan, .nan, .nan),
        ]
        let records = cells.map { cell -> [Double] in [0, 1, 1, 1, cell.a, cell.b, 0, .nan] }
        guard let outcomes = Self.outcomes(of: ["b1 and b2", "b1 or b2", "not b1"], records: records) else { return }
        for (cell, values) in zip(cells, outcomes) {
            #expect(EvaluatorAgreementTests.same(values[0], cell.and), "\(cell.a) and \(cell.b)")
            #expect(EvaluatorAgreementTests.same(values[1], cell.or), "\(cell.a) or \(cell.b)")
            #expect(EvaluatorAgreementTests.same(values[2], SpecExpr.kleeneNot(cell.a)), "not \(cell.a)")
        }
    }

    /// Each condition's value (rule outcome register) for each record, with
    /// `u` missing in all of them.
    static func outcomes(of conditions: [String], records: [[Double]], sourceLocation: SourceLocation = #_sourceLocation) -> [[Double]]? {
        let output = SpecSchema.compile(SpecSchema.ruleFile(conditions: conditions))
        guard let program = output.program else {
            Issue.record("does not compile: \(output.diagnostics.map(\.message))\n\(conditions)", sourceLocation: sourceLocation)
            return nil
        }
        let evaluator = Evaluator(program: program)
        return records.map { record in
            evaluator.clearInputs()
            for (index, value) in record.enumerated() where index > 0 && index < 7 {
                evaluator.inputRegisters[index] = value
            }
            evaluator.evaluate()
            return program.rules.map { evaluator.value($0.condition.register) }
        }
    }
}
