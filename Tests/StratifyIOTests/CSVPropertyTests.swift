import StratifyTestSupport
import Testing
@testable import StratifyIO

/// Random CSV-like inputs, full of the awkward cases (quotes in every
/// position, CR, CRLF, blank lines, stray and unterminated quotes, NUL,
/// non-ASCII), parsed whole and in pieces cut at every offset.
@Suite("CSV chunking properties")
struct CSVPropertyTests {
    static let tokens: [String] = [
        "a", "bc", "1", ",", ",", ",", "\"", "\"\"", "\"x,y\"", "\n", "\n", "\r\n", "\r", " ", "é", "\0",
        "\"q\nq\"", "\n\n",
    ]

    static func randomInput(_ rng: inout SplitMix64, maxTokens: Int) -> [UInt8] {
        let count = Int.random(in: 0...maxTokens, using: &rng)
        var out: [UInt8] = []
        if Int.random(in: 0..<8, using: &rng) == 0 { out += [0xEF, 0xBB, 0xBF] }
        for _ in 0..<count {
            out += bytes(tokens.randomElement(using: &rng)!)
        }
        return out
    }

    /// Without length limits in play, the chunker plus scanner must find
    /// exactly the records the scanner finds in the whole input, whatever
    /// the block and chunk sizes.
    @Test func chunkedEqualsWhole() throws {
        var rng = SplitMix64(seed: 42)
        for round in 0..<250 {
            let input = Self.randomInput(&rng, maxTokens: 40)
            let reference = directCSV(input)
            for size in 1...64 where size <= max(input.count, 1) + 1 || size % 16 == 0 {
                let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 1 << 12)
                let parse = try chunkedCSV(input, options: options, readSize: size)
                #expect(parse.events == reference, "round \(round), size \(size): \(String(decoding: input, as: UTF8.self).debugDescription)")
                if parse.events != reference { return }
            }
        }
    }

    /// With small record limits, the outcome (including which records are
    /// too long or unterminated) must not depend on where blocks end.
    @Test func limitsDoNotDependOnBlockBoundaries() throws {
        var rng = SplitMix64(seed: 7)
        for round in 0..<200 {
            let input = Self.randomInput(&rng, maxTokens: 60)
            let maxRecord = Int.random(in: 1...24, using: &rng)
            let whole = try chunkedCSV(
                input,
                options: ChunkerOptions(
                    targetChunkBytes: 1 << 16, readBlockBytes: 1 << 16,
                    maxRecordBytes: maxRecord))
            for size in [1, 2, 3, 5, 8, 13, 21, 34] {
                let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: maxRecord)
                let parse = try chunkedCSV(input, options: options, readSize: size)
                #expect(
                    parse.events == whole.events, "round \(round), size \(size), max \(maxRecord): \(String(decoding: input, as: UTF8.self).debugDescription)")
                if parse.events != whole.events { return }
            }
            // Every record the chunker delivered respects the limit.
            for e in whole.events where e.fields != nil {
                #expect(e.fields!.joined(separator: ",").utf8.count <= maxRecord + 2 * e.fields!.count + 2)
            }
        }
    }

    /// Every physical line is accounted for: each is in a delivered record,
    /// in an error record, or blank.
    @Test func lineNumbersAreIncreasingAndInRange() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<200 {
            let input = Self.randomInput(&rng, maxTokens: 40)
            let parse = try chunkedCSV(input, options: ChunkerOptions(targetChunkBytes: 3, readBlockBytes: 2, maxRecordBytes: 8), readSize: 2)
            let lines = input.filter { $0 == 10 }.count + 1
            var previous = 0
            for e in parse.events {
                #expect(e.line > previous && e.line <= lines)
                previous = e.line
            }
        }
    }
}

/// The word-at-a-time path (64-byte windows) must agree with the byte loop
/// on everything: fields, flags, errors, line numbers.
@Suite("CSV fast path")
struct CSVFastPathTests {
    func scan(_ input: [UInt8], wordScan: Bool, maxField: Int = 1 << 16) -> [Event] {
        let scanner = CSVRecordScanner(options: CSVScannerOptions(maxFieldBytes: maxField))
        scanner.state.value.usesWordScan = wordScan
        var events = scanChunk(input, firstLine: 1, scanner: scanner)
        // Also compare the raw spans and record extents.
        input.withUnsafeBytes { buf in
            scanner.reset()
            var i = 0
            while let r = scanner.nextRecord(in: buf) {
                events[i].fields =
                    (events[i].fields ?? []) + ["@\(r.start)-\(r.end)/\(r.lineCount)"]
                    + scanner.fields.map { "\($0.start):\($0.end):\($0.isQuoted):\($0.hasEscapedQuotes)" }
                i += 1
            }
        }
        return events
    }

