import StratifyBatch
import StratifyEngine
import StratifyIO
import StratifyRules

/// Writes each scored record as a compact binary ``AssessmentRecord``
/// instead of text, so that the monitoring commands aggregate a population
/// through the same streaming pipeline as `score` without formatting and
/// re-parsing it.
package struct AssessmentFormatter: RecordFormatter {
    private let tierRegister: Int
    private let modelRegister: Int
    private let totalRegister: Int
    private let reviewRegister: Int
    private let domainTierRegisters: [Int]
    private let flagRegisters: [Int]

    package init(program: Program) {
        tierRegister = program.overall.tierRegister
        modelRegister = program.modelRegister
        totalRegister = program.overall.totalRegister
        reviewRegister = program.review?.register ?? -1
        domainTierRegisters = program.domains.map(\.tierRegister)
        flagRegisters = program.flags.prefix(AssessmentVocabulary.maxFlags).map(\.register)
    }

    /// The bytes of a record before its identifier.
    package static func fixedSize(domains: Int) -> Int { AssessmentRecord.fixedSize(domains: domains) }

    package func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = evaluator.registerValues
        let fixed = AssessmentRecord.fixedSize(domains: domainTierRegisters.count)
        out.write(maxCount: fixed + identifier.count) { p in
            let raw = UnsafeMutableRawPointer(p)
            var flags: UInt64 = 0
            for (index, register) in flagRegisters.enumerated() where r[register] == 1 {
                flags |= 1 << UInt64(index)
            }
            AssessmentRecord.write(
                at: raw, identifier: identifier, tier: Int(r[tierRegister]), model: Int(r[modelRegister]),
                domainTiers: domainTierRegisters.lazy.map { Int(r[$0]) }, flags: flags, total: r[totalRegister],
                review: reviewRegister >= 0 ? r[reviewRegister] : .nan)
            return fixed + identifier.count
        }
    }
}

/// Hands on the records an ``AssessmentFormatter`` wrote, in order, read in
/// place. Writes arrive a chunk at a time; a record cut between two writes
/// is kept until the rest arrives.
///
/// It finds the records that repeat an identifier for the batch (a
/// ``RepeatedIdentifierFinder``): `onRecord`, which looks each patient up
/// in a table anyway, says which, and the decoder gives each record its
/// number in the batch for the table to keep.
package final class AssessmentDecoder: RepeatedIdentifierFinder {
    private let domains: Int
    private var pending = PendingRecordBytes()
    private let onRecord: (AssessmentRecord) -> Int?
    private let lookahead: ((AssessmentRecord) -> Void)?
    /// The batch's numbers of the current chunk's scored records, the next
    /// one's index among them, and the repeats found in the chunk so far.
    // The writer's thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var numbers: ScoredRecordNumbers?
    @exclusivity(unchecked) private var scored = 0
    @exclusivity(unchecked) private var repeats: [RepeatedIdentifier] = []

    /// - Parameter lookahead: called for a group of records before
    ///   `onRecord` is called for each, to start the memory loads that
    ///   `onRecord` will wait for (a hash table's slots) all at once, where
    ///   one after the other each would stall the thread.
    /// - Parameter onRecord: returns, when the record repeats an earlier
    ///   one's identifier, that record's number (and nil otherwise).
    package init(domains: Int, lookahead: ((AssessmentRecord) -> Void)? = nil, onRecord: @escaping (AssessmentRecord) -> Int?) {
        self.domains = domains
        self.lookahead = lookahead
        self.onRecord = onRecord
    }

    /// Records handed to `lookahead` ahead of `onRecord`: enough loads to
    /// keep the memory busy, few enough for their cache lines to stay.
    static let lookaheadGroup = 32

    /// Each record as values (a String and an array each: for the commands
    /// that keep few of them, or read few).
    package convenience init(domains: Int, onAssessment: @escaping (Assessment) -> Void) {
        self.init(domains: domains) {
            onAssessment($0.assessment)
            return nil
        }
    }

    package func chunkBegins(records: ScoredRecordNumbers) {
        numbers = records
        scored = 0
        repeats.removeAll(keepingCapacity: true)
    }

    package func chunkEnds() -> [RepeatedIdentifier] {
        numbers = nil
        return repeats
    }

    /// Numbers `record` and hands it on.
    private func handOn(_ record: AssessmentRecord) {
        var record = record
        if scored < numbers?.count ?? 0 { record.recordNumber = numbers![scored] }
        if let first = onRecord(record) {
            repeats.append(RepeatedIdentifier(scored: scored, first: first, identifier: record.identifierText))
        }
        scored += 1
    }

    package func consume(_ bytes: UnsafeRawBufferPointer) {
        pending.consume(bytes, decode)
    }

    /// Hands on the whole records at the start of `bytes`; returns the bytes used.
    private func decode(_ bytes: UnsafeRawBufferPointer) -> Int {
        var start = 0
        func record(at offset: Int) -> AssessmentRecord? {
            AssessmentRecord(startOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]), domains: domains)
        }
        guard let lookahead else {
            while let record = record(at: start) {
                handOn(record)
                start += record.bytes.count
            }
            return start
        }
        while true {
            var ahead = start, group = 0
            while group < Self.lookaheadGroup, let record = record(at: ahead) {
                lookahead(record)
                ahead += record.bytes.count
                group += 1
            }
            guard group > 0 else { return start }
            for _ in 0..<group {
                let record = record(at: start)!
                handOn(record)
                start += record.bytes.count
            }
        }
    }
}
