@testable import StratifyBatch
import StratifyIO

/// Invariants of a scored chunk, checked on every fuzz input: a violation
/// crashes, and libFuzzer keeps the input.
enum IntakeChecks {
    /// Cuts the first byte off as a knob for block and chunk sizes, so the
    /// fuzzer also explores where reads and chunks end.
    static func options(_ knob: UInt8) -> (options: ChunkerOptions, readSize: Int) {
        let k = Int(knob)
        let readSize = 1 + k % 37
        let options = ChunkerOptions(
            targetChunkBytes: 1 + (k * 61) % 509, readBlockBytes: readSize, maxRecordBytes: 64 + (k % 16) * 64)
        return (options, readSize)
    }

    static func check(_ result: ChunkResult) {
        precondition(result.scored >= 0 && result.scored <= result.records)
        var rejected = Set<Int>()
        for record in result.rejected {
            precondition(record.record >= 1 && record.record <= result.records, "rejected record \(record.record) of \(result.records)")
            precondition(record.line >= 1)
            rejected.insert(record.record)
        }
        precondition(result.scored + rejected.count == result.records, "\(result.scored) scored + \(rejected.count) rejected != \(result.records)")
        precondition(result.identifiers.count == result.scored)
        for index in 0..<result.identifiers.count {
            precondition(!rejected.contains(Int(result.identifiers.records[index])))
        }
    }
}
