#if canImport(Glibc)
import Glibc
#endif
import StratifyIO

/// An output written to a temporary file beside its destination and renamed
/// into place only when the run succeeds, so that an interrupted or failed
/// run never leaves a truncated file that looks complete.
///
/// A destination that exists and is not a regular file (`/dev/stderr`,
/// `/dev/null`, a named pipe) is written directly: renaming over it would
/// replace the device or pipe with a plain file. A symbolic link is
/// followed, so that the link stays and the file it names is replaced.
final class OutputFile {
    /// Where the finished file goes (a symbolic link resolved).
    let path: String
    /// The path as the user gave it, for messages: never the temporary name.
    let shownPath: String
    /// nil when the destination is written directly.
    let temporaryPath: String?
    let sink: ByteSink

    init(path: String) throws(IOError) {
        shownPath = path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            self.path = path
            temporaryPath = nil
            sink = try ByteSink.createFile(path, reportingAs: path)
            return
        }
        var target = path
        if let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        self.path = target
        let directory = target.lastIndex(of: "/").map { String(target[...$0]) } ?? ""
        let name = target.lastIndex(of: "/").map { String(target[target.index(after: $0)...]) } ?? target
        let temporaryPath = "\(directory).\(name).partial-\(getpid())"
        self.temporaryPath = temporaryPath
        sink = try ByteSink.createFile(temporaryPath, reportingAs: path)
    }

    /// Moves the finished file into place.
    func commit() throws(IOError) {
        try sink.close()
        guard let temporaryPath else { return }
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw IOError.cannotWrite(path: shownPath, code: code)
        }
    }

    /// Removes the temporary file.
    func discard() {
        try? sink.close()
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// Writes a whole (small) output at once, as a command's report file;
    /// a failure is printed with the path the user gave and exits 2.
    static func write(_ bytes: [UInt8], to path: String) throws {
        do throws(IOError) {
            let file = try OutputFile(path: path)
            do {
                try file.sink.write(bytes)
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
        } catch {
            Terminal.standardError.write("\(path): error: \(error.message)\n")
            throw ExitStatus.failure
        }
    }
}
