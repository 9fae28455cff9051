/// The flat, compiled form of a rule set's expressions: instructions over a
/// file of `Double` registers. Evaluating a record runs them in order, with
/// no names, no parsing and no allocation.
///
/// Values: numbers as themselves, booleans as 0 and 1, enum values and tiers
/// by their position, dates as days since 1970-01-01, and unknown as NaN.
public struct Code: Sendable {
    public internal(set) var instructions: [Instruction] = []
    /// Operand lists of the n-ary instructions.
    public internal(set) var operands: [Int32] = []
    /// Row bounds of `table` instructions.
    public internal(set) var tables: [TableCode] = []
    /// Registers that hold literals; set once when an evaluator is made.
    public internal(set) var constants: [(register: Int, value: Double)] = []
    public internal(set) var registerCount = 0

    /// Instructions that need only the inputs: derived values, rule
    /// conditions, flags and floor conditions.
    public internal(set) var recordPhase: Range<Int> = 0..<0
    /// Escalation conditions, after domain scores and tiers are known.
    public internal(set) var escalationPhase: Range<Int> = 0..<0
    /// Model conditions, after the final tier is known.
    public internal(set) var modelPhase: Range<Int> = 0..<0

    /// The registers a checked program names, before `CodePlanner` lays out
    /// the instructions that fill them.
    init(registerCount: Int, constants: [(register: Int, value: Double)]) {
        self.registerCount = registerCount
        self.constants = constants
    }
}

public struct Instruction: Sendable {
    public enum Op: UInt8, Sendable {
        case add, subtract, multiply, divide, negate
        case not
        /// 1 when `a` is known, else 0; `missing` the opposite. Never unknown.
        case known, missing
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        /// Operands: `a` and `b`.
        /// N-ary below: operands[start..<start+count].
        case and, or, count, minimum, maximum, sum
        /// operands[0] is the value; the rest are the list.
        case member, notMember
        /// operands: condition, value, condition, value, …, then the
        /// otherwise register or -1.
        case cases
        /// `a`: key register; `b`: index into `tables`.
        case table
    }

    public var op: Op
    public var destination: Int32
    public var a: Int32
    public var b: Int32
    public var start: Int32
    public var count: Int32

    public init(_ op: Op, destination: Int, a: Int = 0, b: Int = 0, start: Int = 0, count: Int = 0) {
        self.op = op
        self.destination = Int32(destination)
        self.a = Int32(a)
        self.b = Int32(b)
        self.start = Int32(start)
        self.count = Int32(count)
    }
}

/// Row ranges of a table; row `i` maps to the register `valueRegisters[i]`.
public struct TableCode: Sendable {
    public var lowers: [Double]
    public var uppers: [Double]
    public var valueRegisters: [Int32]
    /// -1 when the table has no default.
    public var defaultRegister: Int32
    public var rowRegister: Int32
}
