#if canImport(Glibc)
import Glibc
#endif
import StratifyIO

/// Standard error and standard output as terminals: whether to use colour
/// and progress lines.
struct Terminal {
    let fd: Int32

    static let standardError = Terminal(fd: 2)
    static let standardOutput = Terminal(fd: 1)

    var isTerminal: Bool { isatty(fd) == 1 }

    /// Colour only on a terminal, and never when `NO_COLOR` is set.
    var useColor: Bool {
        isTerminal && getenv("NO_COLOR") == nil
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
