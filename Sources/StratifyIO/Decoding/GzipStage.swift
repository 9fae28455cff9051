import CZlib
import StratifyCore

/// Inflates gzip data (RFC 1952) as it is read, with the system zlib, in
/// constant memory: a 64 KiB input block and zlib's 32 KiB window.
///
/// A file of several gzip members one after the other (what
/// `cat a.gz b.gz` makes, and what `gzip` itself reads as one stream) is
/// read as the concatenation of their contents. Corrupt data, data that
/// ends inside a member, and anything after a member that is not another
/// gzip member are errors that give the compressed byte offset.
public final class GzipStage: ByteStage {
    private let inner: ByteSource
    /// zlib keeps pointers into its stream state: it must not move.
    private let streamBox = StateBox(z_stream())
    private var stream: UnsafeMutablePointer<z_stream> { streamBox.pointer }
    private let inputBlock: FixedBuffer<UInt8>
    private var input: UnsafeMutableRawBufferPointer { inputBlock.rawBytes }
    /// Compressed bytes read before the current input block.
    private var consumedBefore = 0
    private var blockLength = 0
    private var innerAtEnd = false
    /// Inside a member: its header has begun and its end is not yet seen.
    private var inMember = false
    /// Members started so far.
    private var memberCount = 0
    private var initialized = false

    public init(reading inner: ByteSource, blockBytes: Int = 64 << 10) {
        self.inner = inner
        inputBlock = FixedBuffer(uninitializedCount: max(1, blockBytes))
    }

    deinit {
        if initialized { inflateEnd(stream) }
    }

    /// The offset in the compressed stream of the next byte zlib reads.
    private var compressedOffset: Int { consumedBefore + blockLength - Int(stream.pointee.avail_in) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if !initialized {
            guard stratify_inflate_init(stream) == Z_OK else {
                throw IOError.undecodable("cannot start zlib to read gzip data")
            }
            initialized = true
        }
        while true {
            if stream.pointee.avail_in == 0 {
                if innerAtEnd { return try endOfInput() }
                consumedBefore += blockLength
                blockLength = try inner.read(into: input)
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(blockLength)
                if blockLength == 0 {
                    innerAtEnd = true
                    continue
                }
            }
            if !inMember {
                // A new member starts here (the first, or one after `cat`).
                if memberCount > 0 { inflateReset(stream) }
                inMember = true
                memberCount += 1
            }
            let offsetBefore = compressedOffset
            stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = min(buffer.count, Int(UInt32.max)) - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inMember = false
            default:
                throw corrupt(at: status == Z_DATA_ERROR ? compressedOffset : offsetBefore)
            }
            if produced > 0 { return produced }
        }
    }

    private func endOfInput() throws(IOError) -> Int {
        if inMember {
            throw IOError.undecodable(
                "truncated gzip data: the file ends at byte offset \(compressedOffset) inside a compressed member")
        }
        return 0
    }

    private func corrupt(at offset: Int) -> IOError {
        let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
        return IOError.undecodable("corrupt gzip data at byte offset \(offset) (zlib: \(detail))")
    }

    public func close() {
        inner.close()
    }
}
