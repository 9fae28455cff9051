import StratifyEngine
import StratifyIO
import StratifyRules

/// What one rule file made of the records of a chunk that it scored, kept
/// as flat arrays (one stride per record) so that comparing two rule files
/// touches no strings: tier, model, total, review date, domain scores and
/// tiers, rule outcomes, flags and missing inputs, and the identifier.
struct SideRecords {
    /// Per program: how many values each record takes, and the registers
    /// they are read from (found once, so that a record's loop copies no
    /// rule or domain struct: that retained their strings, per record).
    struct Shape: Sendable {
        let domains: Int
        let rules: Int
        let flags: Int
        let inputs: Int
        let identifier: Int
        let tierRegister: Int
        let modelRegister: Int
        let totalRegister: Int
        /// -1 without a review date.
        let reviewRegister: Int
        /// Per domain: its score register, then its tier register.
        let domainRegisters: [Int]
        let ruleRegisters: [Int]
        let flagRegisters: [Int]

        init(program: Program) {
            domains = program.domains.count
            rules = program.rules.count
            flags = program.flags.count
            inputs = program.inputs.count
            identifier = program.identifier
            tierRegister = program.overall.tierRegister
            modelRegister = program.modelRegister
            totalRegister = program.overall.totalRegister
            reviewRegister = program.review?.register ?? -1
            domainRegisters = program.domains.flatMap { [$0.scoreRegister, $0.tierRegister] }
            ruleRegisters = program.rules.map(\.condition.register)
            flagRegisters = program.flags.map(\.register)
        }
    }

    let shape: Shape
    private(set) var count = 0
    private(set) var tiers: [Int32] = []
    private(set) var models: [Int32] = []
    private(set) var totals: [Int32] = []
    /// Days since 1970-01-01; NaN for none.
    private(set) var reviews: [Double] = []
    /// `domains` per record.
    private(set) var scores: [Int32] = []
    private(set) var domainTiers: [Int32] = []
    /// `rules` per record: `Outcome` as 1 fired, 0 not fired, 2 unknown.
    private(set) var outcomes: [UInt8] = []
    /// `flags` per record, 1 when set.
    private(set) var flags: [UInt8] = []
    /// `inputs` per record, 1 when missing.
    private(set) var missing: [UInt8] = []
    private var identifierBytes: [UInt8] = []
    private var identifierEnds: [Int] = []

    init(shape: Shape) {
        self.shape = shape
    }

    mutating func removeAll() {
        count = 0
        tiers.removeAll(keepingCapacity: true)
        models.removeAll(keepingCapacity: true)
        totals.removeAll(keepingCapacity: true)
        reviews.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        domainTiers.removeAll(keepingCapacity: true)
        outcomes.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        missing.removeAll(keepingCapacity: true)
        identifierBytes.removeAll(keepingCapacity: true)
        identifierEnds.removeAll(keepingCapacity: true)
    }

    /// Adds the record whose evaluation is in `evaluator`.
    mutating func append(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer) {
        let r = evaluator.registerValues
        count += 1
        tiers.append(Int32(r[shape.tierRegister]))
        models.append(Int32(r[shape.modelRegister]))
        totals.append(Int32(r[shape.totalRegister]))
        reviews.append(shape.reviewRegister >= 0 ? r[shape.reviewRegister] : .nan)
        shape.domainRegisters.withUnsafeBufferPointer { registers in
            for k in stride(from: 0, to: registers.count, by: 2) {
                scores.append(Int32(r[registers[k]]))
                domainTiers.append(Int32(r[registers[k + 1]]))
            }
        }
        shape.ruleRegisters.withUnsafeBufferPointer { registers in
            for register in registers {
                let value = r[register]
                outcomes.append(value == 1 ? 1 : (value == 0 ? 0 : 2))
            }
        }
        shape.flagRegisters.withUnsafeBufferPointer { registers in
            for register in registers {
                flags.append(r[register] == 1 ? 1 : 0)
            }
        }
        for input in 0..<shape.inputs {
            missing.append(r[input].isNaN && input != shape.identifier ? 1 : 0)
        }
        identifierBytes.append(contentsOf: identifier)
        identifierEnds.append(identifierBytes.count)
    }

    // MARK: - Reading

    func score(_ record: Int, domain: Int) -> Int { Int(scores[record * shape.domains + domain]) }
    func domainTier(_ record: Int, domain: Int) -> Int { Int(domainTiers[record * shape.domains + domain]) }
    func outcome(_ record: Int, rule: Int) -> UInt8 { outcomes[record * shape.rules + rule] }
    func flag(_ record: Int, _ flag: Int) -> Bool { flags[record * shape.flags + flag] == 1 }
    func isMissing(_ record: Int, input: Int) -> Bool { missing[record * shape.inputs + input] == 1 }

    func identifier(_ record: Int) -> ArraySlice<UInt8> {
        identifierBytes[(record == 0 ? 0 : identifierEnds[record - 1])..<identifierEnds[record]]
    }
}

/// The formatter that `ChunkScorer` hands each scored record to: instead of
/// writing it, it keeps what the comparison needs. One per worker thread and
/// rule file; emptied after each chunk.
final class SideRecorder: RecordFormatter {
    var records: SideRecords

    init(shape: SideRecords.Shape) {
        records = SideRecords(shape: shape)
    }

    func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        records.append(evaluator, identifier: identifier)
    }
}
