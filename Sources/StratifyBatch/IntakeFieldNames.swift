import StratifyIO

/// The names an intake file gives its fields, known before anything is
/// scored: a CSV header's columns, or the distinct keys of the first NDJSON
/// records (NDJSON has no header, and a record may leave out any key).
struct IntakeFieldNames: Sendable {
    enum Origin: Sendable, Equatable {
        /// A CSV header on this line; `names` are its columns in order.
        case header(line: Int)
        /// The keys of the first `records` records of an NDJSON file, of
        /// which `objects` were JSON objects; `wholeFile` when those records
        /// are all the file has.
        case sample(records: Int, objects: Int, wholeFile: Bool)
    }

    var names: [String]
    var origin: Origin

    /// How many NDJSON records are read ahead for their keys, at most.
    static let sampleRecords = 1000
    /// Read at least this much for the sample, however small the chunks:
    /// a refusal must not rest on the first few records alone.
    static let minimumSampleBytes = 64 << 10

    init(header: CSVHeader) {
        names = header.names
        origin = .header(line: header.line)
    }

    init(names: [String], origin: Origin) {
        self.names = names
        self.origin = origin
    }

    /// Reads ahead in `chunker` for the keys of its first records: up to
    /// ``sampleRecords`` records, stopping after the item that reaches
    /// `targetBytes` of chunks (so about one chunk), and at least
    /// ``minimumSampleBytes``. Returns the items read,
    /// which the caller must score before reading on, and the keys.
    static func sample(_ chunker: NDJSONChunker, targetBytes: Int) throws(IOError) -> (items: [IntakeItem], names: IntakeFieldNames) {
        var items: [IntakeItem] = []
        var sampler = KeySampler()
        var bytes = 0
        var endOfInput = false
        while sampler.records < sampleRecords && bytes < max(targetBytes, minimumSampleBytes) {
            guard let item = try chunker.next() else {
                endOfInput = true
                break
            }
            items.append(item)
            switch item {
            case .chunk(let chunk):
                bytes += chunk.bytes.count
                sampler.add(chunk)
            case .recordError:
                sampler.records += 1
            }
        }
        let names = IntakeFieldNames(
            names: sampler.keys,
            origin: .sample(records: sampler.records, objects: sampler.objects, wholeFile: endOfInput && !sampler.stoppedEarly))
        return (items, names)
    }

    /// Collects the distinct keys of records, in the order first seen.
    private struct KeySampler {
        var records = 0
        var objects = 0
        var keys: [String] = []
        var seen: Set<String> = []
        /// A chunk had records past the sample.
        var stoppedEarly = false
        let parser = JSONLineParser()

        mutating func add(_ chunk: IntakeChunk) {
            chunk.bytes.withUnsafeBytes { buffer in
                var lines = NDJSONLineScanner()
                while let line = lines.nextLine(in: buffer) {
                    guard records < IntakeFieldNames.sampleRecords else {
                        stoppedEarly = true
                        return
                    }
                    records += 1
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[line.start..<line.end])
                    // A line that is not a valid object is rejected when it
                    // is scored; its keys cannot be known.
                    guard (try? parser.parse(bytes)) != nil else { continue }
                    objects += 1
                    for member in parser.members {
                        guard let key = try? parser.key(of: member, in: bytes) else { continue }
                        let name = String(decoding: key, as: UTF8.self)
                        if seen.insert(name).inserted { keys.append(name) }
                    }
                }
            }
        }
    }
}
