import Synchronization

/// A request to stop a running batch, made from any thread (the handler of a
/// signal source) without blocking: it only sets an atomic value. The
/// pipeline looks at it before it takes each chunk, so a batch stops within
/// one chunk's work of the request, and its output files are not committed.
public final class BatchCancellation: Sendable {
    private let requested = Atomic<Int32>(0)

    public init() {}

    /// Asks the batch to stop. `signal` (SIGINT, SIGTERM; nonzero) is kept
    /// for the message and the exit status; the first request wins.
    public func cancel(signal: Int32) {
        _ = requested.compareExchange(expected: 0, desired: signal == 0 ? -1 : signal, ordering: .relaxed)
    }

    /// The signal of the first request, or nil while none was made.
    public var signal: Int32? {
        let value = requested.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    public var isCancelled: Bool { signal != nil }
}
