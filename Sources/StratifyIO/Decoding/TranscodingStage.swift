import StratifyCore
/// The common part of the stages that rewrite bytes as they stream
/// (``DelimiterStage``, ``JSONArrayStage``): read a block of the source,
/// let the subclass turn it into `output`, hand `output` out, repeat.
/// Memory: one input block and what it became. Subclasses override
/// `start`, `transcode` and `finish`.
public class TranscodingStage: ByteStage {
    let inner: ByteSource
    private let inputBlock: FixedBuffer<UInt8>
    private var input: UnsafeMutableRawBufferPointer { inputBlock.rawBytes }
    /// What the subclass made of the blocks so far and was not handed out.
    var output: [UInt8] = []
    private var outputStart = 0
    private var started = false
    private var finished = false

    init(reading inner: ByteSource, blockBytes: Int) {
        self.inner = inner
        inputBlock = FixedBuffer(uninitializedCount: max(1, blockBytes))
        output.reserveCapacity(2 * inputBlock.count + 16)
    }

    /// Appends to `output` what `block` stands for.
    func transcode(_ block: UnsafeRawBufferPointer) throws(IOError) {}

    /// Called once at the end of the source: appends what is still held.
    func finish() throws(IOError) {}

    /// Called once before the first block.
    func start() throws(IOError) {}

    public final func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if outputStart == output.count {
            output.removeAll(keepingCapacity: true)
            outputStart = 0
        }
        while outputStart == output.count {
            if finished { return 0 }
            if !started {
                started = true
                try start()
                if !output.isEmpty { break }
            }
            let count = try inner.read(into: input)
            if count == 0 {
                finished = true
                try finish()
            } else {
                try transcode(UnsafeRawBufferPointer(rebasing: input[..<count]))
            }
        }
        let n = min(buffer.count, output.count - outputStart)
        output.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + outputStart, byteCount: n) }
        outputStart += n
        return n
    }

    public final func close() {
        inner.close()
    }
}
