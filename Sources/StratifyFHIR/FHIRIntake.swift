#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import StratifyIO
import StratifyRules

/// FHIR R4 input (spec fhir-mapping.md) turned into flat intake: one CSV
/// record per Patient, with the rule set's inputs as columns, which the
/// normal pipeline then validates and scores exactly like a CSV file.
package struct FHIRIntake: Sendable {
    /// The intake CSV (header and one row per Patient, in order).
    package var csv: [UInt8]
    package var patients: Int
    /// Input problems, in input order (spec section 2.3).
    package var problems: [InputProblem]
    /// Aggregated warnings: `N × what`.
    package var warnings: [String]
    /// For each patient id, the resources whose data gave its inputs values.
    package var basis: [String: [String]]
    /// With `keepSources`: for each patient id, where each input came from.
    package var sources: [String: [InputSource]] = [:]

    /// True when `path` is to be read as FHIR without `--input-format`: a
    /// directory, or a file whose first JSON object has a `resourceType`.
    package static func looksLikeFHIR(path: String) -> Bool {
        if isDirectory(path) { return true }
        guard path != "-", let bytes = try? readHead(path) else { return false }
        return firstObjectHasResourceType(bytes)
    }

    /// Whether the first JSON object in `bytes` has a `resourceType` member
    /// at its top level (a Bundle's entries have one too, deeper down).
    static func firstObjectHasResourceType(_ bytes: [UInt8]) -> Bool {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == 0x7B else { return false }
        var depth = 0
        let key = Array("\"resourceType\"".utf8)
        while index < bytes.count {
            switch bytes[index] {
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth == 0 { return false }
            case 0x22:
                if depth == 1, bytes[index...].starts(with: key) {
                    var after = index + key.count
                    while after < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[after]) { after += 1 }
                    if after < bytes.count, bytes[after] == 0x3A { return true }
                }
                // Skip the string, escapes included.
                index += 1
                while index < bytes.count, bytes[index] != 0x22 {
                    index += bytes[index] == 0x5C ? 2 : 1
                }
            default: break
            }
            index += 1
        }
        return false
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func readHead(_ path: String) throws(IOError) -> [UInt8] {
        var source = try ByteSource.openFile(path)
        if try source.peek(2) == [0x1F, 0x8B] { source = ByteSource(stage: GzipStage(reading: source), name: path) }
        return try source.peek(1 << 16)
    }

    /// The files a directory argument stands for (spec 2.1), in byte order
    /// of their names, and the names of the others (for a warning).
    static func listDirectory(_ path: String) -> (files: [String], ignored: [String]) {
        guard let directory = opendir(path) else { return ([], []) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var files: [String] = [], ignored: [String] = []
        let base = path.hasSuffix("/") ? path : path + "/"
        for name in names {
            var lower = name.lowercased()
            if lower.hasSuffix(".gz") { lower.removeLast(3) }
            var info = stat()
            let full = base + name
            guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") {
                files.append(full)
            } else {
                ignored.append(full)
            }
        }
        return (files, ignored)
    }

    /// Reads `paths` (directories or files) as one FHIR input and derives
    /// one intake record per Patient. `asOf` is days since 1970-01-01.
    package static func read(
        paths: [String], mapping: FHIRMapping, program: Program, asOf: Int, keepBasis: Bool = false, keepSources: Bool = false
    ) throws(IOError) -> FHIRIntake {
        var files: [String] = [], ignored: [String] = []
        for path in paths {
            if isDirectory(path) {
                let listing = listDirectory(path)
                ignored += listing.ignored
                files += listing.files
            } else {
                files.append(path)
            }
        }
        func newCollector() -> FHIRCollector {
            let collector = FHIRCollector(mapping: mapping)
            collector.files = files
            for name in ignored { collector.warn("file \(name) ignored (not .ndjson, .jsonl or .json)") }
            return collector
        }
        let collector: FHIRCollector
        if let parallel = try ParallelRead.collect(files: files, newCollector: newCollector) {
            collector = parallel
        } else {
            collector = newCollector()
            for (index, file) in files.enumerated() { _ = try readFile(file, index: Int32(index), into: collector) }
        }
        let facts = collector.finish()
        var csv: [UInt8] = []
        csv.reserveCapacity(1 << 16)
        for (index, input) in program.inputs.enumerated() {
            if index > 0 { csv.append(0x2C) }
            appendCell(input.name, to: &csv)
        }
        csv.append(0x0A)
        // Patients are derived independently: in two halves on two threads
        // for a large input, joined in order (warnings too, so that their
        // order and counts are those of one pass).
        let rows = RowDerivation(
            mapping: mapping, program: program, asOf: asOf, keepBasis: keepBasis, keepSources: keepSources,
            facts: facts, patients: collector.patients)
        let count = facts.count
        let halves = count >= 200 && ParallelRead.twoThreads ? [0..<(count / 2), (count / 2)..<count] : [0..<count]
        let parts = halves.map { RowDerivation.Part(patients: $0) }
        let group = DispatchGroup()
        for part in parts.dropFirst() {
            DispatchQueue.global().async(group: group) { [rows, part] in rows.derive(part) }
        }
        rows.derive(parts[0])
        group.wait()
        var basis: [String: [String]] = [:]
        var sources: [String: [InputSource]] = [:]
        for part in parts {
            csv += part.csv
            for text in part.warnings { collector.warn(text) }
            basis.merge(part.basis) { first, _ in first }
            sources.merge(part.sources) { first, _ in first }
        }
        return FHIRIntake(
            csv: csv, patients: collector.patients.count,
            problems: collector.problems.map {
                InputProblem(location: collector.locationText($0.location), patientId: $0.patient, message: $0.message)
            },
            warnings: collector.warningOrder.map { "\(collector.warnings[$0]!) \u{00D7} \($0)" }, basis: basis, sources: sources)
    }

    static func appendCell(_ text: String, to buffer: inout [UInt8]) {
        let needsQuotes =
            text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || text.first == " " || text.last == " "
        if !needsQuotes {
            buffer.append(contentsOf: text.utf8)
            return
        }
        buffer.append(0x22)
        for byte in text.utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }

    /// Whether `path` is read as one JSON document (a `.json` name), not
    /// as NDJSON.
    static func isWholeDocument(_ path: String) -> Bool {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return lower.hasSuffix(".json")
    }

    /// Reads one file (gunzipped when it is gzip data), file number `index`
    /// of the collector's files: a `.json` name is one JSON document,
    /// anything else NDJSON. With `bytes`, only the lines of that byte
    /// range of an NDJSON file (it starts and ends at a line boundary;
    /// line numbers then count from its start). Returns the lines read.
    /// NDJSON is read block by block (a line is held only until it is
    /// parsed); a `.json` document is read whole.
    @discardableResult
    static func readFile(_ path: String, index file: Int32, bytes range: Range<Int>? = nil, into collector: FHIRCollector) throws(IOError) -> Int32 {
        var source = try ByteSource.openFile(path)
        if try source.peek(2) == [0x1F, 0x8B] { source = ByteSource(stage: GzipStage(reading: source), name: path) }
        defer { source.close() }
        let whole = isWholeDocument(path)
        // Unparsed bytes: the rest of a line cut by the end of a block.
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var line: Int32 = 0
        // A byte order mark is only at the start of a file.
        var first = (range?.lowerBound ?? 0) == 0
        // Bytes of the file read so far, kept or not.
        var position = 0
        while true {
            var count: Int
            do {
                count = try block.withUnsafeMutableBytes { buffer in try source.read(into: buffer) }
            } catch let error as IOError {
                throw error
            } catch {
                throw IOError.undecodable("\(error)")
            }
            var kept = 0..<count
            if let range {
                kept = max(0, min(count, range.lowerBound - position))..<max(0, min(count, range.upperBound - position))
                position += count
                if position >= range.upperBound { count = 0 }
            }
            let atEnd = count == 0
            pending.append(contentsOf: block[kept])
            if first, pending.count >= 3 || atEnd {
                if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
                first = false
            }
            if whole {
                if atEnd {
                    pending.withUnsafeBufferPointer { parse($0, at: ResourceLocation(file: file, line: 0, entry: -1), collector: collector) }
                    return 0
                }
                continue
            }
            let consumed = pending.withUnsafeBufferPointer { all -> Int in
                var start = 0
                while start < all.count {
                    guard let newline = all[start...].firstIndex(of: 0x0A) ?? (atEnd ? all.count : nil) else { break }
                    line += 1
                    let text = UnsafeBufferPointer(rebasing: all[start..<newline])
                    if text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                        parse(text, at: ResourceLocation(file: file, line: line, entry: -1), collector: collector)
                    }
                    start = newline + 1
                }
                return min(start, all.count)
            }
            pending.removeFirst(consumed)
            if atEnd { return line }
        }
    }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>, at location: ResourceLocation, collector: FHIRCollector) {
        do {
            collector.add(try JSONTextParser.parse(text, keep: FHIRCollector.elementsRead), at: location)
        } catch {
            collector.problem(location, "not JSON: \(error.message) at column \(error.column)")
        }
    }
}

