import StratifyEngine
import StratifyIO
import StratifyRules

/// Counts at the end of a batch.
public struct BatchSummary: Sendable, Equatable {
    public var records = 0
    public var scored = 0
    public var rejected = 0
    /// Scored records whose identifier an earlier scored record of the
    /// batch already had (each was reported as a warning).
    public var duplicates = 0
    /// Scored records that lacked more than half of the inputs besides the
    /// identifier: scored on little data, so their tiers may be low only
    /// for want of it.
    public var mostlyMissing = 0

    public init() {}

    /// `N scored, M rejected` (and `, D duplicate identifiers` when there
    /// are some), the last line a batch prints on standard error. Scored
    /// records with more than half of the inputs missing are counted in
    /// parentheses when there are some: `24 scored (3 with more than half
    /// of the inputs missing), 1 rejected`.
    public var line: String {
        let sparse = mostlyMissing > 0 ? " (\(mostlyMissing) with more than half of the inputs missing)" : ""
        let base = "\(scored) scored\(sparse), \(rejected) rejected"
        guard duplicates > 0 else { return base }
        return base + ", \(duplicates) duplicate identifier\(duplicates == 1 ? "" : "s")"
    }
}

/// Scores a batch of intake files with a program, streaming: chunks of
/// records are read, scored on `jobs` threads, and written in input order.
/// Memory stays bounded whatever the input size.
public struct BatchRunner<Formatter: RecordFormatter>: Sendable {
    public var program: Program
    public var jobs: Int
    public var chunkOptions: ChunkerOptions
    /// Made once per worker thread.
    public var makeFormatter: @Sendable () -> Formatter
    /// Called after each chunk is written, one call at a time, with the
    /// records done so far and the input bytes consumed across all inputs
    /// (for a progress line).
    public var onProgress: (@Sendable (_ records: Int, _ bytes: Int) -> Void)?
    /// When set and cancelled, the run stops before its next chunk and
    /// throws ``BatchError/interrupted(signal:records:)``.
    public var cancellation: BatchCancellation?
    /// How many identifiers the batch remembers to find repeats (see
    /// ``IdentifierTable``); later ones are checked but not remembered.
    public var identifierCapacity = IdentifierTable.defaultCapacity
    /// Refuse an input whose field names are not exactly the program's
    /// inputs, instead of warning (see ``HeaderReconciliation``).
    public var strictColumns = false
    /// `--max-rejected`: past it, the run stops and throws
    /// ``BatchError/tooManyRejected(_:)``; nil accepts any number.
    public var rejectLimit: RejectLimit?
    /// `--delimiter`: the byte between CSV fields; nil: a tab for `.tsv`,
    /// else a comma.
    public var delimiter: CSVDelimiter?
    /// Called once every input is open, before anything is formatted, with
    /// each input's format (standard input's is known only then), so that
    /// the output can follow the first input's.
    public var onOpen: (@Sendable (_ formats: [IntakeFormat]) -> Void)?

    public init(program: Program, jobs: Int, chunkOptions: ChunkerOptions = ChunkerOptions(), makeFormatter: @escaping @Sendable () -> Formatter) {
        self.program = program
        self.jobs = jobs
        self.chunkOptions = chunkOptions
        self.makeFormatter = makeFormatter
    }

