import Foundation
import PropertyBased
import StratifyBatch
import StratifyIO
import StratifyRules
import Testing

/// Every input record ends up either scored or reported, never both, never
/// neither: for random intake files mixing valid, invalid, missing, ragged,
/// quoted, NUL, bad UTF-8 and broken rows, read in small chunks on several
/// threads, `scored + rejected == records`, and each data record's number
/// (its identifier in the output, its number in the rejects) appears once.
@Suite struct RecordAccountingTests {
    static let program: Program = {
        let text = SpecSchema.ruleFile(condition: "n1 > 10 or b1", value: "x / n2")
        return SpecSchema.compile(text).program!
    }()

    /// What a generated row should become.
    enum Fate { case scored, rejected }

    struct Row {
        var bytes: [UInt8]
        var fate: Fate
    }

    // MARK: - CSV

    static let csvHeader = "id,n1,x,b1,level,note\n"

    /// Row `k` (from 1): its identifier is `R<k>` unless the row is broken there.
    static func csvRow(_ k: Int, _ choices: inout Choices, last: Bool) -> Row {
        let id = "R\(k)"
        let n1 = choices.next(4) == 0 ? "" : String(choices.next(101))
        let x = ["", "0.5", "-3", "1e3", "999999", "12"][choices.next(6)]
        let b1 = ["", "yes", "no", "TRUE", "0"][choices.next(5)]
        let level = ["", "lo", "MID", "hi"][choices.next(4)]
        let note = ["", "plain", "\"quoted, with a comma\"", "\"two\nlines\"", "\"say \"\"hi\"\"\""][choices.next(5)]
        let eol = choices.next(3) == 0 ? "\r\n" : "\n"
        let blank = choices.next(6) == 0 ? "\n" : ""
        func row(_ fields: [String]) -> [UInt8] { Array((blank + fields.joined(separator: ",") + eol).utf8) }
        switch choices.next(last ? 12 : 11) {
        case 0, 1, 2, 3:
            return Row(bytes: row([id, n1, x, b1, level, note]), fate: .scored)
        case 4:
            return Row(bytes: row(["\"\(id)\"", n1.isEmpty ? "" : "\"\(n1)\"", x, b1, level, note]), fate: .scored)
        case 5:
            let bad = ["500", "abc", "1.5", "-1"][choices.next(4)]
            return Row(bytes: row([id, bad, x, b1, level, note]), fate: .rejected)
        case 6:
            let fields = [id, n1, x, b1, level, note, "extra"]
            return Row(bytes: row(Array(fields.prefix(choices.next(2) == 0 ? 3 : 7))), fate: .rejected)
        case 7:
            return Row(bytes: Array((blank + "\(id),1").utf8) + [0] + Array(",\(x),\(b1),\(level),\(note)\(eol)".utf8), fate: .rejected)
        case 8:
            return Row(bytes: Array((blank + "\(id),\(n1),\(x),\(b1),").utf8) + [0xFF, 0xFE] + Array(",\(note)\(eol)".utf8), fate: .rejected)
        case 9:
            return Row(bytes: row(["", n1, x, b1, level, note]), fate: .rejected)
        case 10:
            return Row(bytes: row([id, n1, x, ["maybe", "2"][choices.next(2)], ["none", "l o"][choices.next(2)], note]), fate: .rejected)
        default:
            // An unterminated quote: only last, as a later quote would close it.
            return Row(bytes: Array((blank + "\(id),\"\(n1),\(x)\n").utf8), fate: .rejected)
        }
    }

    // MARK: - NDJSON

    static func ndjsonRow(_ k: Int, _ choices: inout Choices) -> Row {
        let id = "\"id\":\"R\(k)\""
        var members = [id]
        if choices.next(3) != 0 { members.append("\"n1\":\(choices.next(101))") }
        if choices.next(3) != 0 { members.append("\"x\":\(["0.5", "-3", "\"12\"", "null", "1e3"][choices.next(5)])") }
        if choices.next(3) != 0 { members.append("\"b1\":\(["true", "false", "\"yes\"", "null"][choices.next(4)])") }
        if choices.next(3) != 0 { members.append("\"level\":\(["\"lo\"", "\"HI\"", "null", "\"\""][choices.next(4)])") }
        if choices.next(4) == 0 { members.append("\"note\":\"a \\\"quoted\\\" \\u00e9\\n\"") }
        let blank = choices.next(6) == 0 ? "\n  \n" : ""
        func line(_ text: String) -> [UInt8] { Array((blank + text + "\n").utf8) }
        switch choices.next(10) {
        case 0, 1, 2, 3:
            return Row(bytes: line("{" + members.joined(separator: ",") + "}"), fate: .scored)
        case 4:
            let bad = ["\"n1\":500", "\"n1\":1.5", "\"n1\":[1]", "\"x\":{\"a\":1}", "\"b1\":\"maybe\"", "\"level\":\"none\""][choices.next(6)]
            return Row(bytes: line("{" + (members + [bad]).joined(separator: ",") + "}"), fate: .rejected)
        case 5:
            return Row(bytes: line(["[1,2]", "42", "\"R\(k)\"", "null", "{" + id + ","][choices.next(5)]), fate: .rejected)
        case 6:
            return Row(bytes: line("{" + id + ",\"n1\":\"1\\u0000\"}"), fate: .rejected)
        case 7:
            return Row(bytes: Array((blank + "{" + id + ",\"level\":\"").utf8) + [0xC3, 0x28] + Array("\"}\n".utf8), fate: .rejected)
        case 8:
            return Row(bytes: line("{\"n1\":1}"), fate: .rejected)
        default:
            let depth = 33 + choices.next(100)
            return Row(
                bytes: line("{" + id + ",\"deep\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"),
                fate: .rejected)
        }
    }

