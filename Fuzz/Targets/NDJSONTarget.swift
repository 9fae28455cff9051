@testable import StratifyBatch
import StratifyIO

/// The NDJSON reader (chunker, line scanner, JSON parser) and the batch's
/// decoding of its records, scored with `FuzzSchema`: the first byte sets
/// read and chunk sizes, the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let (options, readSize) = IntakeChecks.options(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunker = NDJSONChunker(source: ByteSource(bytes: bytes, maxReadSize: readSize), options: options)
    let program = FuzzSchema.program
    let scorer = ChunkScorer(program: program, formatter: ScoreFormatter(program: program, format: .ndjson))
    var lastLine = 0
    while true {
        let item: IntakeItem?
        do {
            item = try chunker.next()
        } catch {
            preconditionFailure("reading bytes from memory failed: \(error)")
        }
        guard let item else { break }
        precondition(item.firstLine > lastLine, "lines go back: \(item.firstLine) after \(lastLine)")
        lastLine = item.firstLine
        if case .chunk(let chunk) = item {
            IntakeChecks.check(scorer.scoreNDJSON(chunk, file: "fuzz.ndjson"))
        }
    }
    return 0
}
