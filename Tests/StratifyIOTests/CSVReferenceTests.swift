import StratifyTestSupport
import Testing
@testable import StratifyIO

/// The chunker and both paths of the scanner against the plain reference
/// parser, on the same generated inputs: every record before the first
/// malformed one must have the same first line and the same fields, and
/// the malformed one must be reported as an error on its line.
@Suite("CSV against the RFC 4180 reference")
struct CSVReferenceTests {
    static let plainFields = ["", "a", "xyz", "1.5", "é", "a\"b", "a\rb", "\0", String(repeating: "w", count: 70)]
    static let quotedPieces = ["", "a", ",", "\"\"", "\n", "\r\n", "\r", "x y", String(repeating: "q", count: 40)]
    static let malformed = ["\"open", "\"ab\"c", "\"ab\"\rc", "\"a\nb\"c"]

    /// Records of plain and quoted fields with LF or CR LF between them,
    /// blank lines, a last line with or without its end, and in one input
    /// of five a malformed field somewhere.
    static func generatedInput(_ rng: inout SplitMix64) -> [UInt8] {
        var text = ""
        let recordCount = Int.random(in: 0...12, using: &rng)
        let brokenRecord = Int.random(in: 0..<5, using: &rng) == 0 ? Int.random(in: 0..<max(1, recordCount), using: &rng) : -1
        for record in 0..<recordCount {
            if Int.random(in: 0..<8, using: &rng) == 0 { text += ["\n", "\r\n"].randomElement(using: &rng)! }
            var fields: [String] = []
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                if Bool.random(using: &rng) {
                    fields.append(plainFields.randomElement(using: &rng)!)
                } else {
                    let pieces = (0..<Int.random(in: 0...4, using: &rng)).map { _ in quotedPieces.randomElement(using: &rng)! }
                    fields.append("\"" + pieces.joined() + "\"")
                }
            }
            if record == brokenRecord {
                fields.insert(malformed.randomElement(using: &rng)!, at: Int.random(in: 0...fields.count, using: &rng))
            }
            text += fields.joined(separator: ",")
            let isLast = record == recordCount - 1
            text += isLast ? ["", "\n", "\r\n", "\r"].randomElement(using: &rng)! : ["\n", "\r\n"].randomElement(using: &rng)!
        }
        return bytes(text)
    }

    /// Whether `events` agree with the reference's reading of `input`.
    static func agree(_ events: [Event], with reference: (records: [CSVReferenceParser.Record], malformedLine: Int?)) -> Bool {
        let valid = events.prefix(reference.records.count)
        guard valid.count == reference.records.count,
            zip(valid, reference.records).allSatisfy({ $0.errorKind == nil && $0.line == $1.line && $0.fields == $1.fields })
        else { return false }
        guard let line = reference.malformedLine else { return events.count == reference.records.count }
        guard events.count > reference.records.count else { return false }
        let broken = events[reference.records.count]
        return broken.errorKind != nil && broken.line == line
    }

    static func check(_ input: [UInt8], _ label: String) throws -> Bool {
        var text = input
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }  // the chunker drops a BOM
        let reference = CSVReferenceParser.parse(text)
        let show = "\(label): \(String(decoding: input, as: UTF8.self).debugDescription)"
        for wordScan in [true, false] {
            let scanner = CSVRecordScanner()
            scanner.state.value.usesWordScan = wordScan
            let events = scanChunk(text, firstLine: 1, scanner: scanner)
            #expect(agree(events, with: reference), "scanner, word path \(wordScan), \(show)\n\(events)\n\(reference)")
            if !agree(events, with: reference) { return false }
        }
        // Chunks as small as one byte put field and record boundaries at
        // every offset, inside quotes and between CR and LF.
        for size in [1, 2, 3, 7, 64, 1 << 16] {
            let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 1 << 12)
            let events = try chunkedCSV(input, options: options, readSize: size).events
            #expect(agree(events, with: reference), "chunker, size \(size), \(show)\n\(events)\n\(reference)")
            if !agree(events, with: reference) { return false }
        }
        return true
    }

    @Test func generatedRecords() throws {
        var rng = SplitMix64(seed: 4180)
        for round in 0..<400 {
            guard try Self.check(Self.generatedInput(&rng), "round \(round)") else { return }
        }
    }

    /// The token soup of the chunking properties (stray quotes anywhere,
    /// lone CRs, NUL, BOM), which is malformed more often than not.
    @Test func randomTokens() throws {
        var rng = SplitMix64(seed: 1804)
        for round in 0..<300 {
            guard try Self.check(CSVPropertyTests.randomInput(&rng, maxTokens: 40), "round \(round)") else { return }
        }
    }

    @Test func referenceReadsTheDocumentedCases() {
        #expect(
            CSVReferenceParser.parse(bytes("a,\"b,\"\"c\"\r\n\n\"x\ny\",\r")).records == [
                .init(line: 1, fields: ["a", "b,\"c"]), .init(line: 3, fields: ["x\ny", ""]),
            ])
        #expect(CSVReferenceParser.parse(bytes("a\rb,c\"d\n")).records == [.init(line: 1, fields: ["a\rb", "c\"d"])])
        #expect(CSVReferenceParser.parse(bytes("ok\n\"ab\"c\n")).malformedLine == 2)
        #expect(CSVReferenceParser.parse(bytes("ok\n\n\"open\n")).malformedLine == 3)
    }
}
