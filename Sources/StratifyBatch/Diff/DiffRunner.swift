import StratifyEngine
import StratifyIO
import StratifyRules

/// Compares two rule files on a population: every record is read once and
/// scored with both, on `jobs` threads through the same streaming pipeline
/// as `score`; per-chunk counts are merged in input order by the ordered
/// writer (they are sums, so the result is the same for any `jobs`).
public struct DiffRunner: Sendable {
    public var old: Program
    public var new: Program
    public var jobs: Int
    public var chunkOptions: ChunkerOptions
    /// Refuse an input whose field names are not exactly either program's
    /// inputs, instead of warning (see ``HeaderReconciliation``).
    public var strictColumns = false
    /// Where the warnings about each input's field names go, before
    /// anything is scored; nil drops them.
    public var warningSink: ByteSink?
    /// `--delimiter` (see ``BatchRunner/delimiter``).
    public var delimiter: CSVDelimiter?

    public init(old: Program, new: Program, jobs: Int, chunkOptions: ChunkerOptions = ChunkerOptions()) {
        self.old = old
        self.new = new
        self.jobs = jobs
        self.chunkOptions = chunkOptions
    }

    /// Reads `inputs` (paths, `-` for standard input; `formats` as for
    /// ``BatchRunner/run(inputs:formats:output:rejects:)``) and returns the
    /// comparison; with `changes`, writes each changed record there, in
    /// input order. Every input is opened, and its header mapped for both
    /// rule files, before anything is scored.
    public func run(inputs: [String], formats: [IntakeFormat?], changes: DiffChangesOutput? = nil) throws(BatchError) -> DiffReport {
        let (sources, newColumns) = try openSources(inputs: inputs, formats: formats)
        let mapping = DiffMapping(old: old, new: new)
        var total = DiffCounts(mapping: mapping)
        let writer = changes.map { ChangeWriter(output: $0, mapping: mapping) }
        try writer?.begin()
        let pipeline = OrderedPipeline<DiffWorkItem, DiffChunkResult>(
            window: max(2, jobs * 2),
            next: Self.items(sources, newColumns),
            emit: { (result: DiffChunkResult) throws(BatchError) in
                try writer?.write(result.changes, firstRecord: total.read)
                total.add(result.counts)
            })
        let keepChanges = changes != nil
        try pipeline.run(jobs: jobs) {
            let comparer = DiffChunkComparer(mapping: mapping, keepChanges: keepChanges)
            return { item in comparer.compare(item) }
        }
        try writer?.end()
        return DiffReport(mapping: mapping, counts: total)
    }

    /// Every input opened, and its header mapped for both rule files,
    /// before anything is scored.
    func openSources(inputs: [String], formats: [IntakeFormat?]) throws(BatchError) -> ([IntakeSource], [ColumnMap?]) {
        var sources: [IntakeSource] = []
        var newColumns: [ColumnMap?] = []
        for (path, format) in zip(inputs, formats) {
            let source = try IntakeSource(
                path: path, format: format, delimiter: delimiter, program: old, options: chunkOptions, strictColumns: strictColumns)
            let newSide: HeaderReconciliation
            do {
                newSide = try HeaderReconciliation(source.fields, program: new, file: path, strict: strictColumns)
            } catch {
                guard case .file(let path, let line, let message, let notes) = error else { throw error }
                throw BatchError.file(path, line: line, message, notes: notes + ["with the new rules, \(new.source.path)"])
            }
            sources.append(source)
            newColumns.append(newSide.columns)
            // Once per file: what both rule files find is said once.
            let warnings = source.warnings + newSide.warnings.filter { !source.warnings.contains($0) }.map { $0 + " (new rules)" }
            try write(warnings)
        }
        return (sources, newColumns)
    }

    /// The work items of all inputs in turn.
    static func items(_ sources: [IntakeSource], _ newColumns: [ColumnMap?]) -> () throws(BatchError) -> DiffWorkItem? {
        var sources = sources
        var current = 0
        return { () throws(BatchError) -> DiffWorkItem? in
            while current < sources.count {
                if let item = try sources[current].next() {
                    return DiffWorkItem(
                        content: item.content, file: item.file, format: item.format,
                        oldColumns: item.columns, newColumns: newColumns[current])
                }
                current += 1
            }
            return nil
        }
    }

    private func write(_ warnings: [String]) throws(BatchError) {
        guard let warningSink, !warnings.isEmpty else { return }
        do {
            try warningSink.write(Array(warnings.map { $0 + "\n" }.joined().utf8))
        } catch {
            throw error == .brokenPipe ? BatchError.brokenPipe : BatchError.io(error)
        }
    }
}

/// A chunk of records (or a record the reader found broken) with the
/// column maps of both rule files.
struct DiffWorkItem: Sendable {
    var content: WorkItem.Content
    var file: String
    var format: IntakeFormat
    var oldColumns: ColumnMap?
    var newColumns: ColumnMap?
}

extension DiffWorkItem {
    /// The chunk scored by each rule file's scorer, each with its own
    /// column map.
    func score(_ chunk: IntakeChunk, old: ChunkScorer, new: ChunkScorer) -> (old: ChunkResult, new: ChunkResult) {
        let results =
            format == .csv
            ? (old.scoreCSV(chunk, columns: oldColumns!, file: file), new.scoreCSV(chunk, columns: newColumns!, file: file))
            : (old.scoreNDJSON(chunk, file: file), new.scoreNDJSON(chunk, file: file))
        precondition(results.0.records == results.1.records, "both rule files read the same records")
        return results
    }
}
