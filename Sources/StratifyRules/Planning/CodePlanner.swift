/// The stage after checking: lays a checked `Program` out as `Code`, the
/// flat instructions the engine runs. Each value is computed once, children
/// first, in three phases (the record's own values, then escalations once
/// the tiers are known, then models once the final tier is known). The
/// checker has already named every value with a register
/// (`RegisterAllocator`); planning only orders the work.
struct CodePlanner {
    private var code: Code
    private var emitted: Set<Int> = []

    /// The code of `program`, whose `code` holds only its registers and
    /// constants (as the checker leaves it).
    static func plan(_ program: Program) -> Code {
        var planner = CodePlanner(code: program.code)
        planner.planRecordPhase(program)
        let escalationStart = planner.code.instructions.count
        for escalation in program.overall.escalations { planner.emit(escalation.condition) }
        planner.code.escalationPhase = escalationStart..<planner.code.instructions.count
        let modelStart = planner.code.instructions.count
        for model in program.models {
            if let condition = model.condition { planner.emit(condition) }
        }
        planner.code.modelPhase = modelStart..<planner.code.instructions.count
        return planner.code
    }

    private init(code: Code) {
        self.code = code
    }

    /// What needs only the inputs: derived values, rule conditions, the
    /// flags set by several rules, floor conditions.
    private mutating func planRecordPhase(_ program: Program) {
        let start = code.instructions.count
        for value in program.derived { emit(value.expr) }
        for rule in program.rules { emit(rule.condition) }
        for flag in program.flags where flag.rules.count > 1 {
            emitOr(destination: flag.register, of: flag.rules.map { program.rules[$0].condition.register })
        }
        for domain in program.domains {
            for floor in domain.floors { emit(floor.condition) }
        }
        code.recordPhase = start..<code.instructions.count
    }

    /// Emits what computes `expr`, unless an earlier expression already did.
    private mutating func emit(_ expr: TypedExpr) {
        // Post-order without recursion on the Swift stack beyond the tree's
        // depth, which the parser bounds.
        guard !expr.isReference, !emitted.contains(expr.register) else { return }
        for child in expr.children { emit(child) }
        emitted.insert(expr.register)
        let destination = expr.register
        switch expr.kind {
        case .constant, .input, .derived, .flag, .domainScore, .domainTier, .totalScore, .tier:
            break
        case .negate(let operand):
            append(Instruction(.negate, destination: destination, a: operand.register))
        case .not(let operand):
            append(Instruction(.not, destination: destination, a: operand.register))
        case .arithmetic(let op, let left, let right):
            let code: Instruction.Op =
                switch op {
                case .add: .add
                case .subtract: .subtract
                case .multiply: .multiply
                case .divide: .divide
                }
            append(Instruction(code, destination: destination, a: left.register, b: right.register))
        case .compare(let op, let left, let right):
            let code: Instruction.Op =
                switch op {
                case .equal: .equal
                case .notEqual: .notEqual
                case .less: .less
                case .lessEqual: .lessEqual
                case .greater: .greater
                case .greaterEqual: .greaterEqual
                }
            append(Instruction(code, destination: destination, a: left.register, b: right.register))
        case .logical(let op, let operands):
            appendNary(op == .and ? .and : .or, destination, operands.map(\.register))
        case .member(let value, let list, let negated):
            appendNary(negated ? .notMember : .member, destination, [value.register] + list.map(\.register))
        case .call(let function, let arguments) where function.testsPresence:
            append(Instruction(function == .known ? .known : .missing, destination: destination, a: arguments[0].register))
        case .call(let function, let arguments):
            let code: Instruction.Op =
                switch function {
                case .count: .count
                case .min: .minimum
                case .max: .maximum
                case .known, .missing: preconditionFailure("presence tests are emitted above")
                }
            appendNary(code, destination, arguments.map(\.register))
        case .sum(let parts):
            appendNary(.sum, destination, parts.map(\.value.register))
        case .cases(let arms, let otherwise):
            var registers: [Int] = []
            for arm in arms {
                registers.append(arm.condition.register)
                registers.append(arm.value.register)
            }
            registers.append(otherwise?.register ?? -1)
            appendNary(.cases, destination, registers)
        case .table(let key, let table):
            let index = code.tables.count
            code.tables.append(
                TableCode(
                    lowers: table.rows.map(\.lower),
                    uppers: table.rows.map(\.upper),
                    valueRegisters: table.rows.map { Int32($0.value.register) },
                    defaultRegister: Int32(table.defaultValue?.register ?? -1),
                    rowRegister: Int32(table.rowRegister)))
            append(Instruction(.table, destination: destination, a: key.register, b: index))
        }
    }

    /// An `or` of registers computed elsewhere (a flag set by several rules).
    private mutating func emitOr(destination: Int, of registers: [Int]) {
        appendNary(.or, destination, registers)
    }

    private mutating func append(_ instruction: Instruction) {
        code.instructions.append(instruction)
    }

    private mutating func appendNary(_ op: Instruction.Op, _ destination: Int, _ registers: [Int]) {
        let start = code.operands.count
        code.operands.append(contentsOf: registers.map { Int32($0) })
        append(Instruction(op, destination: destination, start: start, count: registers.count))
    }
}