/// The intake rows of a range of patients (see ``FHIRIntake/read(paths:mapping:program:asOf:keepBasis:keepSources:)``),
/// derived on the thread that calls ``derive(_:)``.
private final class RowDerivation: Sendable {
    let mapping: FHIRMapping
    let program: Program
    let asOf: Int
    let keepBasis: Bool
    let keepSources: Bool
    let facts: [PatientFacts]
    let patients: [(id: String?, birthDate: String?)]

    init(
        mapping: FHIRMapping, program: Program, asOf: Int, keepBasis: Bool, keepSources: Bool, facts: [PatientFacts],
        patients: [(id: String?, birthDate: String?)]
    ) {
        self.mapping = mapping
        self.program = program
        self.asOf = asOf
        self.keepBasis = keepBasis
        self.keepSources = keepSources
        self.facts = facts
        self.patients = patients
    }

    /// One range's rows, and what deriving them gave besides.
    // @unchecked: filled by the one thread that derives it, read after the group is waited for.
    final class Part: @unchecked Sendable {
        let patients: Range<Int>
        var csv: [UInt8] = []
        /// In the order given, to be counted after the earlier parts'.
        var warnings: [String] = []
        var basis: [String: [String]] = [:]
        var sources: [String: [InputSource]] = [:]
        init(patients: Range<Int>) { self.patients = patients }
    }

    func derive(_ part: Part) {
        let derivation = FieldDerivation(mapping: mapping, program: program, asOf: asOf) { part.warnings.append($0) }
        var patientSources: [InputSource] = []
        for index in part.patients {
            let patient = patients[index]
            patientSources.removeAll()
            let (record, used) = withUnsafeMutablePointer(to: &patientSources) { pointer in
                derivation.record(facts[index], patientId: patient.id, birthDate: patient.birthDate, sources: keepSources ? pointer : nil)
            }
            if let id = patient.id, keepBasis || keepSources, part.basis[id] == nil {
                part.basis[id] = used
                if keepSources { part.sources[id] = patientSources }
            }
            for (column, value) in record.enumerated() {
                if column > 0 { part.csv.append(0x2C) }
                if let value { FHIRIntake.appendCell(value, to: &part.csv) }
            }
            part.csv.append(0x0A)
        }
    }
}
