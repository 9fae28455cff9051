#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import StratifyIO

/// Reads a FHIR input on two threads: the files (and the largest, cut at
/// a line boundary) in two parts of about equal size, each read by its own
/// ``FHIRCollector`` (the parsed resources are made and freed on the thread
/// that reads them), the second part then taken into the first.
enum ParallelRead {
    /// Smaller inputs are read on one thread: a thread costs more than it saves.
    static let minimumBytes = 1 << 20

    /// Two cores, and not STRATIFY_FHIR_THREADS=1 (one thread: to compare,
    /// or to leave a core free).
    static var twoThreads: Bool {
        let oneThread = getenv("STRATIFY_FHIR_THREADS").map { String(cString: $0) == "1" } ?? false
        return !oneThread && sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2
    }

    /// The collector of the whole input, or nil when it is to be read on
    /// one thread (one core, a small input, Bundles, a resource in both
    /// parts).
    static func collect(files: [String], newCollector: () -> FHIRCollector) throws(IOError) -> FHIRCollector? {
        guard twoThreads, let plan = split(files), !startsWithBundle(files) else { return nil }
        let first = newCollector(), second = newCollector()
        second.clearWarnings()
        let work = SecondPart(collector: second)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { [work, plan] in
            do throws(IOError) {
                try work.read(plan.second, files: files)
            } catch {
                work.failure = error
            }
        }
        var linesBefore: Int32 = 0
        var failure: IOError?
        do throws(IOError) {
            for part in plan.first {
                let lines = try FHIRIntake.readFile(files[part.file], index: Int32(part.file), bytes: part.bytes, into: first)
                if part.file == plan.splitFile { linesBefore = lines }
            }
        } catch {
            failure = error
        }
        group.wait()
        if let failure = failure ?? work.failure { throw failure }
        return first.absorb(second, splitFile: plan.splitFile.map(Int32.init), linesBefore: linesBefore) ? first : nil
    }

    struct Part: Sendable {
        var file: Int
        /// nil: the whole file.
        var bytes: Range<Int>?
    }

    struct Plan: Sendable {
        var first: [Part]
        var second: [Part]
        /// The file the two parts share, cut at a line boundary.
        var splitFile: Int?
    }

    /// The second part, read on another thread.
    // @unchecked: written by the reading thread, read after the group is waited for.
    private final class SecondPart: @unchecked Sendable {
        let collector: FHIRCollector
        var failure: IOError?
        init(collector: FHIRCollector) { self.collector = collector }

        func read(_ parts: [Part], files: [String]) throws(IOError) {
            for part in parts {
                try FHIRIntake.readFile(files[part.file], index: Int32(part.file), bytes: part.bytes, into: collector)
            }
        }
    }

    /// Two parts of about half the bytes each, in input order: the file
    /// holding the middle byte is cut at the first line end after it, when
    /// it is plain NDJSON (a gzip stream or a `.json` document is not cut).
    static func split(_ files: [String]) -> Plan? {
        let sizes = files.map { path -> Int in
            var info = stat()
            return stat(path, &info) == 0 ? Int(info.st_size) : 0
        }
        let total = sizes.reduce(0, +)
        guard total >= minimumBytes else { return nil }
        var before = 0
        for (index, size) in sizes.enumerated() {
            defer { before += size }
            guard before + size > total / 2 else { continue }
            let whole = (0..<index).map { Part(file: $0) }, rest = ((index + 1)..<files.count).map { Part(file: $0) }
            if !FHIRIntake.isWholeDocument(files[index]), let cut = lineEnd(in: files[index], after: total / 2 - before), cut < size {
                return Plan(
                    first: whole + [Part(file: index, bytes: 0..<cut)], second: [Part(file: index, bytes: cut..<size)] + rest,
                    splitFile: index)
            }
            guard !rest.isEmpty else { return nil }
            return Plan(first: whole + [Part(file: index)], second: rest, splitFile: nil)
        }
        return nil
    }

    /// The offset just after the first line feed at or after `offset` in
    /// a plain (not gzip) file; nil when there is none within 1 MB.
    private static func lineEnd(in path: String, after offset: Int) -> Int? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 2)
        guard pread(descriptor, &head, 2, 0) == 2, head != [0x1F, 0x8B] else { return nil }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        let count = pread(descriptor, &block, block.count, off_t(offset))
        guard count > 0, let newline = block[0..<count].firstIndex(of: 0x0A) else { return nil }
        return offset + newline + 1
    }

    /// Whether a file's first line (a `.json` document's first 4 KB) names
    /// a Bundle (a Bundle input is read on one thread; one found later
    /// sends the input back to one thread).
    private static func startsWithBundle(_ files: [String]) -> Bool {
        let marker = Array("\"Bundle\"".utf8)
        return files.contains { path in
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            var block = [UInt8](repeating: 0, count: 4096)
            let count = max(0, pread(descriptor, &block, block.count, 0))
            // A `.json` document may be pretty-printed: its first 4 KB.
            let line = FHIRIntake.isWholeDocument(path) ? block[0..<count] : block[0..<count].prefix { $0 != 0x0A }
            guard line.count >= marker.count else { return false }
            return (0...(line.count - marker.count)).contains { line.dropFirst($0).starts(with: marker) }
        }
    }
}
