#if canImport(Glibc)
import Glibc
#endif
import StratifyBatch

/// The line a long batch keeps up to date on standard error:
/// `scoring: 412,000 records · 598,000 records/s · 41% · ETA 2 s`.
///
/// It appears only when standard error is a terminal, and only once the run
/// has taken a second, so that short runs, pipes and log files never see
/// it. The percentage and ETA need the input size, known only when every
/// input is a regular file (not standard input).
// @unchecked: updated by the ordered writer alone, finished after the run.
final class ProgressLine: @unchecked Sendable {
    // `update` is called by one thread at a time (the batch's ordered
    // writer), and `finish` after the run: no lock is needed.
    private let terminal: Terminal
    private let verb: String
    private let totalBytes: Int?
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDrawn: ContinuousClock.Instant?
    private var visible = false

    /// Seconds before the line first appears, and between redraws.
    static let delay = 1.0
    static let interval = 0.25

    /// nil when standard error is not a terminal or `quiet` is set.
    init?(verb: String, inputs: [String], quiet: Bool, terminal: Terminal = .standardError) {
        guard !quiet, terminal.isTerminal else { return nil }
        self.terminal = terminal
        self.verb = verb
        self.totalBytes = Self.size(of: inputs)
        self.start = clock.now
    }

    func update(records: Int, bytes: Int) {
        let now = clock.now
        let elapsed = Self.seconds(now - start)
        guard elapsed >= Self.delay else { return }
        if let lastDrawn, Self.seconds(now - lastDrawn) < Self.interval { return }
        lastDrawn = now
        let text = ProgressText(verb: verb, records: records, seconds: elapsed, bytes: bytes, totalBytes: totalBytes).line
        // Carriage return and erase-to-end-of-line redraw the line in place.
        terminal.write("\r\u{1B}[K" + text)
        visible = true
    }

    /// Erases the line, so that the summary or an error starts clean.
    func finish() {
        if visible { terminal.write("\r\u{1B}[K") }
        visible = false
    }

    /// The total size of the inputs, or nil when one is not a regular file
    /// or is compressed.
    static func size(of inputs: [String]) -> Int? {
        var total = 0
        for path in inputs {
            // Progress counts decompressed bytes, which a .gz file's size
            // does not tell.
            guard path != "-", !path.lowercased().hasSuffix(".gz") else { return nil }
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            total += Int(info.st_size)
        }
        return total
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
