import Glibc
import StratifyCore

/// A stream of bytes read with `read(2)`: a file, standard input, (for
/// tests and in-process callers) a byte array, or a ``ByteStage`` that
/// decodes another source (gzip, another CSV delimiter, a JSON array).
///
/// The source keeps no buffer of its own beyond the bytes ``peek(_:)``
/// looked at; the chunkers read straight into their working buffer, so a
/// file is never held in memory as a whole.
///
/// A source is used by one thread at a time (it may be handed from one
/// thread to another).
public final class ByteSource {
    private enum Backing {
        case descriptor(fd: Int32, owned: Bool)
        case memory(bytes: [UInt8], position: Int, maxRead: Int)
        case stage(any ByteStage)
        case closed
    }

    private var backing: Backing
    /// Bytes ``peek(_:)`` read and `read(into:)` has not handed out yet.
    private var peeked: [UInt8] = []
    private var peekedStart = 0

    /// A human-readable name for messages: the path, `<stdin>` or `<memory>`.
    public let name: String

    /// Opens `path` for reading.
    ///
    /// Errors come back as values: `.noSuchFile`, `.permissionDenied`,
    /// `.isDirectory` (checked with `fstat`, because Linux lets `open`
    /// succeed on a directory and only `read` fails) or `.openFailed`.
    public static func openFile(_ path: String) throws(IOError) -> ByteSource {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        if fd < 0 { throw IOError.fromOpen(path: path, code: errno) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            _ = Glibc.close(fd)
            throw IOError.isDirectory(path: path)
        }
        // We read front to back once; let the kernel read ahead generously.
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        return ByteSource(fileDescriptor: fd, closeOnDeinit: true, name: path)
    }

    /// Standard input (file descriptor 0). It is not closed on deinit.
    public static func standardInput() -> ByteSource {
        ByteSource(fileDescriptor: 0, closeOnDeinit: false, name: "<stdin>")
    }

    /// Wraps an already open file descriptor.
    /// - Parameter closeOnDeinit: whether this source owns `fileDescriptor`.
    public init(fileDescriptor: Int32, closeOnDeinit: Bool, name: String = "<fd>") {
        self.backing = .descriptor(fd: fileDescriptor, owned: closeOnDeinit)
        self.name = name
    }

    /// An in-memory source.
    /// - Parameter maxReadSize: the most bytes one `read(into:)` returns; a
    ///   small value imitates a pipe that delivers data in dribbles, which is
    ///   how tests put block boundaries at every offset.
    public init(bytes: [UInt8], maxReadSize: Int = .max) {
        precondition(maxReadSize > 0, "maxReadSize must be positive")
        self.backing = .memory(bytes: bytes, position: 0, maxRead: maxReadSize)
        self.name = "<memory>"
    }

    /// The bytes `stage` decodes; `name` is the name of the source it reads.
    public init(stage: any ByteStage, name: String) {
        self.backing = .stage(stage)
        self.name = name
    }

    deinit {
        if case .descriptor(let fd, true) = backing { _ = Glibc.close(fd) }
    }

    /// The first `count` bytes still to be read (fewer only at the end of
    /// the input), without consuming them: the next reads return them
    /// again. For telling formats apart by their first bytes; a pipe is
    /// read until `count` bytes have arrived or it ends.
    public func peek(_ count: Int) throws(IOError) -> [UInt8] {
        if peekedStart > 0 {
            peeked.removeFirst(peekedStart)
            peekedStart = 0
        }
        let wanted = count - peeked.count
        if wanted > 0 {
            let block = FixedBuffer<UInt8>(uninitializedCount: wanted)
            var got = 0
            while got < wanted {
                let n = try readUnpeeked(into: UnsafeMutableRawBufferPointer(rebasing: block.rawBytes[got...]))
                if n == 0 { break }
                got += n
            }
            peeked += block.rawBytes[..<got]
        }
        return Array(peeked.prefix(count))
    }

    /// Consumes a UTF-8 byte-order mark (EF BB BF) at the current position;
    /// returns whether there was one.
    public func skipByteOrderMark() throws(IOError) -> Bool {
        guard try peek(3) == [0xEF, 0xBB, 0xBF] else { return false }
        peekedStart += 3
        return true
    }

    /// Reads up to `buffer.count` bytes; returns how many, 0 at end of input.
    /// Retries on `EINTR`; other failures are `.readFailed`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if peekedStart < peeked.count {
            // Once per stream: then `peeked` is empty for good.
            let n = min(buffer.count, peeked.count - peekedStart)
            peeked.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + peekedStart, byteCount: n) }
            peekedStart += n
            if peekedStart == peeked.count {
                peeked = []
                peekedStart = 0
            }
            return n
        }
        return try readUnpeeked(into: buffer)
    }

    private func readUnpeeked(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        switch backing {
        case .descriptor(let fd, _):
            while true {
                let n = Glibc.read(fd, base, buffer.count)
                if n >= 0 { return n }
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    // A non-blocking descriptor (rare for stdin): wait for data.
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                throw IOError.readFailed(code: code)
            }
        case .memory(let bytes, let position, let maxRead):
            let n = min(buffer.count, maxRead, bytes.count - position)
            if n > 0 {
                bytes.withUnsafeBytes { src in
                    base.copyMemory(from: src.baseAddress! + position, byteCount: n)
                }
            }
            backing = .memory(bytes: bytes, position: position + n, maxRead: maxRead)
            return n
        case .stage(let stage):
            return try stage.read(into: buffer)
        case .closed:
            return 0
        }
    }

    /// Closes the descriptor now (if owned). Later reads return end of input.
    public func close() {
        switch backing {
        case .descriptor(let fd, true): _ = Glibc.close(fd)
        case .stage(let stage): stage.close()
        default: break
        }
        backing = .closed
        peeked = []
        peekedStart = 0
    }
}

/// A decoding step between a source and the chunkers: it reads the bytes
/// of another ``ByteSource`` and hands out what they stand for (inflated
/// gzip, comma CSV, NDJSON lines). The chunkers see an ordinary source, so
/// they need not know about any stage.
public protocol ByteStage: AnyObject {
    /// Fills `buffer` with up to `buffer.count` decoded bytes; 0 only at
    /// the end of the decoded stream. A stream that cannot be decoded
    /// throws ``IOError/undecodable(_:)`` with the place of the problem.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int
    /// Releases the source it reads.
    func close()
}