    @Test func wordScanEqualsByteLoop() {
        var rng = SplitMix64(seed: 2024)
        let common = ["a", "bc", "12", "x y", ",", ",", ",", ",", "\n", "\r\n"]
        let rare = ["\"", "\"\"", "\"q,\nq\"", "\0", "é", "\r", "\n\n", "\"x\"y", String(repeating: "z", count: 70)]
        for round in 0..<400 {
            var text: [UInt8] = []
            let count = Int.random(in: 0...300, using: &rng)
            let rareRate = [0, 2, 10, 50][round % 4]
            for _ in 0..<count {
                let pick = Int.random(in: 0..<1000, using: &rng) < rareRate ? rare : common
                text += bytes(pick.randomElement(using: &rng)!)
            }
            let maxField = [3, 1 << 16][round % 2]
            let fast = scan(text, wordScan: true, maxField: maxField)
            let slow = scan(text, wordScan: false, maxField: maxField)
            #expect(fast == slow, "round \(round): \(String(decoding: text, as: UTF8.self).debugDescription)")
            if fast != slow { return }
        }
    }

    @Test func quoteDenseInputs() {
        var rng = SplitMix64(seed: 77)
        let tokens = [
            "\"abc\"", "\"a,b\"", "\"x\"\"y\"", "\"\"", "\"\"\"\"", "plain", ",", ",", ",", "\n", "\r\n",
            "\"é\"", "\"\0\"", "\"q\nq\"", "\"z\"w", "a\"b", "\"tail\"\r", String(repeating: "\"long,\"\"text\"", count: 1),
        ]
        for round in 0..<500 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...400, using: &rng) {
                text += bytes(tokens.randomElement(using: &rng)!)
            }
            let maxField = [5, 1 << 16][round % 2]
            let fast = scan(text, wordScan: true, maxField: maxField)
            let slow = scan(text, wordScan: false, maxField: maxField)
            #expect(fast == slow, "round \(round): \(String(decoding: text, as: UTF8.self).debugDescription)")
            if fast != slow { return }
        }
    }

    @Test func flagsAtWindowEdges() {
        // A NUL or non-ASCII byte at every offset of a long record, next to
        // records without them: the flag must land on the right record.
        for special in [[UInt8(0)], [0xC3, 0xA9]] {
            for offset in 0..<140 {
                var line = [UInt8](repeating: 0x61, count: 140)
                for k in stride(from: 5, to: 140, by: 7) { line[k] = 0x2C }
                line.replaceSubrange(offset..<offset + 1, with: special)
                let plain = bytes("p,q\n")
                let input = plain + line + [10] + plain + plain
                let fast = scan(input, wordScan: true)
                #expect(fast == scan(input, wordScan: false))
                let flags = fast.map { special.count == 1 ? $0.hasNUL : $0.hasNonASCII }
                #expect(flags == [false, true, false, false], "offset \(offset)")
            }
        }
    }
}

/// Long inputs with dense quoting, so the chunker's 64-byte window path
/// (and its hand-over to and from the memchr path) is exercised.
@Suite("CSV chunking properties, long inputs")
struct CSVLongInputPropertyTests {
    static let tokens: [String] = [
        "\"a\"", "\"b,c\"", "\"x\"\"y\"", "\"\"", ",", ",", ",", "\n", "\r\n", "plain", "1", "\"q\nq\"",
        "\"", "é", "\n\n", "\"z\"w",
    ]

    static func input(_ rng: inout SplitMix64, tokens count: Int) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<count { out += bytes(tokens.randomElement(using: &rng)!) }
        return out
    }

    @Test func chunkedEqualsWholeOnLongInputs() throws {
        var rng = SplitMix64(seed: 11)
        for round in 0..<150 {
            let text = Self.input(&rng, tokens: Int.random(in: 50...500, using: &rng))
            let reference = directCSV(text)
            for block in [1, 7, 63, 64, 65, 100, 257, 1 << 16] {
                let options = ChunkerOptions(targetChunkBytes: block, readBlockBytes: block, maxRecordBytes: 1 << 14)
                let parse = try chunkedCSV(text, options: options, readSize: block)
                #expect(parse.events == reference, "round \(round), block \(block)")
                if parse.events != reference { return }
            }
        }
    }

    @Test func limitsOnLongInputs() throws {
        var rng = SplitMix64(seed: 12)
        for round in 0..<150 {
            let text = Self.input(&rng, tokens: Int.random(in: 50...500, using: &rng))
            let maxRecord = Int.random(in: 4...200, using: &rng)
            let whole = try chunkedCSV(
                text,
                options: ChunkerOptions(
                    targetChunkBytes: 1 << 16, readBlockBytes: 1 << 16,
                    maxRecordBytes: maxRecord))
            for block in [1, 5, 64, 97, 300] {
                let options = ChunkerOptions(targetChunkBytes: block, readBlockBytes: block, maxRecordBytes: maxRecord)
                let parse = try chunkedCSV(text, options: options, readSize: block)
                #expect(parse.events == whole.events, "round \(round), block \(block), max \(maxRecord)")
                if parse.events != whole.events { return }
            }
        }
    }
}
