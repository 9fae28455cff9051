#if canImport(Glibc)
import Glibc
#endif
import StratifyEngine
import StratifyIO
import StratifyRules

/// What one chunk of intake became: its output bytes, its rejected records
/// (numbered within the chunk), how many records it held, and the
/// identifiers of the scored ones (for the writer to find repeats).
struct ChunkResult: Sendable {
    var output: OutputBuffer
    var rejected: [RejectedRecord]
    var records: Int
    var scored: Int
    var identifiers = ScoredIdentifiers()
}

/// Reads, validates, evaluates and formats the records of one chunk. Each
/// worker thread owns one, with its own evaluator and buffers, so that
/// chunks are processed in parallel without sharing anything mutable.
///
/// Not generic over the formatter on purpose: the scorer is made in the CLI
/// module, where a generic type would run unspecialized (value-witness
/// copies of the formatter per record). One dynamic call per record is cheaper.
final class ChunkScorer {
    private let program: Program
    private let evaluator: Evaluator
    private let decoder: InputDecoder
    private var formatter: any RecordFormatter
    private let csvScanner = CSVRecordScanner()
    private let jsonParser = JSONLineParser()
    private var lineScanner = NDJSONLineScanner()
    private let inputNames: InputNameTable
    private let required: [Int]
    /// The identifier of the current record, copied out of the chunk.
    private var identifier: [UInt8] = []
    /// Problems of the current record: input index (or -1) and message.
    private var problems: [(input: Int, field: String, message: String)] = []

    init(program: Program, formatter: any RecordFormatter) {
        self.program = program
        self.evaluator = Evaluator(program: program)
        self.decoder = InputDecoder(program: program)
        self.formatter = formatter
        self.inputNames = InputNameTable(program.inputs.map(\.name))
        self.required = program.inputs.indices.filter { program.inputs[$0].required }
        identifier.reserveCapacity(64)
    }

    // MARK: - CSV

