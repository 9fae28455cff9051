import StratifyIO

/// The byte stages that sit in front of the chunkers (``DelimiterStage``,
/// ``JSONArrayStage``, ``GzipStage``): the first byte picks the stage and
/// the read and block sizes, the rest is the input. Beyond "no crash":
/// the output (or the error) is the same wherever reads and blocks end,
/// and the ';' stage never lengthens a line count.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStages(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let knob = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let maxRead = 1 + knob % 7
    let block = 1 + (knob / 7) % 11
    func run(maxRead: Int, block: Int, readSize: Int) -> Result<[UInt8], IOError> {
        let source = ByteSource(bytes: bytes, maxReadSize: maxRead)
        let stage: any ByteStage
        switch knob % 3 {
        case 0: stage = DelimiterStage(reading: source, delimiter: 0x3B, blockBytes: block, fieldLimit: 1 + knob % 13)
        case 1: stage = JSONArrayStage(reading: source, blockBytes: block)
        default: stage = GzipStage(reading: source, blockBytes: block)
        }
        let staged = ByteSource(stage: stage, name: "fuzz")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 1)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        do {
            while true {
                let n = try staged.read(into: buffer)
                if n == 0 { return .success(out) }
                out += buffer[..<n]
            }
        } catch {
            return .failure(error)
        }
    }
    let dribbled = run(maxRead: maxRead, block: block, readSize: 1 + knob % 5)
    let whole = run(maxRead: .max, block: 1 << 16, readSize: 1 << 16)
    switch (dribbled, whole) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "the output depends on where blocks end")
        if knob % 3 == 0 {
            precondition(a.filter { $0 == 0x0A }.count == bytes.filter { $0 == 0x0A }.count, "line feeds added or lost")
        }
    case (.failure(let a), .failure(let b)):
        // gzip reports the offset zlib had reached, which depends on the
        // blocks it was given; the other stages name one place.
        if knob % 3 != 2 { precondition(a == b, "the error depends on where blocks end: \(a) vs \(b)") }
    default:
        preconditionFailure("one reading failed and the other did not")
    }
    return 0
}