    /// Scores `inputs` (paths, `-` for standard input), each read as its
    /// `formats` entry says (nil: by its name, or its content for standard
    /// input; see ``IntakeOpening``). Every input is opened and its header
    /// (or first NDJSON keys) matched to the inputs before anything is
    /// scored, so that a bad file stops the batch before any output; the
    /// warnings about each go to `rejects` first. With `repeats`, the
    /// consumer of `output` finds the records that repeat an identifier,
    /// and the batch does not (see ``RepeatedIdentifierFinder``).
    public func run(
        inputs: [String], formats: [IntakeFormat?], output: ByteSink, rejects: RejectSink,
        repeats: (any RepeatedIdentifierFinder)? = nil
    ) throws(BatchError) -> BatchSummary {
        var sources: [IntakeSource] = []
        for (path, format) in zip(inputs, formats) {
            let source = try IntakeSource(
                path: path, format: format, delimiter: delimiter, program: program, options: chunkOptions, strictColumns: strictColumns)
            for warning in source.warnings { try rejects.warn(warning) }
            // Now, so that a later input that stops the batch does not hide them.
            try rejects.flush()
            sources.append(source)
        }
        onOpen?(sources.map(\.fileFormat))
        let writer = OutputWriter(
            sink: output, rejects: rejects, formatter: makeFormatter(),
            identifiers: repeats == nil ? .table(IdentifierTable(capacity: identifierCapacity)) : .finder(repeats!),
            identifierName: program.inputs[program.identifier].name,
            rejectLimit: rejectLimit)
        try writer.begin()
        var current = 0
        // Bytes of the inputs already finished, and where the last result
        // left off in the current one.
        var finishedBytes = 0
        var position = (source: 0, offset: 0)
        // The inputs that gave at least one record, to warn about the others.
        var sourcesWithRecords = [Bool](repeating: false, count: sources.count)
        let pipeline = OrderedPipeline<WorkItem, WorkResult>(
            window: max(2, jobs * 2),
            next: { () throws(BatchError) -> WorkItem? in
                while current < sources.count {
                    if var item = try sources[current].next() {
                        item.source = current
                        return item
                    }
                    current += 1
                }
                return nil
            },
            emit: { (result: WorkResult) throws(BatchError) in
                try writer.write(result)
                if result.chunk.records > 0 { sourcesWithRecords[result.source] = true }
                guard let onProgress else { return }
                if result.source != position.source {
                    finishedBytes += position.offset
                }
                position = (result.source, result.endOffset)
                onProgress(writer.summary.records, finishedBytes + result.endOffset)
            })
        if let cancellation {
            pipeline.shouldStop = {
                cancellation.signal.map { .interrupted(signal: $0, records: writer.summary.records) }
            }
        }
        let program = self.program
        let makeFormatter = self.makeFormatter
        let checksIdentifiers = repeats == nil
        try pipeline.run(jobs: jobs) {
            let scorer = ChunkScorer(program: program, formatter: makeFormatter(), checksIdentifiers: checksIdentifiers)
            return { item in item.process(with: scorer) }
        }
        for (source, hadRecords) in zip(sources, sourcesWithRecords) where !hadRecords {
            try rejects.warn("warning: no records in \(source.path == "-" ? "standard input" : source.path)")
        }
        try writer.end()
        return writer.summary
    }
}

/// One unit of work: a chunk of records, or a record the reader already
/// found broken, with the file it came from.
struct WorkItem: Sendable {
    enum Content: Sendable {
        case chunk(IntakeChunk)
        case broken(IntakeRecordError)
    }

    var content: Content
    var file: String
    var format: IntakeFormat
    var columns: ColumnMap?
    /// The index of the input it came from.
    var source = 0

    func process(with scorer: ChunkScorer) -> WorkResult {
        switch content {
        case .chunk(let chunk):
            let result =
                format == .csv
                ? scorer.scoreCSV(chunk, columns: columns!, file: file)
                : scorer.scoreNDJSON(chunk, file: file)
            return WorkResult(chunk: result, source: source, endOffset: chunk.byteOffset + chunk.bytes.count)
        case .broken(let error):
            let rejected = RejectedRecord(record: 1, file: file, line: error.line, identifier: "", field: "", message: error.description)
            return WorkResult(
                chunk: ChunkResult(output: OutputBuffer(capacity: 0), rejected: [rejected], records: 1, scored: 0), source: source, endOffset: error.byteOffset)
        }
    }
}

struct WorkResult: Sendable {
    var chunk: ChunkResult
    var source: Int
    var endOffset: Int
}

/// An open intake file and its reader.
struct IntakeSource {
    let path: String
    /// What the chunkers read: `.csv` or `.ndjson` (a JSON array is read
    /// as NDJSON lines).
    let format: IntakeFormat
    /// The file's own format, for choosing the output's.
    let fileFormat: IntakeFormat
    let columns: ColumnMap?
    /// The CSV header row (nil for NDJSON).
    let header: CSVHeader?
    /// The file's field names, for matching them to another program.
    let fields: IntakeFieldNames
    /// What matching the fields to the program found (``HeaderReconciliation``).
    let warnings: [String]
    private let csv: CSVChunker?
    private let ndjson: NDJSONChunker?
    /// NDJSON items read ahead for their keys, handed out first.
    private var readAhead: [IntakeItem] = []

