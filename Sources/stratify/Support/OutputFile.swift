#if canImport(Glibc)
import Glibc
#endif
import StratifyIO

/// An output written to a temporary file beside its destination and renamed
/// into place only when the run succeeds, so that an interrupted or failed
/// run never leaves a truncated file that looks complete.
final class OutputFile {
    let path: String
    let temporaryPath: String
    let sink: ByteSink

    init(path: String) throws(IOError) {
        self.path = path
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = "\(directory).\(name).partial-\(getpid())"
        sink = try ByteSink.createFile(temporaryPath)
    }

    /// Moves the finished file into place.
    func commit() throws(IOError) {
        try sink.close()
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw IOError.writeFailed(code: code)
        }
    }

    /// Removes the temporary file.
    func discard() {
        try? sink.close()
        unlink(temporaryPath)
    }
}
