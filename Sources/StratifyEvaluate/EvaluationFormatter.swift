import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// Where one scored record's figures sit in the bytes an
/// ``EvaluationFormatter`` writes (native byte order; they never leave the
/// process): identifier length (UInt32), tier (UInt8), model (UInt8),
/// total score (Float64), one UInt8 per grouping input (its value's index,
/// 255 when missing), the fired rules as bits, then the identifier.
package struct EvaluationLayout: Sendable {
    package let groupInputs: [Int]
    package let rules: Int
    package let fixedSize: Int

    static let missing: UInt8 = 255

    /// - Parameter groupInputs: the registers of the inputs `--by` names
    ///   (enum or boolean inputs of `program`).
    package init(program: Program, groupInputs: [Int]) {
        self.groupInputs = groupInputs
        rules = program.rules.count
        fixedSize = 4 + 1 + 1 + 8 + groupInputs.count + (rules + 7) / 8
    }
}

/// One record as an ``EvaluationFormatter`` wrote it, read in place.
package struct EvaluatedRecord {
    let bytes: UnsafeRawBufferPointer
    let layout: EvaluationLayout

    package var tier: Int { Int(bytes[4]) }
    package var model: Int { Int(bytes[5]) }
    package var totalScore: Double { bytes.loadUnaligned(fromByteOffset: 6, as: Double.self) }
    /// The value index of grouping input `k`; nil when missing.
    package func groupValue(_ k: Int) -> Int? {
        let value = bytes[14 + k]
        return value == EvaluationLayout.missing ? nil : Int(value)
    }
    /// Calls `body` with each rule that fired, in order (most do not: whole
    /// bytes of rules that did not are skipped).
    @inline(__always)
    package func forEachFiredRule(_ body: (Int) -> Void) {
        let start = 14 + layout.groupInputs.count
        for k in 0..<(layout.rules + 7) >> 3 {
            var byte = bytes[start + k]
            while byte != 0 {
                body(k << 3 + byte.trailingZeroBitCount)
                byte &= byte - 1
            }
        }
    }
    package var identifier: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[layout.fixedSize...])
    }
}

/// Writes what `evaluate` needs of each scored record, compactly, through
/// the same streaming pipeline as `score`.
package struct EvaluationFormatter: RecordFormatter {
    private let layout: EvaluationLayout
    private let tierRegister: Int
    private let modelRegister: Int
    private let totalRegister: Int
    private let ruleRegisters: [Int]

    package init(program: Program, layout: EvaluationLayout) {
        self.layout = layout
        tierRegister = program.overall.tierRegister
        modelRegister = program.modelRegister
        totalRegister = program.overall.totalRegister
        ruleRegisters = program.rules.map(\.condition.register)
    }

    package func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = evaluator.registerValues
        let fixed = layout.fixedSize
        out.write(maxCount: fixed + identifier.count) { p in
            let raw = UnsafeMutableRawPointer(p)
            raw.storeBytes(of: UInt32(identifier.count), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt8(r[tierRegister]), toByteOffset: 4, as: UInt8.self)
            raw.storeBytes(of: UInt8(r[modelRegister]), toByteOffset: 5, as: UInt8.self)
            raw.storeBytes(of: r[totalRegister], toByteOffset: 6, as: Double.self)
            var offset = 14
            layout.groupInputs.withUnsafeBufferPointer { inputs in
                for input in inputs {
                    let value = r[input]
                    p[offset] = value.isNaN ? EvaluationLayout.missing : UInt8(value)
                    offset += 1
                }
            }
            let bits = p + offset
            bits.update(repeating: 0, count: fixed - offset)
            // Fired is 1; not fired (0) and unknown (NaN) are not.
            ruleRegisters.withUnsafeBufferPointer { registers in
                for rule in 0..<registers.count where r[registers[rule]] == 1 {
                    bits[rule >> 3] |= 1 << UInt8(rule & 7)
                }
            }
            if let base = identifier.baseAddress, identifier.count > 0 {
                (raw + fixed).copyMemory(from: base, byteCount: identifier.count)
            }
            return fixed + identifier.count
        }
    }

    package func outputCapacity(forInputBytes count: Int) -> Int? { count / 4 + 4096 }
}

/// Cuts the bytes ``EvaluationFormatter``s wrote into records, in order.
/// With two layouts, records alternate (the current rules', then the
/// candidate's: ``PairedChunk/pairs``).
package final class EvaluationDecoder {
    private let layouts: [EvaluationLayout]
    private var pending = PendingRecordBytes()
    private let onRecord: (EvaluatedRecord, EvaluatedRecord?) -> Void

    package init(layouts: [EvaluationLayout], onRecord: @escaping (EvaluatedRecord, EvaluatedRecord?) -> Void) {
        precondition(layouts.count == 1 || layouts.count == 2)
        self.layouts = layouts
        self.onRecord = onRecord
    }

    package func consume(_ bytes: UnsafeRawBufferPointer) {
        pending.consume(bytes, decode)
    }

    /// Whether every byte received made whole records.
    package var isComplete: Bool { pending.isEmpty }

    /// The length of the record at `start`, or nil if it is not all there.
    private func length(_ bytes: UnsafeRawBufferPointer, at start: Int, _ layout: EvaluationLayout) -> Int? {
        guard bytes.count - start >= layout.fixedSize else { return nil }
        let total = layout.fixedSize + Int(bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self))
        return bytes.count - start >= total ? total : nil
    }

    private func decode(_ bytes: UnsafeRawBufferPointer) -> Int {
        var start = 0
        while let first = length(bytes, at: start, layouts[0]) {
            let a = EvaluatedRecord(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + first)]), layout: layouts[0])
            if layouts.count == 1 {
                onRecord(a, nil)
                start += first
                continue
            }
            guard let second = length(bytes, at: start + first, layouts[1]) else { break }
            let bStart = start + first
            onRecord(a, EvaluatedRecord(bytes: UnsafeRawBufferPointer(rebasing: bytes[bStart..<(bStart + second)]), layout: layouts[1]))
            start = bStart + second
        }
        return start
    }
}