    /// Opens `path` (see ``IntakeOpening``); `format` nil tells it from the
    /// name or, for standard input, the content; `delimiter` nil: by name.
    init(
        path: String, format: IntakeFormat?, delimiter: CSVDelimiter? = nil, program: Program, options: ChunkerOptions,
        strictColumns: Bool = false
    ) throws(BatchError) {
        self.path = path
        let opening = try IntakeOpening(path: path, format: format, delimiter: delimiter)
        self.format = opening.records
        fileFormat = opening.format
        let source = opening.source
        switch opening.records {
        case .csv:
            let chunker = CSVChunker(source: source, options: options)
            let header: CSVHeaderResult
            do {
                header = try chunker.readHeader()
            } catch {
                throw BatchError.file(path, line: nil, error.message)
            }
            switch header {
            case .emptyInput:
                throw BatchError.file(path, line: nil, "the file is empty: a CSV intake file starts with a header row naming its columns")
            case .malformed(let error):
                throw BatchError.file(path, line: error.errorLine, "the header row is malformed: \(error.message)")
            case .header(let header):
                if let hint = DelimiterHint.message(header: header, program: program, readWith: opening.delimiter) {
                    throw BatchError.file(path, line: header.line, hint)
                }
                fields = IntakeFieldNames(header: header)
                self.header = header
            }
            csv = chunker
            ndjson = nil
        case .ndjson, .json:
            header = nil
            csv = nil
            let chunker = NDJSONChunker(source: source, options: options)
            do {
                (readAhead, fields) = try IntakeFieldNames.sample(chunker, targetBytes: options.targetChunkBytes)
            } catch {
                throw BatchError.file(path, line: nil, error.message)
            }
            ndjson = chunker
        }
        let reconciled = try HeaderReconciliation(fields, program: program, file: path, strict: strictColumns)
        columns = reconciled.columns
        warnings = reconciled.warnings
    }

    mutating func next() throws(BatchError) -> WorkItem? {
        let item: IntakeItem?
        do {
            if !readAhead.isEmpty {
                item = readAhead.removeFirst()
            } else if let csv {
                item = try csv.next()
            } else {
                item = try ndjson?.next()
            }
        } catch {
            throw BatchError.file(path, line: nil, error.message)
        }
        switch item {
        case nil: return nil
        case .chunk(let chunk)?: return WorkItem(content: .chunk(chunk), file: path, format: format, columns: columns)
        case .recordError(let error)?: return WorkItem(content: .broken(error), file: path, format: format, columns: columns)
        }
    }
}

/// Writes results in order: the output, the rejected records (numbered
/// across the batch), warnings for repeated identifiers, and the counts.
final class OutputWriter<Formatter: RecordFormatter> {
    /// At most this many repeated identifiers are reported one by one; the
    /// summary counts them all.
    static var maxDuplicateWarnings: Int { 1000 }

    private let sink: ByteSink
    private let rejects: RejectSink
    private let formatter: Formatter
    private(set) var summary = BatchSummary()
    private var buffer = OutputBuffer(capacity: 1 << 10)
    private let identifiers: RepeatCheck
    private let identifierName: String

    /// Who finds the records that repeat an identifier.
    enum RepeatCheck {
        /// The writer, in its own table.
        case table(IdentifierTable)
        /// The output's consumer (see ``RepeatedIdentifierFinder``).
        case finder(any RepeatedIdentifierFinder)
    }
    private var rejectCounter: RejectLimitCounter?

    init(
        sink: ByteSink, rejects: RejectSink, formatter: Formatter,
        identifiers: RepeatCheck = .table(IdentifierTable()), identifierName: String = "identifier",
        rejectLimit: RejectLimit? = nil
    ) {
        self.sink = sink
        self.rejects = rejects
        self.formatter = formatter
        self.identifiers = identifiers
        self.identifierName = identifierName
        rejectCounter = rejectLimit.map(RejectLimitCounter.init(limit:))
    }

    func begin() throws(BatchError) {
        formatter.header(into: &buffer)
        try flush(buffer)
        buffer.removeAll()
    }