    func scoreCSV(_ chunk: IntakeChunk, columns: ColumnMap, file: String) -> ChunkResult {
        var result = ChunkResult(
            output: OutputBuffer(capacity: formatter.outputCapacity(forInputBytes: chunk.bytes.count) ?? chunk.bytes.count + chunk.bytes.count / 2),
            rejected: [], records: 0, scored: 0)
        let identifierInput = program.identifier
        let registers = evaluator.registers
        chunk.bytes.withUnsafeBytes { buffer in
            csvScanner.reset()
            while let record = csvScanner.nextRecord(in: buffer) {
                result.records += 1
                let line = chunk.firstLine + record.lineOffset
                problems.removeAll(keepingCapacity: true)
                identifier.removeAll(keepingCapacity: true)
                evaluator.clearInputs()
                let fieldCount = record.fieldCount
                // The identifier first, so that every report can name it.
                for column in 0..<min(fieldCount, columns.inputs.count) where columns.inputs[column] == identifierInput {
                    let value = csvScanner.value(of: csvScanner[field: column], in: buffer)
                    if UTF8Validation.isValid(value), !Self.containsNUL(value) {
                        identifier.append(contentsOf: value)
                    }
                }
                if let error = record.error {
                    // A field over the size limit is named by its column.
                    let field = error.kind == .fieldTooLong && error.detail >= 1 && error.detail <= columns.names.count
                        ? columns.names[error.detail - 1] : ""
                    problems.append((-1, field, error.message))
                } else if fieldCount != columns.inputs.count {
                    problems.append((-1, "", "the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s"), the header has \(columns.inputs.count)"))
                } else {
                    for column in 0..<fieldCount {
                        let input = columns.inputs[column]
                        guard input >= 0 else { continue }
                        let value = csvScanner.value(of: csvScanner[field: column], in: buffer)
                        if record.hasNUL || record.hasNonASCII, let problem = Self.encodingProblem(value) {
                            problems.append((input, program.inputs[input].name, problem))
                            continue
                        }
                        if let problem = decoder.read(value, input: input, into: registers) {
                            problems.append((input, program.inputs[input].name, decoder.message(for: FieldError(problem, value), input: input)))
                        }
                    }
                }
                finish(record: result.records, line: line, file: file, into: &result)
            }
        }
        return result
    }

    // MARK: - NDJSON

    func scoreNDJSON(_ chunk: IntakeChunk, file: String) -> ChunkResult {
        var result = ChunkResult(
            output: OutputBuffer(capacity: formatter.outputCapacity(forInputBytes: chunk.bytes.count) ?? chunk.bytes.count / 2 + 1024),
            rejected: [], records: 0, scored: 0)
        let identifierInput = program.identifier
        let registers = evaluator.registers
        chunk.bytes.withUnsafeBytes { buffer in
            lineScanner.reset()
            while let line = lineScanner.nextLine(in: buffer) {
                result.records += 1
                let lineBytes = UnsafeRawBufferPointer(rebasing: buffer[line.start..<line.end])
                problems.removeAll(keepingCapacity: true)
                identifier.removeAll(keepingCapacity: true)
                evaluator.clearInputs()
                do throws(JSONParseError) {
                    try jsonParser.parse(lineBytes)
                    for member in jsonParser.members {
                        let key = try jsonParser.key(of: member, in: lineBytes)
                        guard let input = inputNames.index(of: key) else { continue }
                        let value: UnsafeRawBufferPointer
                        switch member.kind {
                        case .string:
                            value = try jsonParser.stringValue(of: member, in: lineBytes)
                            if Self.containsNUL(value) {
                                problems.append((input, program.inputs[input].name, "contains a NUL character"))
                                continue
                            }
                        case .number, .true, .false:
                            value = jsonParser.rawValue(of: member, in: lineBytes)
                        case .null:
                            value = UnsafeRawBufferPointer(start: nil, count: 0)
                        case .array, .object:
                            let error = FieldError(.notSingleValue, shownValue: member.kind == .array ? "an array" : "an object")
                            problems.append((input, program.inputs[input].name, decoder.message(for: error, input: input)))
                            continue
                        }
                        if input == identifierInput { identifier.append(contentsOf: value) }
                        if let problem = decoder.read(value, input: input, into: registers) {
                            problems.append((input, program.inputs[input].name, decoder.message(for: FieldError(problem, value), input: input)))
                        }
                    }
                } catch {
                    problems.append((-1, "", "column \(error.column): \(error.message)"))
                }
                finish(record: result.records, line: chunk.firstLine + line.lineOffset, file: file, into: &result)
            }
        }
        return result
    }

    // MARK: - Shared

    /// Rejects the record if anything is wrong with it, or scores it.
    @inline(__always)
    private func finish(record: Int, line: Int, file: String, into result: inout ChunkResult) {
        if problems.isEmpty {
            for input in required where evaluator.registers[input].isNaN {
                problems.append((input, program.inputs[input].name, "a value is required"))
            }
        }
        if !problems.isEmpty {
            let id = String(decoding: identifier, as: UTF8.self)
            for problem in problems {
                result.rejected.append(RejectedRecord(
                    record: record, file: file, line: line, identifier: id, field: problem.field, message: problem.message))
            }
            return
        }
        evaluator.evaluate()
        if result.scored > 0 { formatter.separator(into: &result.output) }
        identifier.withUnsafeBytes { identifier in
            formatter.write(evaluator, identifier: identifier, into: &result.output)
            if result.identifiers.count == 0 { result.identifiers.file = file }
            result.identifiers.append(identifier, record: record, line: line)
        }
        result.scored += 1
    }

    @inline(__always)
    private static func containsNUL(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let base = value.baseAddress, !value.isEmpty else { return false }
        return memchr(base, 0, value.count) != nil
    }

    private static func encodingProblem(_ value: UnsafeRawBufferPointer) -> String? {
        if let nul = value.firstIndex(of: 0) {
            return "contains a NUL byte at position \(nul + 1)"
        }
        if let offset = UTF8Validation.firstInvalidOffset(in: value) {
            return "is not valid UTF-8 (byte 0x\(String(value[offset], radix: 16, uppercase: true)) at position \(offset + 1))"
        }
        return nil
    }
}
