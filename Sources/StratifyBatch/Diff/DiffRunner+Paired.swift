import StratifyEngine
import StratifyIO
import StratifyRules

/// What scoring one chunk with both rule files gave, for a caller that
/// aggregates the pairs itself (`evaluate --candidate`).
public struct PairedChunk: Sendable {
    /// For each record both rule files scored, in input order: the old
    /// formatter's bytes for it, then the new formatter's.
    public var pairs: [UInt8]
    /// Records read, and those each side (or both) rejected.
    public var read = 0
    public var rejectedOldOnly = 0
    public var rejectedNewOnly = 0
    public var rejectedBoth = 0

    public init(pairs: [UInt8]) {
        self.pairs = pairs
    }
}

extension DiffRunner {
    /// Reads `inputs` once and scores every record with both rule files on
    /// `jobs` threads, as `run` does, but hands `emit` each chunk's pairs of
    /// formatted records, in input order, instead of comparing them. The
    /// formatters (one pair per worker thread) write one record per call.
    public func runPaired(
        inputs: [String], formats: [IntakeFormat?],
        formatters: @escaping @Sendable () -> (old: any RecordFormatter, new: any RecordFormatter),
        emit: @escaping (PairedChunk) throws(BatchError) -> Void
    ) throws(BatchError) {
        let (sources, newColumns) = try openSources(inputs: inputs, formats: formats)
        let pipeline = OrderedPipeline<DiffWorkItem, PairedChunk>(
            window: max(2, jobs * 2), next: Self.items(sources, newColumns), emit: emit)
        let old = self.old, new = self.new
        try pipeline.run(jobs: jobs) {
            let (oldFormatter, newFormatter) = formatters()
            let pairer = ChunkPairer(old: old, new: new, oldFormatter: oldFormatter, newFormatter: newFormatter)
            return { item in pairer.pair(item) }
        }
    }
}

/// Remembers where each record a formatter writes ends, so that the
/// records of both sides can be matched up after the chunk is scored.
private final class RecordEnds: RecordFormatter {
    var inner: any RecordFormatter
    var ends: [Int] = []

    init(_ inner: any RecordFormatter) { self.inner = inner }

    func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        inner.write(evaluator, identifier: identifier, into: &out)
        ends.append(out.count)
    }
}

/// One per worker thread: scores a chunk with both rule files and keeps
/// the records both scored.
private final class ChunkPairer {
    private let oldEnds: RecordEnds
    private let newEnds: RecordEnds
    private let oldScorer: ChunkScorer
    private let newScorer: ChunkScorer

    init(old: Program, new: Program, oldFormatter: any RecordFormatter, newFormatter: any RecordFormatter) {
        oldEnds = RecordEnds(oldFormatter)
        newEnds = RecordEnds(newFormatter)
        oldScorer = ChunkScorer(program: old, formatter: oldEnds)
        newScorer = ChunkScorer(program: new, formatter: newEnds)
    }

    func pair(_ item: DiffWorkItem) -> PairedChunk {
        var result = PairedChunk(pairs: [])
        guard case .chunk(let chunk) = item.content else {
            // A record the reader could not cut out: neither file can score it.
            result.read = 1
            result.rejectedBoth = 1
            return result
        }
        oldEnds.ends.removeAll(keepingCapacity: true)
        newEnds.ends.removeAll(keepingCapacity: true)
        let (old, new) = item.score(chunk, old: oldScorer, new: newScorer)
        result.read = old.records
        let oldRejected = Set(old.rejected.map(\.record))
        let newRejected = Set(new.rejected.map(\.record))
        result.pairs.reserveCapacity(old.output.count + new.output.count)
        old.output.withUnsafeBytes { o in
            new.output.withUnsafeBytes { n in
                var i = 0, j = 0
                for record in stride(from: 1, through: old.records, by: 1) {
                    switch (oldRejected.contains(record), newRejected.contains(record)) {
                    case (true, true): result.rejectedBoth += 1
                    case (true, false):
                        result.rejectedOldOnly += 1
                        j += 1
                    case (false, true):
                        result.rejectedNewOnly += 1
                        i += 1
                    case (false, false):
                        result.pairs.append(contentsOf: o[(i == 0 ? 0 : oldEnds.ends[i - 1])..<oldEnds.ends[i]])
                        result.pairs.append(contentsOf: n[(j == 0 ? 0 : newEnds.ends[j - 1])..<newEnds.ends[j]])
                        i += 1
                        j += 1
                    }
                }
                precondition(i == oldEnds.ends.count && j == newEnds.ends.count, "every scored record is paired")
            }
        }
        return result
    }
}
