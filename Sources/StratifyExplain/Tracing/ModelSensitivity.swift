import StratifyEngine
import StratifyRules

/// "What would change the model": for each input, the nearest value that,
/// changed alone, gives another model. It runs the same evaluator on a
/// copy of the record with one input changed, so it can never disagree
/// with `score`; the values tried are the constants the conditions compare
/// each input with, ±1, and table row bounds (`CandidateValues`).
///
/// It costs one evaluation per value tried (about 150 for the reference
/// rules), so batches ask for it (`explain --what-if`).
public final class ModelSensitivity {
    /// One input changed, and the model it would give.
    public struct Change: Sendable, Equatable {
        public var input: Int
        /// NaN when the input is missing.
        public var from: Double
        public var to: Double
        public var model: Int
        /// How big the change is: the share of the input's range for a
        /// number, 1 for a boolean or enum, 2 for a missing value filled in.
        public var distance: Double

        public static func == (a: Change, b: Change) -> Bool {
            a.input == b.input && a.to == b.to && a.model == b.model && a.from.bitPattern == b.from.bitPattern
        }
    }

    public let plan: TracePlan
    private let scratch: Evaluator

    public init(plan: TracePlan) {
        self.plan = plan
        scratch = Evaluator(program: plan.program)
    }

    /// The nearest change per input that changes the model of the record
    /// evaluated in `evaluator`, nearest first.
    public func changes(from evaluator: Evaluator) -> [Change] {
        let program = plan.program
        let model = evaluator.modelIndex
        let inputCount = program.inputs.count
        var changes: [Change] = []
        for input in 0..<inputCount where input != program.identifier {
            let from = evaluator.registerValues[input]
            let field = program.inputs[input]
            let width = (field.maximum ?? .infinity) - (field.minimum ?? -.infinity)
            let candidates = plan.candidates[input]
                .filter { $0 != from }
                .sorted { from.isNaN ? $0 < $1 : abs($0 - from) < abs($1 - from) }
            for value in candidates {
                for index in 0..<inputCount { scratch.inputRegisters[index] = evaluator.registerValues[index] }
                scratch.inputRegisters[input] = value
                scratch.evaluate()
                let other = scratch.modelIndex
                guard other != model else { continue }
                let distance: Double
                if from.isNaN {
                    distance = 2
                } else if field.type.isNumeric || field.type == .date {
                    distance = width.isFinite && width > 0 ? abs(value - from) / width : 1
                } else {
                    distance = 1
                }
                changes.append(Change(input: input, from: from, to: value, model: other, distance: distance))
                break
            }
        }
        return changes.enumerated().sorted { a, b in
            a.element.distance == b.element.distance ? a.offset < b.offset : a.element.distance < b.element.distance
        }.map(\.element)
    }
}

/// The values worth trying for each input: every value of a boolean or
/// enum; for numbers and dates, the constants the conditions compare the
/// input with, ±1, and the bounds of the table rows it is looked up in,
/// ±1; all within the schema's range.
enum CandidateValues {
    static func find(program: Program, plans: [ExprPlan]) -> [[Double]] {
        var found = Array(repeating: Set<Double>(), count: program.inputs.count)
        // Inputs whose presence a condition tests: filling one in can
        // change the model whatever its value, so one value is tried.
        var presenceTested = Set<Int>()
        func around(_ value: Double, input: Int) {
            guard value.isFinite else { return }
            found[input].formUnion([value - 1, value, value + 1])
        }
        for plan in plans {
            for (index, node) in plan.nodes.enumerated() {
                switch node.kind {
                case .compare:
                    let (a, b) = (plan.nodes[plan.child(index, 0)], plan.nodes[plan.child(index, 1)])
                    if case .input(let input) = a.kind, let c = constant(b) { around(c, input: input) }
                    if case .input(let input) = b.kind, let c = constant(a) { around(c, input: input) }
                case .member:
                    if case .input(let input) = plan.nodes[plan.child(index, 0)].kind {
                        for k in 1..<node.childCount {
                            if let c = constant(plan.nodes[plan.child(index, k)]) { found[input].insert(c) }
                        }
                    }
                case .table(let table):
                    if case .input(let input) = plan.nodes[plan.child(index, 0)].kind {
                        for row in plan.tables[table].rows {
                            around(row.lower, input: input)
                            around(row.upper, input: input)
                        }
                    }
                case .call(let function) where function.testsPresence:
                    if case .input(let input) = plan.nodes[plan.child(index, 0)].kind { presenceTested.insert(input) }
                default:
                    break
                }
            }
        }
        return program.inputs.enumerated().map { index, field in
            switch field.type {
            case .boolean: return [0, 1]
            case .enumeration(let type): return type.values.indices.map(Double.init)
            case .string: return []
            case .integer, .number, .date:
                let minimum = field.minimum ?? -.infinity
                let maximum = field.maximum ?? .infinity
                let values = found[index]
                    .filter { $0 >= minimum && $0 <= maximum && (field.type == .number || $0 == $0.rounded()) }
                    .sorted()
                guard values.isEmpty, presenceTested.contains(index) else { return values }
                // Any value will do: the one nearest 0 in the schema's range.
                return [Swift.min(Swift.max(0, minimum), maximum)]
            }
        }
    }

    private static func constant(_ node: ExprPlan.Node) -> Double? {
        if case .constant(let value) = node.kind { return value }
        return nil
    }
}
