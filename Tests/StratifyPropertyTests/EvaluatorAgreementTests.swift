import PropertyBased
import StratifyEngine
import StratifyRules
import Testing

/// The compiled evaluator agrees with a direct reading of the language
/// specification, for random well-typed expressions over random records
/// with random missing values: the generator's own interpretation
/// (`SpecExpr.evaluate`) gives the rule's outcome and the derived value,
/// and a tree-walking interpreter of the checked tree (`TypedOracle`) gives
/// every sub-expression's register.
@Suite struct EvaluatorAgreementTests {
    static let choices = Gen.int(in: 0...1_000_000).array(of: 0...400)

    @Test func compiledEvaluationMatchesTheSpecification() async {
        await propertyCheck(count: 300, input: Self.choices) { numbers in
            var choices = Choices(numbers)
            let condition = choices.boolean(depth: 4)
            let value = choices.number(depth: 4)
            let records = (0..<8).map { _ in choices.record() }
            Self.check(condition: condition, value: value, records: records)
        }
    }

    /// Expressions at the edges: overflow past 2^53, division by a value
    /// that is zero at run time, and every input missing.
    @Test func edgesOfArithmetic() {
        let x = SpecExpr.number(3)
        let n1 = SpecExpr.number(1)
        let n2 = SpecExpr.number(2)
        let big = SpecExpr.arithmetic(.multiply, .arithmetic(.multiply, x, x), x)
        let values: [SpecExpr] = [
            big,  // beyond 2^53 when |x| > 208063
            .arithmetic(.divide, x, n2),  // n2 may be 0
            .arithmetic(.divide, .integer(0), .arithmetic(.subtract, n1, n1)),
            .arithmetic(.add, .integer(9_007_199), .arithmetic(.multiply, x, .integer(1_000_000_000))),
            .minimum([x, n1, n2]),
            .count([.flag(4), .flag(5), .boolean(true)]),
        ]
        let condition = SpecExpr.chain([n2, x, n1], [.le, .lt])
        var records: [[Double]] = []
        for xValue in [1_000_000.0, -1_000_000, 208_064, 208_063, 0, .nan] {
            for n2Value in [0.0, -3, .nan] {
                records.append([0, 7, n2Value, xValue, 1, .nan, 1])
            }
        }
        records.append([0, .nan, .nan, .nan, .nan, .nan, .nan])
        for value in values {
            Self.check(condition: condition, value: value, records: records)
        }
    }

    static func check(condition: SpecExpr, value: SpecExpr, records: [[Double]], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = SpecSchema.ruleFile(condition: condition.description, value: value.description)
        let output = SpecSchema.compile(text)
        guard let program = output.program else {
            Issue.record(
                "does not compile: \(output.diagnostics.map(\.message))\nwhen: \(condition)\nv: \(value)",
                sourceLocation: sourceLocation)
            return
        }
        let evaluator = Evaluator(program: program)
        let rule = program.rules[0].condition
        let derived = program.derived[0].expr
        for record in records {
            evaluator.clearInputs()
            for (index, input) in record.enumerated() where index > 0 {
                evaluator.inputRegisters[index] = input
            }
            evaluator.evaluate()
            let expectedCondition = condition.evaluate(record)
            let expectedValue = value.evaluate(record)
            let context = "record \(record)\nwhen: \(condition)\nv: \(value)"
            #expect(same(evaluator.value(rule.register), expectedCondition), "condition: \(context)", sourceLocation: sourceLocation)
            #expect(same(evaluator.value(derived.register), expectedValue), "value: \(context)", sourceLocation: sourceLocation)
            // Every node of the checked trees, register by register.
            var oracle = TypedOracle(inputs: record, derived: program.derived)
            _ = oracle.evaluate(rule)
            _ = oracle.evaluate(derived)
            for (register, expected) in oracle.values where !same(evaluator.value(register), expected) {
                Issue.record(
                    "register \(register): \(evaluator.value(register)), expected \(expected)\n\(context)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    static func same(_ a: Double, _ b: Double) -> Bool {
        a == b || (a.isNaN && b.isNaN)
    }
}
