import StratifyRules

/// A tree-walking interpreter of checked expressions (`TypedExpr`), with
/// the Kleene semantics of the specification, written for the tests only:
/// it visits every node and reports each value it computes, so that a test
/// can compare every register the compiled code fills.
///
/// It covers the node kinds conditions are made of (not tables, cases or
/// sums, nor scores and tiers): for those it returns nil.
struct TypedOracle {
    /// Input values by input index (NaN: missing).
    var inputs: [Double]
    var derived: [Program.DerivedValue]
    /// Each node's value, by register.
    private(set) var values: [Int: Double] = [:]

    init(inputs: [Double], derived: [Program.DerivedValue]) {
        self.inputs = inputs
        self.derived = derived
    }

    mutating func evaluate(_ node: TypedExpr) -> Double? {
        guard let value = compute(node) else { return nil }
        values[node.register] = value
        return value
    }

    private mutating func compute(_ node: TypedExpr) -> Double? {
        switch node.kind {
        case .constant(let value):
            return value
        case .input(let index):
            return inputs[index]
        case .derived(let index):
            return evaluate(derived[index].expr)
        case .negate(let operand):
            return evaluate(operand).map { -$0 }
        case .not(let operand):
            return evaluate(operand).map(SpecExpr.kleeneNot)
        case .arithmetic(let op, let left, let right):
            guard let a = evaluate(left), let b = evaluate(right) else { return nil }
            if a.isNaN || b.isNaN { return .nan }
            let result: Double
            switch op {
            case .add: result = a + b
            case .subtract: result = a - b
            case .multiply: result = a * b
            case .divide: if b == 0 { return .nan } else { result = a / b }
            }
            return abs(result) > SpecExpr.limit ? .nan : result
        case .logical(let op, let operands):
            var all: [Double] = []
            for operand in operands {
                guard let value = evaluate(operand) else { return nil }
                all.append(value)
            }
            return op == .and ? SpecExpr.kleeneAnd(all) : SpecExpr.kleeneOr(all)
        case .compare(let op, let left, let right):
            guard let a = evaluate(left), let b = evaluate(right) else { return nil }
            let comparison: SpecExpr.Comparison =
                switch op {
                case .equal: .eq
                case .notEqual: .ne
                case .less: .lt
                case .lessEqual: .le
                case .greater: .gt
                case .greaterEqual: .ge
                }
            return SpecExpr.compare(comparison, a, b)
        case .member(let value, let list, let negated):
            guard let x = evaluate(value) else { return nil }
            var items: [Double] = []
            for item in list {
                guard let v = evaluate(item) else { return nil }
                items.append(v)
            }
            return SpecExpr.membership(x, items, negated: negated)
        case .call(let function, let arguments):
            var all: [Double] = []
            for argument in arguments {
                guard let value = evaluate(argument) else { return nil }
                all.append(value)
            }
            // Whether the value is there, never unknown.
            if function.testsPresence { return all[0].isNaN == (function == .missing) ? 1 : 0 }
            if all.contains(where: \.isNaN) { return .nan }
            switch function {
            case .count: return Double(all.filter { $0 == 1 }.count)
            case .min: return all.min()
            case .max: return all.max()
            case .known, .missing: return nil
            }
        case .flag, .domainScore, .domainTier, .totalScore, .tier, .table, .cases, .sum:
            return nil
        }
    }
}
