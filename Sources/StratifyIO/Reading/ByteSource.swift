import Glibc

/// A stream of bytes read with `read(2)`: a file, standard input, or (for
/// tests and in-process callers) a byte array.
///
/// The source keeps no buffer of its own; the chunkers read straight into
/// their working buffer, so a file is never held in memory as a whole.
///
/// A source is used by one thread at a time (it may be handed from one
/// thread to another), hence `@unchecked Sendable`.
public final class ByteSource: @unchecked Sendable {
    private enum Backing {
        case descriptor(fd: Int32, owned: Bool)
        case memory(bytes: [UInt8], position: Int, maxRead: Int)
        case closed
    }

    private var backing: Backing

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

    deinit {
        if case .descriptor(let fd, true) = backing { _ = Glibc.close(fd) }
    }

    /// Reads up to `buffer.count` bytes; returns how many, 0 at end of input.
    /// Retries on `EINTR`; other failures are `.readFailed`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
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
        case .closed:
            return 0
        }
    }

    /// Closes the descriptor now (if owned). Later reads return end of input.
    public func close() {
        if case .descriptor(let fd, true) = backing { _ = Glibc.close(fd) }
        backing = .closed
    }
}
