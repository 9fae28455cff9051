import StratifyCore
import StratifyRules

/// For each rule, floor and escalation, the inputs whose presence its
/// condition tests with `known(x)` or `missing(x)`, directly or through
/// derived values and flags; for `known(d)` of a derived value `d`, every
/// input `d` is computed from.
///
/// Such a condition is decided even when an input it tests is missing, but
/// knowing that input could turn it either way, unlike every other
/// condition (Kleene logic never undoes a decided value). `ReachableTiers`
/// treats it as undecided while one of those inputs is missing. Rule sets
/// without presence tests pay one comparison per condition.
final class PresenceTests: Sendable {
    // Immutable after init.
    private let hasAny: Bool
    /// Inputs tested by condition `c` (rules, then floors in domain order,
    /// then escalations): `inputs[start[c] ..< start[c + 1]]`.
    private let start: FixedBuffer<Int32>
    private let inputs: FixedBuffer<Int32>
    private let floorBase: Int
    private let escalationBase: Int

    init(program: Program) {
        // Inputs each derived value is computed from, and those it tests,
        // in the order the engine computes them.
        var derivedInputs: [Set<Int>] = []
        var derivedTested: [Set<Int>] = []
        var flagTested: [Set<Int>] = []
        func walk(_ expr: TypedExpr) -> (uses: Set<Int>, tests: Set<Int>) {
            var uses = Set<Int>()
            var tests = Set<Int>()
            var pending = [expr]
            while let next = pending.popLast() {
                switch next.kind {
                case .input(let index):
                    uses.insert(index)
                case .derived(let index):
                    uses.formUnion(derivedInputs[index])
                    tests.formUnion(derivedTested[index])
                case .flag(let index):
                    tests.formUnion(index < flagTested.count ? flagTested[index] : [])
                case .call(let function, let arguments) where function.testsPresence:
                    let argument = walk(arguments[0])
                    tests.formUnion(argument.uses)
                    tests.formUnion(argument.tests)
                default:
                    pending += next.children
                }
            }
            return (uses, tests)
        }
        for derived in program.derived {
            let (uses, tests) = walk(derived.expr)
            derivedInputs.append(uses)
            derivedTested.append(tests)
        }
        let rules = program.rules.map { walk($0.condition).tests }
        flagTested = program.flags.map { flag in flag.rules.reduce(into: Set<Int>()) { $0.formUnion(rules[$1]) } }
        let floors = program.domains.flatMap(\.floors).map { walk($0.condition).tests }
        let escalations = program.overall.escalations.map { walk($0.condition).tests }
        let all = rules + floors + escalations
        floorBase = rules.count
        escalationBase = rules.count + floors.count
        hasAny = all.contains { !$0.isEmpty }
        start = FixedBuffer(repeating: 0, count: all.count + 1)
        inputs = FixedBuffer(repeating: 0, count: all.reduce(0) { $0 + $1.count })
        var position = 0
        for (condition, tested) in all.enumerated() {
            start[condition] = Int32(position)
            for input in tested.sorted() {
                inputs[position] = Int32(input)
                position += 1
            }
        }
        start[all.count] = Int32(position)
    }

    @inline(__always) func isOpen(rule index: Int, _ r: UnsafePointer<Double>) -> Bool {
        hasAny && isOpen(condition: index, r)
    }

    /// `index` counts the floors of every domain, in order.
    @inline(__always) func isOpen(floor index: Int, _ r: UnsafePointer<Double>) -> Bool {
        hasAny && isOpen(condition: floorBase + index, r)
    }

    @inline(__always) func isOpen(escalation index: Int, _ r: UnsafePointer<Double>) -> Bool {
        hasAny && isOpen(condition: escalationBase + index, r)
    }

    /// True when an input the condition tests is missing.
    private func isOpen(condition: Int, _ r: UnsafePointer<Double>) -> Bool {
        for k in Int(start[condition])..<Int(start[condition + 1]) where r[Int(inputs[k])].isNaN { return true }
        return false
    }
}
