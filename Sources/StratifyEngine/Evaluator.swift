import StratifyCore
import StratifyRules

/// Evaluates a `Program` for one record at a time.
///
/// The record's inputs go in registers `0..<program.inputs.count` (NaN for
/// missing); `evaluate()` fills every other register. Everything a caller
/// wants afterwards (scores, tiers, model, rule outcomes, every
/// sub-expression's value for a trace) is read from the registers, so there
/// is one evaluation, whatever is done with it. An evaluator is not shared
/// between threads: make one per thread.
public final class Evaluator {
    public let program: Program
    /// The register file; see `Code` for how values are encoded. Callers
    /// write a record's inputs through ``inputRegisters`` and read the
    /// results through ``registerValues``; only `evaluate()` writes the rest.
    @usableFromInline let registers: FixedBuffer<Double>

    /// The instructions in the order of `InstructionSchedule`, and its
    /// segments: runs of one kind.
    private let instructions: FixedBuffer<Instruction>
    private let segments: FixedBuffer<InstructionSchedule.Segment>
    private let operands: FixedBuffer<Int32>
    private let tables: FixedBuffer<TableHeader>
    /// Rows of every table, one after another.
    private let rowLowers: FixedBuffer<Double>
    private let rowUppers: FixedBuffer<Double>
    private let rowValues: FixedBuffer<Int32>
    private let layout: ScoringLayout
    @usableFromInline let inputCount: Int
    private let modelRegister: Int
    /// The segments of each phase.
    private let recordPhase: Range<Int>
    private let escalationPhase: Range<Int>
    private let modelPhase: Range<Int>

    private struct TableHeader {
        var rowStart: Int
        var rowCount: Int
        var defaultRegister: Int
        var rowRegister: Int
    }

    public init(program: Program) {
        self.program = program
        let code = program.code
        registers = FixedBuffer(repeating: .nan, count: code.registerCount)
        for (register, value) in code.constants {
            registers[register] = value
        }
        let schedule = InstructionSchedule(code: code)
        instructions = FixedBuffer(schedule.instructions)
        segments = FixedBuffer(schedule.segments)
        operands = FixedBuffer(code.operands)
        var headers: [TableHeader] = []
        var lowers: [Double] = []
        var uppers: [Double] = []
        var values: [Int32] = []
        for table in code.tables {
            headers.append(
                TableHeader(
                    rowStart: lowers.count, rowCount: table.lowers.count,
                    defaultRegister: Int(table.defaultRegister), rowRegister: Int(table.rowRegister)))
            lowers += table.lowers
            uppers += table.uppers
            values += table.valueRegisters
        }
        tables = FixedBuffer(headers)
        rowLowers = FixedBuffer(lowers)
        rowUppers = FixedBuffer(uppers)
        rowValues = FixedBuffer(values)
        layout = ScoringLayout(program: program)
        inputCount = program.inputs.count
        modelRegister = program.modelRegister
        recordPhase = schedule.recordPhase
        escalationPhase = schedule.escalationPhase
        modelPhase = schedule.modelPhase
    }

