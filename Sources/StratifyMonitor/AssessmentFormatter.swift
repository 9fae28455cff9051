import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// Writes each scored record as a compact binary ``Assessment`` instead of
/// text, so that the monitoring commands aggregate a population through the
/// same streaming pipeline as `score` without formatting and re-parsing it.
///
/// Layout of one record, native byte order (it never leaves the process):
/// identifier length (UInt32), tier (UInt8), model (UInt8), one UInt8 tier
/// per domain, flags (UInt64), total score (Float64), review date in days
/// (Float64, NaN when none), then the identifier's bytes.
public struct AssessmentFormatter: RecordFormatter {
    private let tierRegister: Int
    private let modelRegister: Int
    private let totalRegister: Int
    private let reviewRegister: Int
    private let domainTierRegisters: [Int]
    private let flagRegisters: [Int]

    public init(program: Program) {
        tierRegister = program.overall.tierRegister
        modelRegister = program.modelRegister
        totalRegister = program.overall.totalRegister
        reviewRegister = program.review?.register ?? -1
        domainTierRegisters = program.domains.map(\.tierRegister)
        flagRegisters = program.flags.prefix(AssessmentVocabulary.maxFlags).map(\.register)
    }

    /// The bytes of a record before its identifier.
    public static func fixedSize(domains: Int) -> Int { 4 + 1 + 1 + domains + 8 + 8 + 8 }

    public func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = evaluator.registerValues
        let fixed = Self.fixedSize(domains: domainTierRegisters.count)
        out.write(maxCount: fixed + identifier.count) { p in
            let raw = UnsafeMutableRawPointer(p)
            raw.storeBytes(of: UInt32(identifier.count), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: UInt8(r[tierRegister]), toByteOffset: 4, as: UInt8.self)
            raw.storeBytes(of: UInt8(r[modelRegister]), toByteOffset: 5, as: UInt8.self)
            var offset = 6
            for register in domainTierRegisters {
                raw.storeBytes(of: UInt8(r[register]), toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
            var flags: UInt64 = 0
            for (index, register) in flagRegisters.enumerated() where r[register] == 1 {
                flags |= 1 << UInt64(index)
            }
            raw.storeBytes(of: flags, toByteOffset: offset, as: UInt64.self)
            raw.storeBytes(of: r[totalRegister], toByteOffset: offset + 8, as: Double.self)
            let review = reviewRegister >= 0 ? r[reviewRegister] : .nan
            raw.storeBytes(of: review, toByteOffset: offset + 16, as: Double.self)
            if let base = identifier.baseAddress, identifier.count > 0 {
                (raw + fixed).copyMemory(from: base, byteCount: identifier.count)
            }
            return fixed + identifier.count
        }
    }
}

/// Turns the bytes an ``AssessmentFormatter`` wrote back into assessments,
/// in order. Writes arrive a chunk at a time; a record cut between two
/// writes is kept until the rest arrives.
public final class AssessmentDecoder {
    private let domains: Int
    private var pending = PendingRecordBytes()
    private let onAssessment: (Assessment) -> Void

    public init(domains: Int, onAssessment: @escaping (Assessment) -> Void) {
        self.domains = domains
        self.onAssessment = onAssessment
    }

    public func consume(_ bytes: UnsafeRawBufferPointer) {
        pending.consume(bytes, decode)
    }

    /// Decodes the whole records at the start of `bytes`; returns the bytes used.
    private func decode(_ bytes: UnsafeRawBufferPointer) -> Int {
        let fixed = AssessmentFormatter.fixedSize(domains: domains)
        var start = 0
        while bytes.count - start >= fixed {
            let length = Int(bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self))
            guard bytes.count - start >= fixed + length else { break }
            var domainTiers: [Int] = []
            domainTiers.reserveCapacity(domains)
            for index in 0..<domains {
                domainTiers.append(Int(bytes[start + 6 + index]))
            }
            let offset = start + 6 + domains
            let review = bytes.loadUnaligned(fromByteOffset: offset + 16, as: Double.self)
            let total = bytes.loadUnaligned(fromByteOffset: offset + 8, as: Double.self)
            onAssessment(
                Assessment(
                    identifier: String(decoding: bytes[(start + fixed)..<(start + fixed + length)], as: UTF8.self),
                    tier: Int(bytes[start + 4]), model: Int(bytes[start + 5]), domainTiers: domainTiers,
                    flags: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                    totalScore: total.isNaN ? nil : total,
                    reviewBy: review.isNaN ? nil : Int(review)))
            start += fixed + length
        }
        return start
    }
}
