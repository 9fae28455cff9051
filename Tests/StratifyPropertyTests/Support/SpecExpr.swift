/// A well-typed expression of the rule language over `SpecSchema`, made by
/// the generator, rendered to text for the real parser, and evaluated
/// directly from the language's specification (Rules/README.md): the
/// independent oracle the compiled evaluator is compared with.
///
/// Values are `Double`s as in the spec: booleans 0 and 1, enum values by
/// position, and unknown as NaN.
indirect enum SpecExpr: CustomStringConvertible {
    enum Arithmetic: String, CaseIterable { case add = "+", subtract = "-", multiply = "*", divide = "/" }
    enum Comparison: String, CaseIterable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }

    // Numbers
    case integer(Int)
    case decimal(Double)
    /// An integer or number input, by its index in `SpecSchema.inputs`.
    case number(Int)
    case arithmetic(Arithmetic, SpecExpr, SpecExpr)
    case negate(SpecExpr)
    case minimum([SpecExpr])
    case maximum([SpecExpr])
    case count([SpecExpr])

    // Booleans
    case boolean(Bool)
    case flag(Int)
    /// `a < b <= c`: numbers, one more operand than operators.
    case chain([SpecExpr], [Comparison])
    /// Booleans compared with `==` or `!=`.
    case same(Bool, SpecExpr, SpecExpr)
    /// The enum input against a value (its position); `enumFirst` writes
    /// the input on the left.
    case level(Comparison, Int, enumFirst: Bool)
    case levelIn([Int], negated: Bool)
    case numberIn(SpecExpr, [Int], negated: Bool)
    /// `known(name)` or, with `missing`, `missing(name)` of input `i`.
    case presence(Int, missing: Bool)
    case not(SpecExpr)
    case and([SpecExpr])
    case or([SpecExpr])

    // MARK: - The specification

    static let limit = 9_007_199_254_740_992.0

    /// The value for a record (`values[i]` for input `i`, NaN when missing).
    func evaluate(_ values: [Double]) -> Double {
        switch self {
        case .integer(let value): return Double(value)
        case .decimal(let value): return value
        case .number(let input), .flag(let input): return values[input]
        case .arithmetic(let op, let left, let right):
            let a = left.evaluate(values)
            let b = right.evaluate(values)
            // Anything with a missing value is unknown.
            if a.isNaN || b.isNaN { return .nan }
            let result: Double
            switch op {
            case .add: result = a + b
            case .subtract: result = a - b
            case .multiply: result = a * b
            // Division by zero at run time is unknown.
            case .divide: if b == 0 { return .nan } else { result = a / b }
            }
            // A result beyond ±2^53 is an overflow: unknown.
            return abs(result) > Self.limit ? .nan : result
        case .negate(let operand):
            return -operand.evaluate(values)
        case .minimum(let operands), .maximum(let operands):
            let all = operands.map { $0.evaluate(values) }
            if all.contains(where: \.isNaN) { return .nan }
            if case .minimum = self { return all.min()! }
            return all.max()!
        case .count(let operands):
            // A function with a missing value is unknown.
            let all = operands.map { $0.evaluate(values) }
            if all.contains(where: \.isNaN) { return .nan }
            return Double(all.filter { $0 == 1 }.count)
        case .boolean(let value): return value ? 1 : 0
        case .chain(let operands, let ops):
            // `a < b <= c` means `a < b and b <= c`.
            let all = operands.map { $0.evaluate(values) }
            return Self.kleeneAnd(ops.indices.map { Self.compare(ops[$0], all[$0], all[$0 + 1]) })
        case .same(let equal, let left, let right):
            return Self.compare(equal ? .eq : .ne, left.evaluate(values), right.evaluate(values))
        case .level(let op, let value, let enumFirst):
            let e = values[SpecSchema.level]
            return enumFirst ? Self.compare(op, e, Double(value)) : Self.compare(op, Double(value), e)
        case .levelIn(let list, let negated):
            return Self.membership(values[SpecSchema.level], list.map(Double.init), negated: negated)
        case .numberIn(let operand, let list, let negated):
            return Self.membership(operand.evaluate(values), list.map(Double.init), negated: negated)
        case .presence(let input, let missing):
            // Whether the value is there: true or false, never unknown.
            return values[input].isNaN == missing ? 1 : 0
        case .not(let operand):
            return Self.kleeneNot(operand.evaluate(values))
        case .and(let operands):
            return Self.kleeneAnd(operands.map { $0.evaluate(values) })
        case .or(let operands):
            return Self.kleeneOr(operands.map { $0.evaluate(values) })
        }
    }

    static func compare(_ op: Comparison, _ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        let result =
            switch op {
            case .eq: a == b
            case .ne: a != b
            case .lt: a < b
            case .le: a <= b
            case .gt: a > b
            case .ge: a >= b
            }
        return result ? 1 : 0
    }

    /// `x in [..]` with `x` missing is unknown.
    static func membership(_ x: Double, _ list: [Double], negated: Bool) -> Double {
        if x.isNaN { return .nan }
        let found: Double = list.contains(x) ? 1 : 0
        return negated ? 1 - found : found
    }

    /// The truth table of Rules/README.md: false wins `and`, true wins `or`,
    /// otherwise any unknown makes the result unknown.
    static func kleeneAnd(_ values: [Double]) -> Double {
        if values.contains(0) { return 0 }
        if values.contains(where: \.isNaN) { return .nan }
        return 1
    }

    static func kleeneOr(_ values: [Double]) -> Double {
        if values.contains(1) { return 1 }
        if values.contains(where: \.isNaN) { return .nan }
        return 0
    }

    static func kleeneNot(_ value: Double) -> Double {
        value.isNaN ? .nan : 1 - value
    }

    // MARK: - Text

    /// Binding strength, as in the precedence table of Rules/README.md:
    /// 1 `or`, 2 `and`, 3 `not`, 4 comparisons and `in`, 5 `+ -`, 6 `* /`,
    /// 7 unary `-`, 8 atoms.
    var level: Int {
        switch self {
        case .integer(let value): value < 0 ? 7 : 8
        case .decimal(let value): value < 0 ? 7 : 8
        case .number, .flag, .boolean, .minimum, .maximum, .count, .presence: 8
        case .arithmetic(let op, _, _): op == .add || op == .subtract ? 5 : 6
        case .negate: 7
        case .chain, .same, .level, .levelIn, .numberIn: 4
        case .not: 3
        case .and: 2
        case .or: 1
        }
    }

    /// With as few parentheses as the precedence allows, so the parser's
    /// precedence is tested too.
    var description: String { text(atLeast: 0) }

    func text(atLeast minimum: Int) -> String {
        let body = bareText
        return level < minimum ? "(\(body))" : body
    }

    private var bareText: String {
        switch self {
        case .integer(let value): return value < 0 ? "-\(-value)" : "\(value)"
        case .decimal(let value): return value < 0 ? "-\(-value)" : "\(value)"
        case .number(let input), .flag(let input): return SpecSchema.inputs[input].name
        case .arithmetic(let op, let left, let right):
            // Left-associative: the right operand binds tighter.
            return "\(left.text(atLeast: level)) \(op.rawValue) \(right.text(atLeast: level + 1))"
        case .negate(let operand):
            let inner = operand.text(atLeast: 7)
            return "-" + (inner.hasPrefix("-") ? " " : "") + inner
        case .minimum(let operands): return "min(\(operands.map(\.description).joined(separator: ", ")))"
        case .maximum(let operands): return "max(\(operands.map(\.description).joined(separator: ", ")))"
        case .count(let operands): return "count(\(operands.map(\.description).joined(separator: ", ")))"
        case .boolean(let value): return value ? "true" : "false"
        case .chain(let operands, let ops):
            var out = operands[0].text(atLeast: 5)
            for (index, op) in ops.enumerated() {
                out += " \(op.rawValue) \(operands[index + 1].text(atLeast: 5))"
            }
            return out
        case .same(let equal, let left, let right):
            return "\(left.text(atLeast: 5)) \(equal ? "==" : "!=") \(right.text(atLeast: 5))"
        case .level(let op, let value, let enumFirst):
            let name = SpecSchema.levels[value]
            return enumFirst ? "\(SpecSchema.levelName) \(op.rawValue) \(name)" : "\(name) \(op.rawValue) \(SpecSchema.levelName)"
        case .levelIn(let list, let negated):
            return "\(SpecSchema.levelName) \(negated ? "not in" : "in") [\(list.map { SpecSchema.levels[$0] }.joined(separator: ", "))]"
        case .numberIn(let operand, let list, let negated):
            return "\(operand.text(atLeast: 5)) \(negated ? "not in" : "in") [\(list.map(String.init).joined(separator: ", "))]"
        case .presence(let input, let missing): return "\(missing ? "missing" : "known")(\(SpecSchema.inputs[input].name))"
        case .not(let operand): return "not \(operand.text(atLeast: 3))"
        case .and(let operands): return operands.map { $0.text(atLeast: 3) }.joined(separator: " and ")
        case .or(let operands): return operands.map { $0.text(atLeast: 2) }.joined(separator: " or ")
        }
    }
}
