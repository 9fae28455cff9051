import StratifyBatch
import StratifyCore
import StratifyEngine
import StratifyEvaluate
import StratifyIO
import StratifyMonitor
import StratifyRules
import Synchronization

/// The population figures of a report that ``Assessment``s give: tiers,
/// domain tiers, flags and reviews falling due. Added on the batch's writer
/// thread, one assessment at a time (models come from `CaseloadCounter`).
package final class PopulationCounts {
    package let vocabulary: AssessmentVocabulary
    /// The first day of the first week counted (the report's date).
    package let asOf: Int
    package static let weeks = 12
    package private(set) var scored = 0
    package private(set) var tiers: [Int]
    /// [domain][tier].
    package private(set) var domainTiers: [[Int]]
    package private(set) var flags: [Int]
    /// Reviews due per week from `asOf`: `weeks` weeks, then overdue
    /// (before `asOf`), later, and none.
    package private(set) var reviewWeeks: [Int]
    package private(set) var reviewsOverdue = 0
    package private(set) var reviewsLater = 0
    package private(set) var reviewsNone = 0

    package init(vocabulary: AssessmentVocabulary, asOf: Int) {
        self.vocabulary = vocabulary
        self.asOf = asOf
        tiers = Array(repeating: 0, count: vocabulary.tiers.count)
        domainTiers = Array(repeating: tiers, count: vocabulary.domains.count)
        flags = Array(repeating: 0, count: vocabulary.flags.count)
        reviewWeeks = Array(repeating: 0, count: Self.weeks)
    }

    package func add(_ assessment: Assessment) {
        scored += 1
        tiers[assessment.tier] += 1
        for (domain, tier) in assessment.domainTiers.enumerated() where tier >= 0 && tier < tiers.count {
            domainTiers[domain][tier] += 1
        }
        var bits = assessment.flags
        while bits != 0 {
            flags[bits.trailingZeroBitCount] += 1
            bits &= bits - 1
        }
        guard let review = assessment.reviewBy else {
            reviewsNone += 1
            return
        }
        let week = review >= asOf ? (review - asOf) / 7 : -1
        if week < 0 {
            reviewsOverdue += 1
        } else if week < Self.weeks {
            reviewWeeks[week] += 1
        } else {
            reviewsLater += 1
        }
    }
}

/// How often each rule fired and each input was missing, summed over the
/// worker threads (counting is order-free, so the sum is deterministic).
package final class RuleAndInputTally: Sendable {
    /// Per worker thread: its own counts, touched by that thread only.
    /// Fixed buffers: the hot path adds to them per record with no
    /// exclusivity checks or copy-on-write.
    // @unchecked: written by its one worker thread, read under the tally's
    // lock once the workers are done.
    final class Part: @unchecked Sendable {
        private let firedCounts: FixedBuffer<Int>
        private let missingCounts: FixedBuffer<Int>
        var fired: UnsafeMutableBufferPointer<Int> { firedCounts.elements }
        var missing: UnsafeMutableBufferPointer<Int> { missingCounts.elements }

        init(rules: Int, inputs: Int) {
            firedCounts = FixedBuffer(repeating: 0, count: rules)
            missingCounts = FixedBuffer(repeating: 0, count: inputs)
        }
    }

    private let parts = Mutex<[Part]>([])
    private let rules: Int
    private let inputs: Int

    package init(program: Program) {
        rules = program.rules.count
        inputs = program.missingOrder.count
    }

    func newPart() -> Part {
        let part = Part(rules: rules, inputs: inputs)
        parts.withLock { $0.append(part) }
        return part
    }

    /// Per rule (program order): the records it fired for (its condition true).
    package var fired: [Int] { sum(\.fired, count: rules) }
    /// Per input of `program.missingOrder`: the records without a value.
    package var missing: [Int] { sum(\.missing, count: inputs) }

    private func sum(_ key: KeyPath<Part, UnsafeMutableBufferPointer<Int>>, count: Int) -> [Int] {
        parts.withLock { parts in
            parts.reduce(into: Array(repeating: 0, count: count)) { total, part in
                for index in 0..<count { total[index] += part[keyPath: key][index] }
            }
        }
    }
}

/// The formatter of `stratify report`: the ``AssessmentFormatter``'s record
/// (for the aggregates that need identifiers or order), followed with
/// `--outcomes` by the ``EvaluationFormatter``'s, so that one read of the
/// intake feeds the population, the migration and the outcome sections;
/// plus order-free counts of rule firings and missing inputs kept on the
/// worker thread.
package struct ReportFormatter: RecordFormatter {
    private var assessment: AssessmentFormatter
    private var evaluation: EvaluationFormatter?
    private let part: RuleAndInputTally.Part
    private let ruleRegisters: [Int]
    private let inputRegisters: [Int]

    package init(program: Program, tally: RuleAndInputTally, evaluation: EvaluationLayout?) {
        assessment = AssessmentFormatter(program: program)
        self.evaluation = evaluation.map { EvaluationFormatter(program: program, layout: $0) }
        part = tally.newPart()
        ruleRegisters = program.rules.map(\.condition.register)
        inputRegisters = program.missingOrder
    }

    package mutating func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = evaluator.registerValues
        let fired = part.fired, missing = part.missing
        ruleRegisters.withUnsafeBufferPointer { registers in
            for index in 0..<registers.count where r[registers[index]] == 1 { fired[index] += 1 }
        }
        inputRegisters.withUnsafeBufferPointer { registers in
            for index in 0..<registers.count where r[registers[index]].isNaN { missing[index] += 1 }
        }
        assessment.write(evaluator, identifier: identifier, into: &out)
        evaluation?.write(evaluator, identifier: identifier, into: &out)
    }

    package func outputCapacity(forInputBytes count: Int) -> Int? { count / 2 + 4096 }
}

/// Cuts the bytes ``ReportFormatter``s wrote into their records and hands
/// each part to its own decoder, whole.
package final class ReportDecoder {
    private var pending = PendingRecordBytes()
    private let assessmentFixed: Int
    private let evaluationFixed: Int?
    private let assessments: AssessmentDecoder
    private let evaluations: EvaluationDecoder?

    package init(domains: Int, assessments: AssessmentDecoder, evaluation: EvaluationLayout?, evaluations: EvaluationDecoder?) {
        assessmentFixed = AssessmentFormatter.fixedSize(domains: domains)
        evaluationFixed = evaluation?.fixedSize
        self.assessments = assessments
        self.evaluations = evaluations
    }

    package func consume(_ bytes: UnsafeRawBufferPointer) {
        pending.consume(bytes, decode)
    }

    /// Decodes the whole records at the start of `bytes`; returns the bytes used.
    private func decode(_ bytes: UnsafeRawBufferPointer) -> Int {
        var start = 0
        while true {
            // Each part starts with its identifier's length (UInt32).
            func partLength(at offset: Int, fixed: Int) -> Int? {
                guard bytes.count - offset >= fixed else { return nil }
                let length = fixed + Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                return bytes.count - offset >= length ? length : nil
            }
            guard let first = partLength(at: start, fixed: assessmentFixed) else { break }
            var second = 0
            if let evaluationFixed {
                guard let length = partLength(at: start + first, fixed: evaluationFixed) else { break }
                second = length
            }
            assessments.consume(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + first)]))
            if second > 0 {
                evaluations?.consume(UnsafeRawBufferPointer(rebasing: bytes[(start + first)..<(start + first + second)]))
            }
            start += first + second
        }
        return start
    }
}
