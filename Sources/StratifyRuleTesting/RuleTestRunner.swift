import StratifyEngine
import StratifyExplain
import StratifyRules

/// Runs the cases of a test file: each patient goes into the input
/// registers, the program is evaluated once, and every expectation is read
/// from the registers. Observers (coverage) see every evaluation.
package struct RuleTestRunner {
    package let file: RuleTestFile

    package init(file: RuleTestFile) {
        self.file = file
    }

    /// Runs every case; `observe` is called after each evaluation, before
    /// the expectations are checked. A failing case is traced (`TraceBuilder`)
    /// from the same registers, to show what decided each value.
    package func run(observe: (Evaluator) -> Void = { _ in }) -> RuleTestFileResult {
        let evaluator = Evaluator(program: file.program)
        var builder: TraceBuilder?
        var results: [RuleCaseResult] = []
        for testCase in file.cases {
            for (register, value) in testCase.inputs.enumerated() {
                evaluator.inputRegisters[register] = value
            }
            evaluator.evaluate()
            observe(evaluator)
            let mismatches = testCase.expectations.compactMap { expectation in
                expectation.mismatch(in: evaluator).map { (expectation, $0) }
            }
            var failures: [RuleTestFailure] = []
            if !mismatches.isEmpty {
                if builder == nil { builder = TraceBuilder(plan: TracePlan(program: file.program), whatIf: false) }
                let trace = builder!.trace(evaluator, identifier: testCase.name)
                for (expectation, mismatch) in mismatches {
                    failures.append(
                        RuleTestFailure(
                            location: expectation.location, subject: mismatch.subject, expected: mismatch.expected, actual: mismatch.actual,
                            trace: TraceExcerpt.lines(for: expectation.kind, program: file.program, trace: trace)))
                }
            }
            results.append(RuleCaseResult(name: testCase.name, location: testCase.location, failures: failures))
        }
        return RuleTestFileResult(file: file, cases: results)
    }
}

extension RuleExpectation {
    /// Nil when the evaluated record shows what is expected; otherwise what
    /// was checked, as expected and as found.
    func mismatch(in evaluator: Evaluator) -> (subject: String, expected: String, actual: String)? {
        let program = evaluator.program
        let r = evaluator.registerValues
        let tiers = program.tiers.values
        func tier(_ raw: Double) -> String { raw.isNaN ? "unknown" : tiers[Int(raw)] }
        func list(_ names: [String]) -> String { "[" + names.joined(separator: ", ") + "]" }

        let subject: String
        let expected: String
        let actual: String
        switch kind {
        case .domainScore(let domain, let score):
            subject = "\(program.domains[domain].name)_score"
            expected = String(score)
            actual = String(Int(r[program.domains[domain].scoreRegister]))
        case .domainTier(let domain, let index):
            subject = "\(program.domains[domain].name)_tier"
            expected = tiers[index]
            actual = tier(r[program.domains[domain].tierRegister])
        case .totalScore(let score):
            subject = "total_score"
            expected = String(score)
            actual = String(Int(r[program.overall.totalRegister]))
        case .tier(let index):
            subject = "tier"
            expected = tiers[index]
            actual = tier(r[program.overall.tierRegister])
        case .model(let index):
            subject = "model"
            expected = program.models[index].id
            actual = program.models[evaluator.modelIndex].id
        case .flags(let flags):
            subject = "flags"
            expected = list(flags.map { program.flags[$0].name })
            actual = list(program.flags.filter { r[$0.register] == 1 }.map(\.name))
        case .missing(let inputs):
            subject = "missing"
            let names = inputs.map { program.inputs[$0].name }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            expected = list(names)
            actual = list(program.missingOrder.filter { r[$0].isNaN }.map { program.inputs[$0].name })
        case .reviewBy(let days):
            subject = "review_by"
            expected = days.map { ValueKind.date.value(Double($0)).description } ?? "none"
            let raw = program.review.map { r[$0.register] } ?? .nan
            actual = raw.isNaN ? "none" : ValueKind.date.value(raw).description
        case .outcome(let reference, let outcome):
            subject = reference.id(in: program)
            expected = outcome.rawValue
            actual = reference.outcome(in: evaluator).rawValue
        case .derived(let index, let value):
            let item = program.derived[index]
            subject = "derived \(item.name)"
            let raw = r[item.register]
            let valueKind = ValueKind(item.type)
            expected = value.isNaN ? "unknown" : valueKind.value(value).description
            actual = raw.isNaN ? "unknown" : valueKind.value(raw).description
            if Self.same(raw, value) { return nil }
            return (subject, expected, actual)
        }
        guard expected != actual else { return nil }
        return (subject, expected, actual)
    }

    /// Equal, both unknown, or numbers equal to 1e-9 relative.
    static func same(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return (a - b).magnitude <= 1e-9 * max(1, a.magnitude, b.magnitude)
    }
}
