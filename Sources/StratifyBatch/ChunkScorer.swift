#if canImport(Glibc)
import Glibc
#endif
import StratifyEngine
import StratifyIO
import StratifyRules
import StratifyCore

/// What one chunk of intake became: its output bytes, its rejected records
/// (numbered within the chunk), how many records it held, and the
/// identifiers of the scored ones (for the writer to find repeats).
struct ChunkResult: Sendable {
    var output: OutputBuffer
    var rejected: [RejectedRecord]
    var records: Int
    var scored: Int
    /// Scored records with more than half of their inputs missing.
    var mostlyMissing = 0
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
    private let csvScanner = CSVRecordScanner()
    /// Knows the inputs' names: each member's key index is its input (a key
    /// such as `Age` by its normalised name, as a CSV header's columns are).
    private let jsonParser: JSONLineParser
    private let required: [Int]
    /// The inputs besides the identifier (those `missing` names), and the
    /// identifier's register, for counting what a record lacks.
    private let inputCount: Int
    private let countedInputs: Int
    private let identifierInput: Int
    /// Whether the batch finds repeated identifiers itself (see
    /// ``RepeatedIdentifierFinder``): then each one is hashed and kept.
    private let checksIdentifiers: Bool
    /// The mutable state, in a box: each access to a stored `var` of a
    /// class costs a dynamic exclusivity check, several per record. `state`
    /// is the box's address, so the record loop reaches it in one load.
    private let stateBox: StateBox<State>
    private let state: UnsafeMutablePointer<State>

    private struct State {
        var formatter: any RecordFormatter
        var lineScanner = NDJSONLineScanner()
        /// The identifier of the current record, when it has to be copied
        /// out of the chunk (NDJSON, or a CSV field with escaped quotes).
        var identifier: [UInt8] = []
        /// Problems of the current record: input index (or -1) and message.
        var problems: [(input: Int, field: String, message: String)] = []
        /// The problems `InputDecoder.readCSVRecord` finds, by column.
        var fieldProblems: [(column: Int, problem: FieldError.Problem)] = []
        /// The problems `InputDecoder.readJSONRecord` finds, by member.
        var memberProblems: [(member: Int, problem: FieldError.Problem)] = []
    }

    init(program: Program, formatter: any RecordFormatter, checksIdentifiers: Bool = true) {
        self.checksIdentifiers = checksIdentifiers
        self.program = program
        self.evaluator = Evaluator(program: program)
        self.decoder = InputDecoder(program: program)
        self.jsonParser = JSONLineParser(keys: program.inputs.map(\.name), normalizingKeys: true)
        self.required = program.inputs.indices.filter { program.inputs[$0].required }
        inputCount = program.inputs.count
        countedInputs = program.missingOrder.count
        identifierInput = program.identifier
        stateBox = StateBox(State(formatter: formatter))
        state = stateBox.pointer
        state.pointee.identifier.reserveCapacity(64)
    }

    // MARK: - CSV

