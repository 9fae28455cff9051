import Glibc

/// Writes bytes to a file descriptor with `write(2)`, looping over partial
/// writes and retrying on `EINTR`, and returning failures as values.
///
/// `EPIPE` comes back as ``IOError/brokenPipe`` so the tool can stop quietly
/// when its reader goes away (`stratify score … | head -1`). For that the
/// process must not die of `SIGPIPE` first: call ``ignoreBrokenPipeSignal()``
/// once at start-up.
///
/// Used by one thread at a time (the writer).
// @unchecked: one thread at a time (the writer); its descriptor is not shared.
public final class ByteSink: @unchecked Sendable {
    private var fd: Int32
    private let owned: Bool
    /// Takes the bytes instead of a descriptor (see ``init(consumer:)``).
    private let consumer: ((UnsafeRawBufferPointer) -> Void)?
    /// A name for messages: the path, `<stdout>` or `<fd>`.
    public let name: String
    /// The path write failures name, for a sink made by ``createFile(_:reportingAs:)``.
    private var reportedPath: String?

    /// Wraps an open descriptor.
    /// - Parameter closeOnDeinit: whether this sink owns `fileDescriptor`.
    public init(fileDescriptor: Int32, closeOnDeinit: Bool = false, name: String = "<fd>") {
        self.fd = fileDescriptor
        self.owned = closeOnDeinit
        self.consumer = nil
        self.name = name
    }

    /// A sink that hands every write to `consumer`, in order, on the writing
    /// thread: for commands that aggregate what a batch writes (`caseload`,
    /// `track`) instead of printing it.
    public init(name: String = "<memory>", consumer: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.fd = -1
        self.owned = false
        self.consumer = consumer
        self.name = name
    }

    /// Standard output (descriptor 1); never closed by the sink.
    public static func standardOutput() -> ByteSink {
        ByteSink(fileDescriptor: 1, closeOnDeinit: false, name: "<stdout>")
    }

    /// Standard error (descriptor 2); never closed by the sink.
    public static func standardError() -> ByteSink {
        ByteSink(fileDescriptor: 2, closeOnDeinit: false, name: "<stderr>")
    }

    /// Creates (or truncates) `path` for writing, mode 0644.
    /// - Parameter shownPath: the path failures name, when `path` is a
    ///   temporary file that stands for it; write failures then name it too.
    public static func createFile(_ path: String, reportingAs shownPath: String? = nil) throws(IOError) -> ByteSink {
        var fd: Int32
        repeat {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        } while fd < 0 && errno == EINTR
        if fd < 0 { throw IOError.fromOpen(path: shownPath ?? path, code: errno) }
        let sink = ByteSink(fileDescriptor: fd, closeOnDeinit: true, name: path)
        sink.reportedPath = shownPath
        return sink
    }

    /// The error for a failed `write(2)` or `close(2)`.
    private func writeFailure(_ code: Int32) -> IOError {
        reportedPath.map { IOError.cannotWrite(path: $0, code: code) } ?? IOError.writeFailed(code: code)
    }

    /// Ignores `SIGPIPE` for the whole process, so a write to a closed pipe
    /// fails with `EPIPE` (→ ``IOError/brokenPipe``) instead of killing it.
    public static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        if owned && fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        if let consumer {
            consumer(bytes)
            return
        }
        var remaining = bytes.count
        if fd < 0 { throw writeFailure(EBADF) }
        while remaining > 0 {
            let n = Glibc.write(fd, p, remaining)
            if n > 0 {
                p += n
                remaining -= n
                continue
            }
            if n == 0 { throw writeFailure(EIO) }  // no progress: do not spin
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // A non-blocking descriptor (possible when stdout is shared):
                // wait until it can take more.
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, -1)
            case EPIPE:
                throw IOError.brokenPipe
            default:
                throw writeFailure(code)
            }
        }
    }

    /// Writes the contents of `buffer`.
    public func write(_ buffer: OutputBuffer) throws(IOError) {
        var failure: IOError?
        buffer.withUnsafeBytes { bytes in
            do throws(IOError) { try write(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes `bytes`.
    public func write(_ bytes: [UInt8]) throws(IOError) {
        var failure: IOError?
        bytes.withUnsafeBytes { raw in
            do throws(IOError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes the descriptor if the sink owns it, reporting a failure of
    /// `close(2)` (on some file systems the last write error shows up only
    /// here). Later writes fail with `EBADF`.
    public func close() throws(IOError) {
        guard owned, fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        if result != 0 && errno != EINTR { throw writeFailure(errno) }
    }
}
