import StratifyEngine
import StratifyIO

/// Writes one evaluated record to an output buffer. `score` writes the
/// output columns; `explain` writes a trace. Formatters run on worker
/// threads, one per thread.
public protocol RecordFormatter: SendableMetatype {
    /// Written once before the first record (a CSV header, `[`).
    func header(into out: inout OutputBuffer)
    /// Written between two records (`,` in a JSON array).
    func separator(into out: inout OutputBuffer)
    /// Written once at the end (`]`).
    func footer(into out: inout OutputBuffer)
    /// The record whose evaluation is in `evaluator`.
    mutating func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer)
    /// The output buffer to reserve for a chunk of this many intake bytes;
    /// nil for the default (output about the size of the intake).
    func outputCapacity(forInputBytes count: Int) -> Int?
}

extension RecordFormatter {
    public func header(into out: inout OutputBuffer) {}
    public func separator(into out: inout OutputBuffer) {}
    public func footer(into out: inout OutputBuffer) {}
    public func outputCapacity(forInputBytes count: Int) -> Int? { nil }
}