    func scoreCSV(_ chunk: IntakeChunk, columns: ColumnMap, file: String) -> ChunkResult {
        var result = ChunkResult(
            output: OutputBuffer(
                capacity: state.pointee.formatter.outputCapacity(forInputBytes: chunk.bytes.count) ?? chunk.bytes.count + chunk.bytes.count / 2),
            rejected: [], records: 0, scored: 0)
        let registers = evaluator.inputRegisters
        let identifierColumn = columns.identifierColumn
        chunk.bytes.withUnsafeBytes { buffer in
            columns.inputs.withUnsafeBufferPointer { inputs in
                csvScanner.reset()
                while let record = csvScanner.nextRecord(in: buffer) {
                    result.records += 1
                    let line = chunk.firstLine + record.lineOffset
                    state.pointee.problems.removeAll(keepingCapacity: true)
                    evaluator.clearInputs()
                    let fieldCount = record.fieldCount
                    // The identifier first, so that every report can name it:
                    // in place in the chunk, or copied when unescaped (the
                    // scanner's scratch is reused by the next field).
                    var identifier = UnsafeRawBufferPointer(start: nil, count: 0)
                    var copiedIdentifier = false
                    if identifierColumn >= 0, identifierColumn < fieldCount {
                        let field = csvScanner[field: identifierColumn]
                        let value = csvScanner.value(of: field, in: buffer)
                        if !(record.hasNUL || record.hasNonASCII) || (UTF8Validation.isValid(value) && !Self.containsNUL(value)) {
                            if field.hasEscapedQuotes {
                                state.pointee.identifier.removeAll(keepingCapacity: true)
                                state.pointee.identifier.append(contentsOf: value)
                                copiedIdentifier = true
                            } else {
                                identifier = value
                            }
                        }
                    }
                    if let error = record.error {
                        // A field over the size limit is named by its column.
                        let field =
                            error.kind == .fieldTooLong && error.detail >= 1 && error.detail <= columns.names.count
                            ? columns.names[error.detail - 1] : ""
                        state.pointee.problems.append((-1, field, error.message))
                    } else if fieldCount != inputs.count {
                        state.pointee.problems.append((-1, "", "the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s"), the header has \(inputs.count)"))
                    } else if !(record.hasNUL || record.hasNonASCII) {
                        decoder.readCSVRecord(
                            csvScanner.fields, in: buffer, scanner: csvScanner, plan: columns.plan, into: registers,
                            problems: &state.pointee.fieldProblems)
                        if !state.pointee.fieldProblems.isEmpty {
                            for (column, problem) in state.pointee.fieldProblems {
                                let input = inputs[column]
                                let value = csvScanner.value(of: csvScanner[field: column], in: buffer)
                                state.pointee.problems.append(
                                    (input, program.inputs[input].name, decoder.message(for: FieldError(problem, value), input: input)))
                            }
                            state.pointee.fieldProblems.removeAll(keepingCapacity: true)
                        }
                    } else {
                        // Bytes that may not be text: each value is checked first.
                        for column in 0..<fieldCount {
                            let input = inputs[column]
                            guard input >= 0 else { continue }
                            let value = csvScanner.value(of: csvScanner[field: column], in: buffer)
                            if let problem = Self.encodingProblem(value) {
                                state.pointee.problems.append((input, program.inputs[input].name, problem))
                                continue
                            }
                            if let problem = decoder.read(value, input: input, into: registers) {
                                state.pointee.problems.append(
                                    (input, program.inputs[input].name, decoder.message(for: FieldError(problem, value), input: input)))
                            }
                        }
                    }
                    if copiedIdentifier {
                        state.pointee.identifier.withUnsafeBytes { copy in
                            finish(record: result.records, line: line, file: file, identifier: copy, into: &result)
                        }
                    } else {
                        finish(record: result.records, line: line, file: file, identifier: identifier, into: &result)
                    }
                }
            }
        }
        return result
    }

    // MARK: - NDJSON

    func scoreNDJSON(_ chunk: IntakeChunk, file: String) -> ChunkResult {
        var result = ChunkResult(
            output: OutputBuffer(capacity: state.pointee.formatter.outputCapacity(forInputBytes: chunk.bytes.count) ?? chunk.bytes.count + 1024),
            rejected: [], records: 0, scored: 0)
        let identifierInput = program.identifier
        let registers = evaluator.inputRegisters
        chunk.bytes.withUnsafeBytes { buffer in
            state.pointee.lineScanner.reset()
            while let line = state.pointee.lineScanner.nextLine(in: buffer) {
                result.records += 1
                let lineBytes = UnsafeRawBufferPointer(rebasing: buffer[line.start..<line.end])
                state.pointee.problems.removeAll(keepingCapacity: true)
                state.pointee.identifier.removeAll(keepingCapacity: true)
                evaluator.clearInputs()
                do throws(JSONParseError) {
                    try jsonParser.parse(lineBytes)
                    copyIdentifier(input: identifierInput, line: lineBytes)
                    decoder.readJSONRecord(jsonParser, line: lineBytes, into: registers, problems: &state.pointee.memberProblems)
                    if !state.pointee.memberProblems.isEmpty {
                        reportMemberProblems(line: lineBytes)
                    }
                } catch {
                    state.pointee.problems.append((-1, "", "column \(error.column): \(error.message)"))
                }
                state.pointee.identifier.withUnsafeBytes { identifier in
                    finish(record: result.records, line: chunk.firstLine + line.lineOffset, file: file, identifier: identifier, into: &result)
                }
            }
        }
        return result
    }

    /// Copies the value of the identifier's member, if the line has one
    /// that is a single value: unescaping reuses the parser's scratch.
    private func copyIdentifier(input: Int, line: UnsafeRawBufferPointer) {
        for member in jsonParser.members where Int(member.keyIndex) == input {
            switch member.kind {
            case .string:
                guard let value = try? jsonParser.stringValue(of: member, in: line), !Self.containsNUL(value) else { return }
                state.pointee.identifier.append(contentsOf: value)
            case .number, .true, .false:
                state.pointee.identifier.append(contentsOf: jsonParser.rawValue(of: member, in: line))
            case .null, .array, .object:
                break
            }
            return
        }
    }

    /// Turns the problems `readJSONRecord` found into messages.
    private func reportMemberProblems(line: UnsafeRawBufferPointer) {
        let members = jsonParser.members
        for (index, problem) in state.pointee.memberProblems {
            let member = members[index]
            let input = Int(member.keyIndex)
            let error: FieldError
            switch member.kind {
            case .array: error = FieldError(problem, shownValue: "an array")
            case .object: error = FieldError(problem, shownValue: "an object")
            case .string:
                let value = (try? jsonParser.stringValue(of: member, in: line)) ?? jsonParser.rawValue(of: member, in: line)
                error = FieldError(problem, value)
            default: error = FieldError(problem, jsonParser.rawValue(of: member, in: line))
            }
            state.pointee.problems.append((input, program.inputs[input].name, decoder.message(for: error, input: input)))
        }
        state.pointee.memberProblems.removeAll(keepingCapacity: true)
    }

    // MARK: - Shared

    /// Rejects the record if anything is wrong with it, or scores it.
    @inline(__always)
    private func finish(record: Int, line: Int, file: String, identifier: UnsafeRawBufferPointer, into result: inout ChunkResult) {
        if state.pointee.problems.isEmpty {
            for input in required where evaluator.registerValues[input].isNaN {
                state.pointee.problems.append((input, program.inputs[input].name, "a value is required"))
            }
        }
        if !state.pointee.problems.isEmpty {
            let id = String(decoding: identifier, as: UTF8.self)
            for problem in state.pointee.problems {
                result.rejected.append(
                    RejectedRecord(
                        record: record, file: file, line: line, identifier: id, field: problem.field, message: problem.message))
            }
            return
        }
        evaluator.evaluate()
        result.mostlyMissing &+= missingInputs() &* 2 > countedInputs ? 1 : 0
        if result.scored > 0 { state.pointee.formatter.separator(into: &result.output) }
        state.pointee.formatter.write(evaluator, identifier: identifier, into: &result.output)
        if result.identifiers.count == 0 { result.identifiers.file = file }
        if checksIdentifiers {
            result.identifiers.append(identifier, record: record, line: line)
        } else {
            result.identifiers.appendPosition(record: record, line: line)
        }
        result.scored += 1
    }

    /// How many inputs besides the identifier the record lacks. The
    /// inputs are registers `0..<inputCount`: one pass over contiguous
    /// doubles with no branch on the values, which the compiler vectorizes.
    @inline(__always)
    private func missingInputs() -> Int {
        let r = UnsafeRawPointer(evaluator.registerValues.baseAddress!)
        // Eight registers a step: a NaN is the one value unequal to itself,
        // and the lanes of the comparison mask are -1 where it holds.
        var lanes = SIMD8<Int64>()
        var index = 0
        while index &+ 8 <= inputCount {
            let values = r.loadUnaligned(fromByteOffset: index &* 8, as: SIMD8<Double>.self)
            lanes &-= unsafeBitCast(values .!= values, to: SIMD8<Int64>.self)
            index &+= 8
        }
        var missing = Int(lanes.wrappedSum())
        let d = r.assumingMemoryBound(to: Double.self)
        while index < inputCount {
            missing &+= d[index] != d[index] ? 1 : 0
            index &+= 1
        }
        let identifier = d[identifierInput]
        return missing &- (identifier != identifier ? 1 : 0)
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
            return "is not valid UTF-8 (\(EncodingHint.describeInvalidUTF8(in: value, at: offset)))"
        }
        return nil
    }
}
