@testable import StratifyEngine
import StratifyRules
import StratifyTestSupport
import Testing

/// The evaluator's order of instructions: each phase's instructions, each
/// once, every one after those whose registers it reads, in fewer segments
/// than instructions.
@Suite struct InstructionScheduleTests {
    static let code = RepositoryFixtures.defaultProgram.code

    @Test func eachPhaseIsAPermutationThatKeepsDependencies() {
        let schedule = InstructionSchedule(code: Self.code)
        let phases = [
            (Self.code.recordPhase, schedule.recordPhase),
            (Self.code.escalationPhase, schedule.escalationPhase),
            (Self.code.modelPhase, schedule.modelPhase),
        ]
        for (original, segments) in phases {
            let ordered = segments.flatMap { schedule.segments[$0].start..<schedule.segments[$0].end }.map { schedule.instructions[$0] }
            #expect(ordered.count == original.count)
            // Same instructions: compare by destination (one writer per register).
            #expect(Set(ordered.map(\.destination)) == Set(Self.code.instructions[original].map(\.destination)))
            var written = Set<Int>()
            let writtenInPhase = Set(Self.code.instructions[original].flatMap { InstructionSchedule.writes($0, code: Self.code) })
            for instruction in ordered {
                for register in InstructionSchedule.reads(instruction, code: Self.code) where writtenInPhase.contains(register) {
                    #expect(written.contains(register), "register \(register) read before it is written")
                }
                written.formUnion(InstructionSchedule.writes(instruction, code: Self.code))
            }
        }
    }

    @Test func segmentsHoldOneKindAndAreFewerThanInstructions() {
        let schedule = InstructionSchedule(code: Self.code)
        for segment in schedule.segments {
            #expect(segment.start < segment.end)
            #expect(schedule.instructions[segment.start..<segment.end].allSatisfy { $0.op == segment.op })
        }
        // The default rule set: 76 instructions; grouping must at least halve the dispatches.
        #expect(schedule.segments.count * 2 <= schedule.instructions.count, "\(schedule.segments.count) segments")
    }
}
