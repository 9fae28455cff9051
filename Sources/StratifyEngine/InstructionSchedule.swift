import StratifyRules

/// The order an evaluator runs a program's instructions in: within each
/// phase, instructions of the same kind are brought together where their
/// dependencies allow, and each run of one kind is a segment.
///
/// The evaluator then chooses what to do once per segment rather than once
/// per instruction, and runs each segment as a tight loop: the default rule
/// set's 76 instructions become about 20 segments. Only the order changes,
/// and only between instructions that do not depend on each other, so every
/// register ends with the same value.
struct InstructionSchedule {
    struct Segment {
        var op: Instruction.Op
        var start: Int
        var end: Int
    }

    private(set) var instructions: [Instruction] = []
    private(set) var segments: [Segment] = []
    /// The segments of each phase.
    private(set) var recordPhase: Range<Int> = 0..<0
    private(set) var escalationPhase: Range<Int> = 0..<0
    private(set) var modelPhase: Range<Int> = 0..<0

    init(code: Code) {
        recordPhase = schedule(code.recordPhase, of: code)
        escalationPhase = schedule(code.escalationPhase, of: code)
        modelPhase = schedule(code.modelPhase, of: code)
    }

    /// Appends the instructions of `phase`, reordered, and returns the range
    /// of segments they make.
    private mutating func schedule(_ phase: Range<Int>, of code: Code) -> Range<Int> {
        let firstSegment = segments.count
        let local = Array(code.instructions[phase])
        guard !local.isEmpty else { return firstSegment..<firstSegment }

        // Dependencies between the phase's instructions through registers:
        // read after write, write after read, write after write.
        var successors = [[Int]](repeating: [], count: local.count)
        var waitingOn = [Int](repeating: 0, count: local.count)
        var lastWriter: [Int: Int] = [:]
        var readersSinceWrite: [Int: [Int]] = [:]
        func dependsOn(_ earlier: Int, _ later: Int) {
            guard earlier != later else { return }
            successors[earlier].append(later)
            waitingOn[later] += 1
        }
        for (index, instruction) in local.enumerated() {
            let reads = Self.reads(instruction, code: code)
            let writes = Self.writes(instruction, code: code)
            for register in reads {
                if let writer = lastWriter[register] { dependsOn(writer, index) }
            }
            for register in writes {
                if let writer = lastWriter[register] { dependsOn(writer, index) }
                for reader in readersSinceWrite[register] ?? [] { dependsOn(reader, index) }
            }
            for register in reads { readersSinceWrite[register, default: []].append(index) }
            for register in writes {
                lastWriter[register] = index
                readersSinceWrite[register] = []
            }
        }

        // Ready instructions per kind, oldest first. Keep taking the current
        // kind while one is ready; otherwise switch to the kind whose oldest
        // ready instruction comes first in the program.
        var ready: [Instruction.Op: [Int]] = [:]
        var readHead: [Instruction.Op: Int] = [:]
        for index in local.indices where waitingOn[index] == 0 {
            ready[local[index].op, default: []].append(index)
        }
        var current: Instruction.Op?
        var placed = 0
        while placed < local.count {
            func head(_ op: Instruction.Op) -> Int? {
                let queue = ready[op] ?? []
                let position = readHead[op] ?? 0
                return position < queue.count ? queue[position] : nil
            }
            var op = current
            if op == nil || head(op!) == nil {
                op = ready.keys.compactMap { kind in head(kind).map { (kind, $0) } }.min { $0.1 < $1.1 }?.0
            }
            guard let chosen = op, let index = head(chosen) else {
                preconditionFailure("instruction dependencies form a cycle")
            }
            readHead[chosen, default: 0] += 1
            if chosen != current || segments.count == firstSegment {
                segments.append(Segment(op: chosen, start: instructions.count, end: instructions.count))
                current = chosen
            }
            instructions.append(local[index])
            segments[segments.count - 1].end = instructions.count
            placed += 1
            for next in successors[index] {
                waitingOn[next] -= 1
                if waitingOn[next] == 0 { ready[local[next].op, default: []].append(next) }
            }
        }
        return firstSegment..<segments.count
    }

    /// The registers an instruction reads.
    static func reads(_ instruction: Instruction, code: Code) -> [Int] {
        let operands = Int(instruction.start)..<Int(instruction.start + instruction.count)
        switch instruction.op {
        case .add, .subtract, .multiply, .divide, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return [Int(instruction.a), Int(instruction.b)]
        case .negate, .not, .known, .missing:
            return [Int(instruction.a)]
        case .and, .or, .count, .minimum, .maximum, .sum, .member, .notMember, .cases:
            return operands.map { Int(code.operands[$0]) }.filter { $0 >= 0 }
        case .table:
            let table = code.tables[Int(instruction.b)]
            return [Int(instruction.a), Int(table.defaultRegister)].filter { $0 >= 0 } + table.valueRegisters.map(Int.init)
        }
    }

    /// The registers an instruction writes.
    static func writes(_ instruction: Instruction, code: Code) -> [Int] {
        if instruction.op == .table {
            return [Int(instruction.destination), Int(code.tables[Int(instruction.b)].rowRegister)]
        }
        return [Int(instruction.destination)]
    }
}
