import Glibc
import Testing
@testable import StratifyIO

@Suite("File descriptors")
struct ByteIOTests {
    func tempPath(_ tag: String) -> String { "/tmp/stratify-io-test-\(getpid())-\(tag)" }

    @Test func openErrorsAreValues() {
        #expect(throws: IOError.noSuchFile(path: "/nonexistent/x.csv")) { try ByteSource.openFile("/nonexistent/x.csv") }
        #expect(throws: IOError.isDirectory(path: "/tmp")) { try ByteSource.openFile("/tmp") }
        #expect(IOError.noSuchFile(path: "a.csv").message == "cannot open 'a.csv': no such file or directory")
        #expect(IOError.isDirectory(path: "d").message == "cannot open 'd': is a directory")
        #expect(IOError.permissionDenied(path: "p").message == "cannot open 'p': permission denied")
        #expect(IOError.writeFailed(code: ENOSPC).message == "write failed: no space left on device")
        #expect(throws: IOError.noSuchFile(path: "/nonexistent/out.csv")) { try ByteSink.createFile("/nonexistent/out.csv") }
        #expect(throws: IOError.isDirectory(path: "/tmp")) { try ByteSink.createFile("/tmp") }
    }

    @Test func permissionDenied() throws {
        guard geteuid() != 0 else { return }  // root may read anything
        let path = tempPath("noperm")
        let sink = try ByteSink.createFile(path)
        try sink.close()
        defer { unlink(path) }
        chmod(path, 0)
        #expect(throws: IOError.permissionDenied(path: path)) { try ByteSource.openFile(path) }
    }

    @Test func writeThenReadBack() throws {
        let path = tempPath("roundtrip")
        defer { unlink(path) }
        let sink = try ByteSink.createFile(path)
        let out = OutputBuffer()
        var expected: [UInt8] = []
        for i in 0..<200_000 {
            out.append(decimal: i)
            out.append(0x0A)
            if out.count > 60_000 {
                expected += out.bytes
                try sink.write(out)
                out.removeAll()
            }
        }
        expected += out.bytes
        try sink.write(out)
        try sink.close()
        let source = try ByteSource.openFile(path)
        var back: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 70_000)
        while true {
            let n = try block.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            back += block[0..<n]
        }
        #expect(back == expected)
    }

    @Test func brokenPipeIsADistinctCase() throws {
        ByteSink.ignoreBrokenPipeSignal()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])  // the reader goes away
        let sink = ByteSink(fileDescriptor: fds[1], closeOnDeinit: true)
        #expect(throws: IOError.brokenPipe) { try sink.write(bytes("hello\n")) }
    }

    @Test func partialWritesThroughAPipe() async throws {
        // 4 MB through a 64 KB pipe: write(2) returns short counts.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let readFD = fds[0]
        let writeFD = fds[1]
        let payload = (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reader = Task.detached { () -> [UInt8] in
            let source = ByteSource(fileDescriptor: readFD, closeOnDeinit: true)
            var got: [UInt8] = []
            var block = [UInt8](repeating: 0, count: 100_000)
            while true {
                let n = (try? block.withUnsafeMutableBytes { try source.read(into: $0) }) ?? 0
                if n == 0 { break }
                got += block[0..<n]
            }
            return got
        }
        let sink = ByteSink(fileDescriptor: writeFD, closeOnDeinit: true)
        try sink.write(payload)
        try sink.close()
        #expect(await reader.value == payload)
    }

    @Test func memorySourceDribbles() throws {
        let source = ByteSource(bytes: bytes("abcdef"), maxReadSize: 4)
        var block = [UInt8](repeating: 0, count: 10)
        #expect(try block.withUnsafeMutableBytes { try source.read(into: $0) } == 4)
        #expect(try block.withUnsafeMutableBytes { try source.read(into: $0) } == 2)
        #expect(try block.withUnsafeMutableBytes { try source.read(into: $0) } == 0)
    }
}
