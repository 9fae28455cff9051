@testable import StratifyRules

/// Expression trees as compact prefix text, so a test can state the shape
/// the parser must build: `a or b and c` is `(or a (and b c))`.
enum ExprPrinter {
    static func show(_ expr: Expr) -> String {
        switch expr.kind {
        case .number(let value, let isInteger):
            return isInteger ? String(Int64(value)) : String(value)
        case .string(let text): return "'\(text)'"
        case .boolean(let value): return String(value)
        case .name(let name): return name
        case .negate(let operand): return "(- \(show(operand)))"
        case .not(let operand): return "(not \(show(operand)))"
        case .arithmetic(let op, let left, let right): return "(\(op.rawValue) \(show(left)) \(show(right)))"
        case .logical(let op, let operands): return "(\(op.rawValue) \(operands.map(show).joined(separator: " ")))"
        case .comparison(let first, let links):
            return "(" + ([show(first)] + links.map { "\($0.op.rawValue) \(show($0.right))" }).joined(separator: " ") + ")"
        case .membership(let value, let list, let negated):
            return "(\(negated ? "not-in" : "in") \(show(value)) [\(list.map(show).joined(separator: " "))])"
        case .call(let name, let arguments):
            return "\(name)(\(arguments.map(show).joined(separator: " ")))"
        }
    }

    static func parse(_ text: String) throws -> String {
        show(try Parser.parse(text))
    }
}
