import Glibc

/// A failure to open, read or write a file or stream.
///
/// Returned as a value (typed `throws(IOError)`), never as a crash, so the
/// command-line tool can print `message` and choose its exit status.
/// `brokenPipe` is a case of its own: when the reader of a pipe goes away
/// (`stratify score … | head -1`) the tool should stop quietly, not report
/// an error.
public enum IOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `open` failed with `ENOENT`.
    case noSuchFile(path: String)
    /// `open` failed with `EACCES` or `EPERM`.
    case permissionDenied(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// `open` failed for another reason; `code` is the `errno` value.
    case openFailed(path: String, code: Int32)
    /// `read(2)` failed; `code` is the `errno` value.
    case readFailed(code: Int32)
    /// `write(2)` or `close(2)` failed; `code` is the `errno` value.
    case writeFailed(code: Int32)
    /// Writing the file the user named `path` failed (its temporary file,
    /// or renaming that into place); `code` is the `errno` value.
    case cannotWrite(path: String, code: Int32)
    /// The reader at the other end of a pipe or socket closed it (`EPIPE`).
    case brokenPipe
    /// The bytes read cannot be decoded (corrupt or truncated gzip data, a
    /// malformed JSON array); the text says what and where.
    case undecodable(String)

    /// A one-line, user-facing explanation (no trailing period).
    public var message: String {
        switch self {
        case .noSuchFile(let path):
            return "cannot open '\(path)': no such file or directory"
        case .permissionDenied(let path):
            return "cannot open '\(path)': permission denied"
        case .isDirectory(let path):
            return "cannot open '\(path)': is a directory"
        case .openFailed(let path, let code):
            return "cannot open '\(path)': \(systemErrorText(code))"
        case .readFailed(let code):
            return "read failed: \(systemErrorText(code))"
        case .writeFailed(let code):
            return "write failed: \(systemErrorText(code))"
        case .cannotWrite(let path, let code):
            return "cannot write '\(path)': \(systemErrorText(code))"
        case .brokenPipe:
            return "write failed: the reading end of the pipe was closed"
        case .undecodable(let text):
            return text
        }
    }

    public var description: String { message }

    /// Maps an `errno` from `open(2)` to the matching case.
    static func fromOpen(path: String, code: Int32) -> IOError {
        switch code {
        case ENOENT, ENOTDIR: return .noSuchFile(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EISDIR: return .isDirectory(path: path)
        default: return .openFailed(path: path, code: code)
        }
    }
}

/// The C library's text for an `errno` value, e.g. "No space left on device".
/// Only called on error paths, so the copy into a `String` does not matter.
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    let s = String(cString: text)
    // strerror capitalises; our messages continue a sentence.
    guard let first = s.first, first.isUppercase, s.dropFirst().first?.isLowercase == true else { return s }
    return first.lowercased() + s.dropFirst()
}
