/// Interval evaluation of conditions over scores and tiers that are known
/// only to lie in a range.
struct ScoreRanges {
    struct Range {
        var lower: Double
        var upper: Double
        static let boolean = Range(lower: 0, upper: 1)
        static let any = Range(lower: -.infinity, upper: .infinity)
        var isPoint: Bool { lower == upper }
    }

    // Borrowed from the tape and the scratch that `ReachableTiers.compute`
    // is given, which outlive this value: plain pointers, so building one
    // per record costs no reference counting.
    private let nodes: UnsafePointer<TraceTape.Node>
    private let children: UnsafePointer<Int32>
    private let registers: UnsafePointer<Double>
    /// The scores and tiers known only as a range: register, range.
    private let rangeRegisters: UnsafeMutablePointer<Int>
    private let rangeValues: UnsafeMutablePointer<Range>
    /// One range per node of the largest plan.
    private let nodeRanges: UnsafeMutablePointer<Range>
    /// The scores and tiers not known exactly (few: a linear search).
    private var count = 0

    init(tape: TraceTape, registers: UnsafePointer<Double>, scratch: ReachableTiers.Scratch) {
        nodes = tape.nodes
        children = tape.children
        self.registers = registers
        rangeRegisters = scratch.rangeRegisters.baseAddress
        rangeValues = scratch.rangeValues.baseAddress
        nodeRanges = scratch.nodeRanges.baseAddress
    }

    var isEmpty: Bool { count == 0 }

    mutating func set(_ register: Int, _ lower: Double, _ upper: Double) {
        rangeRegisters[count] = register
        rangeValues[count] = Range(lower: lower, upper: upper)
        count += 1
    }

    private func range(register: Int) -> Range? {
        for k in 0..<count where rangeRegisters[k] == register { return rangeValues[k] }
        return nil
    }

    /// The range of the condition at tape node `root`. Nodes are in
    /// pre-order, so going backwards computes children before parents.
    func evaluate(root: Int) -> Range {
        let ranges = nodeRanges
        let end = Int(nodes[root].end)
        var index = end - 1
        while index >= root {
            let node = nodes[index]
            let register = Int(node.register)
            let result: Range
            if !node.has(TraceTape.Node.usesScores) {
                let value = registers[register]
                result = value.isNaN ? (node.has(TraceTape.Node.isBoolean) ? .boolean : .any) : Range(lower: value, upper: value)
            } else if node.kind == .scoreOrTier {
                if let known = range(register: register) {
                    result = known
                } else {
                    let value = registers[register]
                    result = value.isNaN ? .any : Range(lower: value, upper: value)
                }
            } else {
                result = combine(node, first: Int(node.firstChild), base: root, ranges: ranges)
            }
            ranges[index - root] = result
            index -= 1
        }
        return ranges[0]
    }

    private func combine(_ node: TraceTape.Node, first: Int, base: Int, ranges: UnsafeMutablePointer<Range>) -> Range {
        let count = Int(node.childCount)
        @inline(__always) func child(_ k: Int) -> Range { ranges[Int(children[first + k]) - base] }
        var lowest = Range(lower: .infinity, upper: .infinity)
        var highest = Range(lower: -.infinity, upper: -.infinity)
        var sum = Range(lower: 0, upper: 0)
        for k in 0..<count {
            let c = child(k)
            lowest = Range(lower: Swift.min(lowest.lower, c.lower), upper: Swift.min(lowest.upper, c.upper))
            highest = Range(lower: Swift.max(highest.lower, c.lower), upper: Swift.max(highest.upper, c.upper))
            sum = Range(lower: sum.lower + c.lower, upper: sum.upper + c.upper)
        }
        switch node.kind {
        case .compare:
            let a = child(0)
            let b = child(1)
            let (alwaysTrue, alwaysFalse): (Bool, Bool) =
                switch node.op {
                case .greaterEqual: (a.lower >= b.upper, a.upper < b.lower)
                case .greater: (a.lower > b.upper, a.upper <= b.lower)
                case .lessEqual: (a.upper <= b.lower, a.lower > b.upper)
                case .less: (a.upper < b.lower, a.lower >= b.upper)
                case .equal: (a.isPoint && b.isPoint && a.lower == b.lower, a.upper < b.lower || b.upper < a.lower)
                case .notEqual: (a.upper < b.lower || b.upper < a.lower, a.isPoint && b.isPoint && a.lower == b.lower)
                default: (false, false)
                }
            return alwaysTrue ? Range(lower: 1, upper: 1) : (alwaysFalse ? Range(lower: 0, upper: 0) : .boolean)
        case .and:
            return count == 0 ? Range(lower: 1, upper: 1) : lowest
        case .or:
            return count == 0 ? Range(lower: 0, upper: 0) : highest
        case .not:
            let c = child(0)
            return Range(lower: 1 - c.upper, upper: 1 - c.lower)
        case .call:
            switch node.op {
            case .count: return sum
            case .min: return lowest
            case .max: return highest
            default: return .any
            }
        case .arithmetic where node.op == .add || node.op == .subtract:
            let a = child(0)
            let b = child(1)
            let range =
                node.op == .add
                ? Range(lower: a.lower + b.lower, upper: a.upper + b.upper)
                : Range(lower: a.lower - b.upper, upper: a.upper - b.lower)
            return range.lower.isNaN || range.upper.isNaN ? .any : range
        case .negate:
            let c = child(0)
            return Range(lower: -c.upper, upper: -c.lower)
        case .member:
            var allPoints = true
            for k in 0..<count where !child(k).isPoint { allPoints = false }
            if allPoints {
                let value = child(0).lower
                var found = false
                for k in 1..<max(1, count) where child(k).lower == value { found = true }
                return found != node.has(TraceTape.Node.negated) ? Range(lower: 1, upper: 1) : Range(lower: 0, upper: 0)
            }
            return .boolean
        default:
            return node.has(TraceTape.Node.isBoolean) ? .boolean : .any
        }
    }
}