    // MARK: - The property

    @Test func everyRecordIsScoredOrReported() async throws {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000).array(of: 0...600), Gen.int(in: 1...3), Gen.bool()) { numbers, jobs, csv in
            var choices = Choices(numbers)
            let count = 1 + choices.next(60)
            var rows: [Row] = []
            for k in 1...count {
                rows.append(csv ? Self.csvRow(k, &choices, last: k == count) : Self.ndjsonRow(k, &choices))
            }
            let bytes = (csv ? Array(Self.csvHeader.utf8) : []) + rows.flatMap(\.bytes)
            let chunk = 16 + choices.next(400)
            do {
                try Self.check(bytes: bytes, rows: rows, format: csv ? .csv : .ndjson, jobs: jobs, chunkBytes: chunk)
            } catch {
                Issue.record("the batch failed: \(error)")
            }
        }
    }

    /// Found by the property: the only input key stands on a line that
    /// repeats it, which is rejected; the file has no usable input.
    @Test func aFileWhoseOnlyInputKeyIsOnARejectedLineIsRefused() throws {
        let lines = [#"{"id":"R1","n1":0,"n1":500}"#, #"{"id":"R2","note":"x"}"#]
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(Self.refusedAsIdentifierOnly(bytes))
        try Self.check(
            bytes: bytes, rows: [Row(bytes: [], fate: .rejected), Row(bytes: [], fate: .scored)],
            format: .ndjson, jobs: 1, chunkBytes: 64)
    }

    static func check(bytes: [UInt8], rows: [Row], format: IntakeFormat, jobs: Int, chunkBytes: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-accounting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent(format == .csv ? "in.csv" : "in.ndjson").path
        let output = directory.appendingPathComponent("out.csv").path
        let rejects = directory.appendingPathComponent("rejects.ndjson").path
        try Data(bytes).write(to: URL(fileURLWithPath: input))

        let program = Self.program
        var runner = BatchRunner(program: program, jobs: jobs) { ScoreFormatter(program: program, format: .csv) }
        runner.chunkOptions = ChunkerOptions(targetChunkBytes: chunkBytes, readBlockBytes: max(1, chunkBytes / 3))
        let outputSink = try ByteSink.createFile(output)
        let rejectSink = RejectSink(sink: try ByteSink.createFile(rejects), format: .ndjson, identifierName: "id")
        let run = { () throws(BatchError) -> BatchSummary in
            try runner.run(inputs: [input], formats: [format], output: outputSink, rejects: rejectSink)
        }
        // An NDJSON file none of whose valid objects has an input besides
        // the identifier is refused whole, as a CSV header with only it is
        // (the generated files are small enough to be sampled whole).
        if format == .ndjson && Self.refusedAsIdentifierOnly(bytes) {
            #expect(throws: BatchError.self) { try run() }
            return
        }
        let summary = try run()

        let scoredIDs = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.prefix { $0 != "," }) }
        var rejected = Set<Int>()
        for line in try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n") {
            let number = line.dropFirst("{\"record\":".count).prefix { $0.isNumber }
            rejected.insert(Int(number)!)
        }
        let file = String(decoding: bytes, as: UTF8.self).debugDescription
        #expect(summary.records == rows.count, "\(summary) for \(rows.count) rows: \(file)")
        #expect(summary.scored + summary.rejected == summary.records)
        #expect(summary.scored == scoredIDs.count)
        #expect(summary.rejected == rejected.count)
        for (index, row) in rows.enumerated() {
            let k = index + 1
            let inOutput = scoredIDs.filter { $0 == "R\(k)" }.count
            let inRejects = rejected.contains(k) ? 1 : 0
            #expect(inOutput + inRejects == 1, "record \(k) is in the output \(inOutput) times and rejected \(inRejects) times: \(file)")
            #expect((row.fate == .scored) == (inOutput == 1), "record \(k) should be \(row.fate): \(file)")
        }
        #expect(rejected.allSatisfy { $0 >= 1 && $0 <= rows.count })
    }

    /// Whether the intake reader refuses these NDJSON bytes whole: some
    /// line is a JSON object it accepts (no repeated key, nesting within
    /// limits), and none has a key that is an input of the test rules
    /// other than the identifier. (With no object at all there is nothing
    /// to judge the keys by: each line is rejected on its own.)
    static func refusedAsIdentifierOnly(_ bytes: [UInt8]) -> Bool {
        let inputs = Set(program.inputs.map(\.name)).subtracting(["id"])
        let parser = JSONLineParser()
        var objects = 0
        let anyInput = bytes.split(separator: 10).contains { line in
            line.withUnsafeBytes { raw in
                guard (try? parser.parse(raw)) != nil else { return false }
                objects += 1
                return parser.members.contains { member in
                    (try? parser.key(of: member, in: raw)).map { inputs.contains(String(decoding: $0, as: UTF8.self)) } ?? false
                }
            }
        }
        return objects > 0 && !anyInput
    }
}
