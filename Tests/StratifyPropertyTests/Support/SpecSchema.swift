import StratifyCore
import StratifyRules
import StratifyYAML

/// The small intake schema of the property tests: integers with ranges, a
/// number, two booleans and an enum; and a rule file around a condition
/// and a derived value.
enum SpecSchema {
    struct Input {
        var name: String
        var declaration: String
        /// Values a record may hold (missing is added by the record generator).
        var values: [Double]
    }

    static let levels = ["lo", "mid", "hi"]
    static let levelName = "level"

    /// Input `i` lives in register `i`; the identifier is input 0.
    static let inputs: [Input] = [
        Input(name: "id", declaration: "{type: string, required: true}", values: []),
        Input(name: "n1", declaration: "{type: integer, min: 0, max: 100}", values: (0...100).map(Double.init)),
        Input(name: "n2", declaration: "{type: integer, min: -50, max: 50}", values: (-50...50).map(Double.init)),
        Input(
            name: "x", declaration: "{type: number, min: -1000000, max: 1000000}",
            values: [0, 0.5, -0.5, 1, -1, 2.5, 1000, -1000, 999_999.75, -1_000_000, 1_000_000, 123.456, 3]),
        Input(name: "b1", declaration: "{type: boolean}", values: [0, 1]),
        Input(name: "b2", declaration: "{type: boolean}", values: [0, 1]),
        Input(name: levelName, declaration: "{type: enum, values: [\(levels.joined(separator: ", "))]}", values: [0, 1, 2]),
        // Never used by generated expressions; the Kleene tests keep it missing.
        Input(name: "u", declaration: "{type: boolean}", values: [0, 1]),
    ]

    static let numbers = [1, 2, 3]
    static let flags = [4, 5]
    static let level = 6

    /// A rule file whose only rule has `when: condition` and whose only
    /// derived value `v` is `value`.
    static func ruleFile(condition: String, value: String) -> String {
        var text = "version: 1\nidentifier: id\ninputs:\n"
        for input in inputs {
            text += "  \(input.name): \(input.declaration)\n"
        }
        text += """
            derived:
              v: \(quoted(value))
            tiers: [low, high]
            domains:
              main:
                tiers: {low: 0..0, high: 1..}
                rules:
                  - id: r.test
                    when: \(quoted(condition))
                    points: 1
                    because: Test.
            overall:
              tiers: {low: 0..0, high: 1..}
            models:
              - id: only
                contact: never
                review_days: 1
                because: Test.

            """
        return text
    }

    /// A rule file with one rule per condition (`r0`, `r1`, ...), in order.
    static func ruleFile(conditions: [String]) -> String {
        var text = "version: 1\nidentifier: id\ninputs:\n"
        for input in inputs {
            text += "  \(input.name): \(input.declaration)\n"
        }
        text += "tiers: [low, high]\ndomains:\n  main:\n    tiers: {low: 0..0, high: 1..}\n    rules:\n"
        for (index, condition) in conditions.enumerated() {
            text += "      - id: r\(index)\n        when: \(quoted(condition))\n        points: 1\n        because: Test.\n"
        }
        text += """
            overall:
              tiers: {low: 0..0, high: 1..}
            models:
              - id: only
                contact: never
                review_days: 1
                because: Test.

            """
        return text
    }

    /// A YAML double-quoted scalar (expressions hold `:`, `[` and `#`).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func compile(_ text: String) -> RuleCompiler.Output {
        RuleCompiler.compile(SourceFile(path: "property.yaml", text: text))
    }
}

/// Turns a list of numbers (what the property library generates and
/// shrinks) into choices: a shorter or smaller list gives a simpler
/// expression, and running out of numbers chooses leaves.
struct Choices {
    var numbers: [Int]
    var index = 0

    init(_ numbers: [Int]) {
        self.numbers = numbers
    }

    mutating func next(_ bound: Int) -> Int {
        defer { index += 1 }
        guard index < numbers.count, bound > 1 else { return 0 }
        return numbers[index] % bound
    }

    /// A random expression of the given kind, at most `depth` deep.
    mutating func number(depth: Int) -> SpecExpr {
        let choice = depth <= 0 ? next(3) : next(10)
        switch choice {
        case 0: return .number(SpecSchema.numbers[next(3)])
        case 1: return .integer(next(26) - 5)
        case 2: return .decimal([0.5, 2.5, 0.25, 1.75, 10.5, 99.5, 0][next(7)])
        case 3, 4, 5:
            let op = SpecExpr.Arithmetic.allCases[next(4)]
            let left = number(depth: depth - 1)
            var right = number(depth: depth - 1)
            // A division by a literal zero is refused when the file loads.
            if op == .divide, right.isLiteralZero { right = .integer(1 + next(3)) }
            return .arithmetic(op, left, right)
        case 6: return .negate(number(depth: depth - 1))
        case 7: return .minimum((0...next(3)).map { _ in number(depth: depth - 1) })
        case 8: return .maximum((0...next(3)).map { _ in number(depth: depth - 1) })
        default: return .count((0...next(3)).map { _ in boolean(depth: depth - 1) })
        }
    }

    mutating func boolean(depth: Int) -> SpecExpr {
        let choice = depth <= 0 ? next(6) : next(13)
        switch choice {
        case 0: return .flag(SpecSchema.flags[next(2)])
        case 1: return .boolean(next(2) == 1)
        case 2: return .level(SpecExpr.Comparison.allCases[next(6)], next(3), enumFirst: next(4) != 0)
        case 3: return .levelIn((0...next(2)).map { _ in next(3) }, negated: next(2) == 1)
        case 4:
            return .chain([.number(SpecSchema.numbers[next(3)]), .integer(next(30) - 5)], [SpecExpr.Comparison.allCases[next(6)]])
        case 5: return .presence(1 + next(6), missing: next(2) == 1)
        case 6, 12:
            let links = 1 + next(2)
            let operands = (0...links).map { _ in number(depth: depth - 1) }
            return .chain(operands, (0..<links).map { _ in SpecExpr.Comparison.allCases[next(6)] })
        case 7: return .same(next(2) == 1, boolean(depth: depth - 1), boolean(depth: depth - 1))
        case 8: return .numberIn(number(depth: depth - 1), (0...next(3)).map { _ in next(12) - 2 }, negated: next(2) == 1)
        case 9: return .not(boolean(depth: depth - 1))
        case 10: return .and((0...(1 + next(2))).map { _ in boolean(depth: depth - 1) })
        default: return .or((0...(1 + next(2))).map { _ in boolean(depth: depth - 1) })
        }
    }

    /// A record: each input missing about one time in five, else one of
    /// its values.
    mutating func record() -> [Double] {
        SpecSchema.inputs.enumerated().map { index, input in
            if index == 0 { return 0 }
            if next(5) == 0 { return .nan }
            return input.values[next(input.values.count)]
        }
    }
}

extension SpecExpr {
    var isLiteralZero: Bool {
        switch self {
        case .integer(0), .decimal(0): true
        case .negate(let operand): operand.isLiteralZero
        default: false
        }
    }
}
