import StratifyEngine
import StratifyIO
import StratifyRules

/// Counts at the end of a batch.
public struct BatchSummary: Sendable, Equatable {
    public var records = 0
    public var scored = 0
    public var rejected = 0

    public init() {}

    /// `N scored, M rejected`, the last line a batch prints on standard error.
    public var line: String { "\(scored) scored, \(rejected) rejected" }
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
    /// Called after each chunk is written, with the records done so far and
    /// the input bytes consumed (for a progress line).
    public var onProgress: (@Sendable (_ records: Int, _ bytes: Int) -> Void)?

    public init(program: Program, jobs: Int, chunkOptions: ChunkerOptions = ChunkerOptions(), makeFormatter: @escaping @Sendable () -> Formatter) {
        self.program = program
        self.jobs = jobs
        self.chunkOptions = chunkOptions
        self.makeFormatter = makeFormatter
    }

    /// Scores `inputs` (paths, `-` for standard input). Every input is opened
    /// and its header checked before anything is scored, so that a bad file
    /// stops the batch before any output.
    public func run(inputs: [String], formats: [IntakeFormat], output: ByteSink, rejects: RejectSink) throws(BatchError) -> BatchSummary {
        var sources: [IntakeSource] = []
        for (path, format) in zip(inputs, formats) {
            sources.append(try IntakeSource(path: path, format: format, program: program, options: chunkOptions))
        }
        let writer = OutputWriter(sink: output, rejects: rejects, formatter: makeFormatter())
        try writer.begin()
        var current = 0
        let pipeline = OrderedPipeline<WorkItem, WorkResult>(
            window: max(2, jobs * 2),
            next: { () throws(BatchError) -> WorkItem? in
                while current < sources.count {
                    if let item = try sources[current].next() { return item }
                    current += 1
                }
                return nil
            },
            emit: { (result: WorkResult) throws(BatchError) in
                try writer.write(result)
                onProgress?(writer.summary.records, result.endOffset)
            })
        let program = self.program
        let makeFormatter = self.makeFormatter
        try pipeline.run(jobs: jobs) {
            let scorer = ChunkScorer(program: program, formatter: makeFormatter())
            return { item in item.process(with: scorer) }
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

    func process<Formatter>(with scorer: ChunkScorer<Formatter>) -> WorkResult {
        switch content {
        case .chunk(let chunk):
            let result = format == .csv
                ? scorer.scoreCSV(chunk, columns: columns!, file: file)
                : scorer.scoreNDJSON(chunk, file: file)
            return WorkResult(chunk: result, endOffset: chunk.byteOffset + chunk.bytes.count)
        case .broken(let error):
            let rejected = RejectedRecord(record: 1, file: file, line: error.line, identifier: "", field: "", message: error.description)
            return WorkResult(chunk: ChunkResult(output: OutputBuffer(capacity: 0), rejected: [rejected], records: 1, scored: 0), endOffset: error.byteOffset)
        }
    }
}

struct WorkResult: Sendable {
    var chunk: ChunkResult
    var endOffset: Int
}

/// An open intake file and its reader.
struct IntakeSource {
    let path: String
    let format: IntakeFormat
    let columns: ColumnMap?
    private let csv: CSVChunker?
    private let ndjson: NDJSONChunker?

    init(path: String, format: IntakeFormat, program: Program, options: ChunkerOptions) throws(BatchError) {
        self.path = path
        self.format = format
        let source: ByteSource
        do {
            source = path == "-" ? ByteSource.standardInput() : try ByteSource.openFile(path)
        } catch {
            throw BatchError.file(path, line: nil, error.message)
        }
        switch format {
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
                columns = try ColumnMap(header: header, program: program, file: path)
            }
            csv = chunker
            ndjson = nil
        case .ndjson:
            columns = nil
            csv = nil
            ndjson = NDJSONChunker(source: source, options: options)
        }
    }

    func next() throws(BatchError) -> WorkItem? {
        let item: IntakeItem?
        do {
            if let csv {
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
/// across the batch), and the counts.
final class OutputWriter<Formatter: RecordFormatter>: @unchecked Sendable {
    private let sink: ByteSink
    private let rejects: RejectSink
    private let formatter: Formatter
    private(set) var summary = BatchSummary()
    private var buffer = OutputBuffer(capacity: 1 << 10)

    init(sink: ByteSink, rejects: RejectSink, formatter: Formatter) {
        self.sink = sink
        self.rejects = rejects
        self.formatter = formatter
    }

    func begin() throws(BatchError) {
        formatter.header(into: &buffer)
        try flush(buffer)
        buffer.removeAll()
    }

    func write(_ result: WorkResult) throws(BatchError) {
        let chunk = result.chunk
        if chunk.scored > 0 {
            if summary.scored > 0 {
                buffer.removeAll()
                formatter.separator(into: &buffer)
                try flush(buffer)
            }
            try flush(chunk.output)
        }
        for var rejected in chunk.rejected {
            rejected.record += summary.records
            try rejects.write(rejected)
        }
        summary.records += chunk.records
        summary.scored += chunk.scored
        summary.rejected += chunk.records - chunk.scored
    }

    func end() throws(BatchError) {
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
