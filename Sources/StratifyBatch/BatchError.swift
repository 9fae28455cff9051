import StratifyIO

/// A problem that stops a batch (exit status 2): an input that cannot be
/// read or has no usable header, or an output that cannot be written.
public enum BatchError: Error, Sendable, CustomStringConvertible {
    /// A whole input file is unusable.
    case file(String, line: Int?, String, notes: [String] = [])
    case io(IOError)
    /// The reader of the output went away (`stratify score … | head -1`):
    /// not an error for the user, the run just ends.
    case brokenPipe
    /// A signal (SIGINT, SIGTERM) cancelled the batch (``BatchCancellation``)
    /// after `records` records were written.
    case interrupted(signal: Int32, records: Int)
    /// More records were rejected than `--max-rejected` accepts.
    case tooManyRejected(RejectLimitPassed)

    public var description: String {
        switch self {
        case .file(let path, let line, let message, let notes):
            let place = line.map { "\(path):\($0)" } ?? path
            return (["\(place): error: \(message)"] + notes.map { "    = \($0)" }).joined(separator: "\n")
        case .io(let error):
            return "error: \(error.message)"
        case .brokenPipe:
            return "the output was closed"
        case .interrupted(_, let records):
            return "interrupted: stopped after \(records) record\(records == 1 ? "" : "s")"
        case .tooManyRejected(let passed):
            return "error: \(passed)"
        }
    }
}