    func write(_ result: WorkResult) throws(BatchError) {
        let chunk = result.chunk
        // Found by the consumer while it read the chunk's records.
        var repeats: [RepeatedIdentifier] = []
        if chunk.scored > 0 {
            if summary.scored > 0 {
                buffer.removeAll()
                formatter.separator(into: &buffer)
                try flush(buffer)
            }
            if case .finder(let finder) = identifiers {
                finder.chunkBegins(records: ScoredRecordNumbers(base: summary.records, numbers: chunk.identifiers.records))
                try flush(chunk.output)
                repeats = finder.chunkEnds()
            } else {
                try flush(chunk.output)
            }
        }
        // The scored records to settle in record order: each one, looked up
        // in the writer's table, or those the consumer found repeating.
        let pending: Int
        let scoredIndex: (Int) -> Int
        if case .finder = identifiers {
            pending = repeats.count
            scoredIndex = { repeats[$0].scored }
        } else {
            pending = chunk.identifiers.count
            scoredIndex = { $0 }
        }
        func settle(_ next: Int) throws(BatchError) {
            switch identifiers {
            case .table(let table): try checkIdentifier(next, of: chunk, in: table)
            case .finder: try warnRepeat(repeats[next].scored, of: chunk, identifier: repeats[next].identifier, first: repeats[next].first)
            }
        }
        // Rejected records and repeated identifiers, in record order.
        var next = 0
        var lastRejected = 0
        var passed: RejectLimitPassed?
        for var rejected in chunk.rejected {
            while next < pending, Int(chunk.identifiers.records[scoredIndex(next)]) < rejected.record {
                try settle(next)
                next += 1
            }
            rejected.record += summary.records
            if rejected.record != lastRejected, rejectCounter != nil {
                // Stop before the first record after the limit was passed
                // (a record's lines all come together).
                if passed == nil { passed = rejectCounter?.read(rejected.record - 1) }
                if passed != nil { break }
                lastRejected = rejected.record
                passed = rejectCounter?.reject(record: rejected.record)
            }
            try rejects.write(rejected)
        }
        if rejectCounter != nil, passed == nil {
            passed = rejectCounter?.read(summary.records + chunk.records)
        }
        if let passed { try stop(passed) }
        while next < pending {
            try settle(next)
            next += 1
        }
        summary.records += chunk.records
        summary.scored += chunk.scored
        summary.mostlyMissing += chunk.mostlyMissing
        summary.rejected += chunk.records - chunk.scored
    }

    /// Looks up the identifier of the `index`th scored record of `chunk`,
    /// and warns when an earlier record had it.
    private func checkIdentifier(_ index: Int, of chunk: ChunkResult, in table: IdentifierTable) throws(BatchError) {
        let record = summary.records + Int(chunk.identifiers.records[index])
        let wasFull = table.isFull
        guard let first = table.check(chunk.identifiers.hashes[index], record: record) else {
            if !wasFull, table.isFull {
                try rejects.warn(
                    "warning: only the \(identifierName) of the first \(table.capacity) scored records are "
                        + "remembered: each later one is checked against those, not against the others after them")
            }
            return
        }
        try warnRepeat(index, of: chunk, identifier: chunk.identifiers.identifier(at: index), first: first)
    }

    /// Counts the `index`th scored record of `chunk` as repeating the
    /// identifier of record `first`, and warns (the first thousand times).
    private func warnRepeat(_ index: Int, of chunk: ChunkResult, identifier: String, first: Int) throws(BatchError) {
        let record = summary.records + Int(chunk.identifiers.records[index])
        summary.duplicates += 1
        if summary.duplicates <= Self.maxDuplicateWarnings {
            let place = "\(chunk.identifiers.file):\(chunk.identifiers.lines[index])"
            let id = DisplayText.escaped(identifier)
            try rejects.warn(
                "\(place): warning: record \(record) (\(identifierName) \(id)) repeats the \(identifierName) "
                    + "of record \(first); both are scored")
        } else if summary.duplicates == Self.maxDuplicateWarnings + 1 {
            try rejects.warn(
                "warning: more records repeat an earlier \(identifierName); the first \(Self.maxDuplicateWarnings) "
                    + "are listed, the summary counts them all")
        }
    }

    /// Reports the rejected records written so far, and stops the batch.
    private func stop(_ passed: RejectLimitPassed) throws(BatchError) -> Never {
        try rejects.finish()
        throw .tooManyRejected(passed)
    }

    func end() throws(BatchError) {
        if let passed = rejectCounter?.end(records: summary.records) { try stop(passed) }
        buffer.removeAll()
        formatter.footer(into: &buffer)
        try flush(buffer)
        try rejects.finish()
    }

    private func flush(_ output: OutputBuffer) throws(BatchError) {
        guard !output.isEmpty else { return }
        do {
            try sink.write(output)
        } catch {
            throw error == .brokenPipe ? BatchError.brokenPipe : BatchError.io(error)
        }
    }
}