    /// The input registers `0..<program.inputs.count`, where a decoder
    /// writes a record's values (NaN: missing) before `evaluate()`. Valid
    /// while the evaluator is alive.
    @inlinable
    public var inputRegisters: UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: registerBase, count: inputCount)
    }

    /// Every register, read-only: what formatters, tracing and tests read
    /// after `evaluate()`. Valid while the evaluator is alive.
    @inlinable
    public var registerValues: UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: registerBase, count: registerCount)
    }

    @inlinable var registerBase: UnsafeMutablePointer<Double> { registers.baseAddress }
    @inlinable var registerCount: Int { registers.count }

    /// Marks every input missing.
    @inline(__always)
    public func clearInputs() {
        let r = registers.baseAddress
        for index in 0..<inputCount {
            r[index] = .nan
        }
    }

    /// Evaluates the record whose inputs are in the registers.
    public func evaluate() {
        let r = registers.baseAddress
        run(recordPhase)
        layout.scoreDomains(r)
        run(escalationPhase)
        layout.escalate(r)
        run(modelPhase)
        layout.chooseModel(r)
    }

    // MARK: - Reading results

    @inline(__always)
    public func value(_ register: Int) -> Double {
        registers[register]
    }

    /// The outcome of rule `index`.
    @inline(__always)
    public func outcome(ofRule index: Int) -> Outcome {
        Outcome(registers[program.rules[index].condition.register])
    }

    @inline(__always)
    public var modelIndex: Int {
        Int(registers[modelRegister])
    }

    // MARK: - The instruction loop

    @inline(__always)
    private func run(_ phase: Range<Int>) {
        let r = registers.baseAddress
        let code = instructions.baseAddress
        for s in phase {
            let segment = segments[s]
            var index = segment.start
            // The comparisons, most of a rule set's instructions, run in
            // loops of their own; the rest one by one.
            switch segment.op {
            case .greaterEqual:
                while index < segment.end {
                    compare(code[index], r) { $0 >= $1 }
                    index += 1
                }
            case .lessEqual:
                while index < segment.end {
                    compare(code[index], r) { $0 <= $1 }
                    index += 1
                }
            case .equal:
                while index < segment.end {
                    compare(code[index], r) { $0 == $1 }
                    index += 1
                }
            case .greater:
                while index < segment.end {
                    compare(code[index], r) { $0 > $1 }
                    index += 1
                }
            case .less:
                while index < segment.end {
                    compare(code[index], r) { $0 < $1 }
                    index += 1
                }
            case .notEqual:
                while index < segment.end {
                    compare(code[index], r) { $0 != $1 }
                    index += 1
                }
            default:
                while index < segment.end {
                    step(code[index], r)
                    index += 1
                }
            }
        }
    }

    /// Registers hold finite numbers or NaN (`checked` turns infinities
    /// into NaN), so `x - x` is 0, or NaN when x is unknown: adding both
    /// makes a comparison unknown without a branch.
    @inline(__always)
    private func compare(_ instruction: Instruction, _ r: UnsafeMutablePointer<Double>, _ holds: (Double, Double) -> Bool) {
        let a = r[Int(instruction.a)]
        let b = r[Int(instruction.b)]
        r[Int(instruction.destination)] = (holds(a, b) ? 1 : 0) + (a - a) + (b - b)
    }

    /// Runs one instruction.
    @inline(__always)
    private func step(_ instruction: Instruction, _ r: UnsafeMutablePointer<Double>) {
        let ops = operands.baseAddress
        let destination = Int(instruction.destination)
        let a = r[Int(instruction.a)]
        let b = r[Int(instruction.b)]
        switch instruction.op {
        case .add: r[destination] = Self.checked(a + b)
        case .subtract: r[destination] = Self.checked(a - b)
        case .multiply: r[destination] = Self.checked(a * b)
        case .divide: r[destination] = Self.checked(a / b)
        case .negate: r[destination] = -a
        case .not: r[destination] = 1 - a
        // A select, not a branch: whether a value is there varies by record.
        case .known: r[destination] = a == a ? 1 : 0
        case .missing: r[destination] = a == a ? 0 : 1
        case .equal: compare(instruction, r) { $0 == $1 }
        case .notEqual: compare(instruction, r) { $0 != $1 }
        case .less: compare(instruction, r) { $0 < $1 }
        case .lessEqual: compare(instruction, r) { $0 <= $1 }
        case .greater: compare(instruction, r) { $0 > $1 }
        case .greaterEqual: compare(instruction, r) { $0 >= $1 }
        // `and` and `or` decide without a branch on the operands' values,
        // which depend on the record and would often be mispredicted.
        // Operands are 1, 0 or NaN; counting NaN as ½, Kleene's `and` is the
        // minimum and `or` the maximum, and a result of ½ is unknown.
        case .and:
            var m = 1.0
            for k in Int(instruction.start)..<Int(instruction.start + instruction.count) {
                let v = r[Int(ops[k])]
                let x = v == v ? v : 0.5
                m = x < m ? x : m
            }
            r[destination] = m == 0.5 ? .nan : m
        case .or:
            var m = 0.0
            for k in Int(instruction.start)..<Int(instruction.start + instruction.count) {
                let v = r[Int(ops[k])]
                let x = v == v ? v : 0.5
                m = x > m ? x : m
            }
            r[destination] = m == 0.5 ? .nan : m
        case .member, .notMember:
            // 1 when some value equals x, else unknown when x or some value
            // is unknown, else 0; as a maximum, with ½ for unknown.
            let start = Int(instruction.start)
            let x = r[Int(ops[start])]
            var m = 0.0
            for k in (start + 1)..<(start + Int(instruction.count)) {
                let v = r[Int(ops[k])]
                let found = v == x ? 1.0 : (v == v ? 0.0 : 0.5)
                m = found > m ? found : m
            }
            let result = x != x || m == 0.5 ? Double.nan : m
            r[destination] = instruction.op == .member ? result : 1 - result
        case .count, .sum, .minimum, .maximum:
            let start = Int(instruction.start)
            var result = instruction.op == .minimum ? Double.infinity : (instruction.op == .maximum ? -Double.infinity : 0)
            for k in start..<(start + Int(instruction.count)) {
                let v = r[Int(ops[k])]
                switch instruction.op {
                case .count: result += v
                case .sum: result += v
                case .minimum: result = v < result || v.isNaN ? v : result
                default: result = v > result || v.isNaN ? v : result
                }
            }
            r[destination] = Self.checked(result)
        case .cases:
            // The first arm whose condition holds gives the value; an unknown
            // condition before it makes the value unknown. Walked backwards,
            // each arm overrides the ones after it, with no branch on the
            // conditions.
            let start = Int(instruction.start)
            let pairs = (Int(instruction.count) - 1) / 2
            let otherwise = Int(ops[start + 2 * pairs])
            var result = otherwise >= 0 ? r[otherwise] : .nan
            var arm = pairs - 1
            while arm >= 0 {
                let condition = r[Int(ops[start + 2 * arm])]
                let value = r[Int(ops[start + 2 * arm + 1])]
                result = condition == 1 ? value : result
                result = condition == condition ? result : .nan
                arm -= 1
            }
            r[destination] = result
        case .table:
            let table = tables[Int(instruction.b)]
            let rowRegister = table.rowRegister
            if a.isNaN {
                r[destination] = .nan
                r[rowRegister] = .nan
                break
            }
            // The first row whose range holds the key, found without a
            // branch on the key: scanning backwards, the earliest match is
            // the one left in `found`.
            var found = -1
            var row = table.rowStart + table.rowCount - 1
            while row >= table.rowStart {
                let inside = (rowLowers[row] <= a ? 1 : 0) & (a <= rowUppers[row] ? 1 : 0)
                found = inside != 0 ? row : found
                row -= 1
            }
            if found >= 0 {
                r[destination] = r[Int(rowValues[found])]
                r[rowRegister] = Double(found - table.rowStart)
            } else if table.defaultRegister >= 0 {
                r[destination] = r[table.defaultRegister]
                r[rowRegister] = -1
            } else {
                r[destination] = .nan
                r[rowRegister] = .nan
            }
        }
    }

    /// Numbers beyond ±2^53 (where integers stop being exact), infinities
    /// and NaN from division by zero all become unknown.
    @inline(__always)
    static func checked(_ value: Double) -> Double {
        value.magnitude <= 9_007_199_254_740_992 ? value : .nan
    }
}
