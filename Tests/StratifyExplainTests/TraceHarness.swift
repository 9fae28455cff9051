import Foundation
import StratifyBatch
import StratifyCore
import StratifyEngine
import StratifyExplain
import StratifyIO
import StratifyRules
import StratifyTestSupport
import StratifyYAML
import Synchronization

/// Runs intake files through the batch pipeline with a formatter that keeps,
/// for each scored record, its `Trace`, its `score` output line (CSV) and
/// its JSON trace: three readings of one evaluation, for tests to compare.
enum TraceHarness {
    static let program = RepositoryFixtures.defaultProgram
    static let plan = TracePlan(program: program)

    struct Record: @unchecked Sendable {
        var trace: Trace
        /// The `score` CSV line, without the newline.
        var score: String
        /// The JSON trace, parsed.
        var json: [String: Any]
        /// The JSON trace as written.
        var jsonLine: String
    }

    final class Collector: Sendable {
        let records = Mutex<[Record]>([])
    }

    struct CollectingFormatter: RecordFormatter {
        var builder: TraceBuilder
        var score: ScoreFormatter
        var json: TraceJSONFormatter
        let collector: Collector

        mutating func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
            let trace = builder.trace(e, identifier: String(decoding: identifier, as: UTF8.self))
            var line = OutputBuffer(capacity: 512)
            score.write(e, identifier: identifier, into: &line)
            var jsonBuffer = OutputBuffer(capacity: 16 << 10)
            json.write(e, identifier: identifier, into: &jsonBuffer)
            let jsonLine = String(decoding: jsonBuffer.bytes, as: UTF8.self)
            let object = (try? JSONSerialization.jsonObject(with: Data(jsonBuffer.bytes))) as? [String: Any] ?? [:]
            let record = Record(
                trace: trace, score: String(decoding: line.bytes.dropLast(), as: UTF8.self), json: object, jsonLine: jsonLine)
            collector.records.withLock { $0.append(record) }
        }
    }

    /// Every scored record of `inputs`, in input order.
    static func run(_ inputs: [String], whatIf: Bool = false, program: Program = program, plan: TracePlan = plan) throws -> [Record] {
        let collector = Collector()
        let runner = BatchRunner(program: program, jobs: 1) {
            CollectingFormatter(
                builder: TraceBuilder(plan: plan, whatIf: whatIf), score: ScoreFormatter(program: program, format: .csv),
                json: TraceJSONFormatter(plan: plan, whatIf: whatIf), collector: collector)
        }
        let rejects = RejectSink(sink: try ByteSink.createFile("/dev/null"), format: .csv, identifierName: "id")
        _ = try runner.run(
            inputs: inputs, formats: inputs.map { IntakeFormat.detect(path: $0)! },
            output: try ByteSink.createFile("/dev/null"), rejects: rejects)
        return collector.records.withLock { $0 }
    }
}
