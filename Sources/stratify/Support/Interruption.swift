#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import StratifyBatch
import Synchronization

/// SIGINT and SIGTERM during a batch: the run stops between chunks, its
/// temporary `--output` and `--errors` files are removed, a message says so,
/// and the exit status is 128 + the signal (130, 143).
///
/// Nothing runs in a signal handler: the signals are ignored at the process
/// level and delivered by Dispatch signal sources, whose handlers run on a
/// queue like any code. The first signal only cancels the batch (an atomic
/// store, ``BatchCancellation``); the pipeline notices it before its next
/// chunk. Should the run not end by itself within `grace` (blocked reading
/// a terminal or a silent pipe, or writing to a reader that stopped
/// reading), or on a second signal, the files are removed and the process
/// exits from here.
// @unchecked: its vars are set in start() and cleared in stop() on the main thread; handlers only read them.
final class Interruption: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM]
    /// How long a cancelled run may take to stop by itself.
    static let grace: DispatchTimeInterval = .seconds(5)

    let cancellation = BatchCancellation()
    /// True once the main thread is finishing the run (committing or
    /// discarding its files): from then on it alone ends the process.
    private let finishing = Mutex(false)
    private var sources: [DispatchSourceSignal] = []
    /// Files to remove if the process has to exit from here.
    private var temporaryPaths: [String] = []
    private var message: (Int32) -> String = { _ in "interrupted" }

    /// Starts watching; until `stop()`, SIGINT and SIGTERM cancel the batch.
    func start(temporaryPaths: [String], message: @escaping (Int32) -> String) {
        self.temporaryPaths = temporaryPaths
        self.message = message
        for signal in Self.signals {
            // Ignored first, so that the default action (death) cannot win;
            // libdispatch then installs its own forwarding handler when it
            // registers the source (Linux: a signalfd on its manager thread).
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [self] in received(signal) }
            source.resume()
            sources.append(source)
        }
    }

    /// Called by the main thread when the run is over (whatever its
    /// outcome), before it commits or removes its files.
    func finish() {
        finishing.withLock { $0 = true }
    }

    /// Stops watching and restores the default signal actions.
    func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for signal in Self.signals { Glibc.signal(signal, SIG_DFL) }
    }

    /// The exit status for a run stopped by `signal`.
    static func status(for signal: Int32) -> ExitStatus {
        signal == SIGINT ? .interrupted : .terminated
    }

    private func received(_ signal: Int32) {
        if cancellation.isCancelled {
            forceExit()
            return
        }
        cancellation.cancel(signal: signal)
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { [self] in forceExit() }
    }

    /// Ends the process from here, unless the main thread is already finishing.
    private func forceExit() {
        finishing.withLock { finishing in
            guard !finishing, let signal = cancellation.signal else { return }
            // Exits with the lock held, so that the main thread cannot start
            // committing a file meanwhile.
            for path in temporaryPaths { unlink(path) }
            Terminal.standardError.write(message(signal) + "\n")
            _exit(Self.status(for: signal).rawValue)
        }
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
