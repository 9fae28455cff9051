/// Names the values of a rule set while it is checked: every checked
/// expression gets a register (its slot in the evaluator's register file),
/// literals share one register per value. Registers are part of the checked
/// program, as expression ids are part of cel-go's checked AST; laying out
/// the instructions that fill them is the next stage, `CodePlanner`.
final class RegisterAllocator {
    private(set) var registerCount: Int
    private(set) var constants: [(register: Int, value: Double)] = []
    private var constantRegisters: [UInt64: Int] = [:]

    /// Inputs come first: input `i` lives in register `i`.
    init(inputCount: Int) {
        registerCount = inputCount
    }

    func allocate() -> Int {
        defer { registerCount += 1 }
        return registerCount
    }

    /// The register that holds `value`; literals are shared.
    func constant(_ value: Double) -> Int {
        let key = value.bitPattern
        if let register = constantRegisters[key] { return register }
        let register = allocate()
        constantRegisters[key] = register
        constants.append((register, value))
        return register
    }
}
