@testable import StratifyBatch
import StratifyIO

/// The CSV reader (chunker, record scanner) and the batch's decoding of its
/// records, scored with `FuzzSchema`: the first byte sets read and chunk
/// sizes, the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let (options, readSize) = IntakeChecks.options(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunker = CSVChunker(source: ByteSource(bytes: bytes, maxReadSize: readSize), options: options)
    let program = FuzzSchema.program
    let columns: ColumnMap
    do {
        guard case .header(let header) = try chunker.readHeader() else { return 0 }
        columns = try HeaderReconciliation(IntakeFieldNames(header: header), program: program, file: "fuzz.csv", strict: false).columns!
    } catch {
        return 0
    }
    let scorer = ChunkScorer(program: program, formatter: ScoreFormatter(program: program, format: .csv))
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
            IntakeChecks.check(scorer.scoreCSV(chunk, columns: columns, file: "fuzz.csv"))
        }
    }
    return 0
}
