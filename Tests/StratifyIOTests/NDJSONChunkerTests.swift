import Testing
@testable import StratifyIO

@Suite("NDJSON chunking")
struct NDJSONChunkerTests {
    struct Line: Equatable {
        var line: Int
        var text: String?  // nil: an error item
    }

    func lines(_ input: [UInt8], options: ChunkerOptions = ChunkerOptions(), readSize: Int = .max) throws -> [Line] {
        let chunker = NDJSONChunker(source: ByteSource(bytes: input, maxReadSize: readSize), options: options)
        var out: [Line] = []
        var sequence = 0
        while let item = try chunker.next() {
            #expect(item.sequenceNumber == sequence)
            sequence += 1
            switch item {
            case .chunk(let c):
                var scanner = NDJSONLineScanner()
                c.bytes.withUnsafeBytes { buf in
                    while let l = scanner.nextLine(in: buf) {
                        out.append(
                            Line(
                                line: c.firstLine + l.lineOffset,
                                text: String(decoding: buf[l.start..<l.end], as: UTF8.self)))
                    }
                }
            case .recordError(let e):
                #expect(e.kind == .recordTooLong)
                out.append(Line(line: e.line, text: nil))
            }
        }
        return out
    }

    @Test func linesCRAndBlankLines() throws {
        let input = bytes("{\"a\":1}\r\n\n  \t\r\n{\"b\":\"x,\\\"y\"}\n{\"c\":2}")
        let expected = [Line(line: 1, text: "{\"a\":1}"), Line(line: 4, text: "{\"b\":\"x,\\\"y\"}"), Line(line: 5, text: "{\"c\":2}")]
        #expect(try lines(input) == expected)
        for size in 1...40 {
            let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 1024)
            #expect(try lines(input, options: options, readSize: size) == expected, "size \(size)")
        }
    }

    @Test func quotesDoNotMatterInNDJSON() throws {
        // An odd number of quotes on a line must not join lines.
        #expect(try lines(bytes("{\"a\n{\"b\":1}\n")) == [Line(line: 1, text: "{\"a"), Line(line: 2, text: "{\"b\":1}")])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try lines([0xEF, 0xBB, 0xBF] + bytes("{}\n")) == [Line(line: 1, text: "{}")])
    }

    @Test func overlongLineIsOneErrorAndIsStreamed() throws {
        let long = "{\"k\":\"" + String(repeating: "x", count: 100_000) + "\"}"
        let input = bytes("{\"a\":1}\n\(long)\r\n{\"b\":2}\n\(long)")
        for size in [1, 7, 64] {
            let options = ChunkerOptions(targetChunkBytes: 16, readBlockBytes: size, maxRecordBytes: 32)
            #expect(
                try lines(input, options: options, readSize: size) == [
                    Line(line: 1, text: "{\"a\":1}"), Line(line: 2, text: nil), Line(line: 3, text: "{\"b\":2}"), Line(line: 4, text: nil),
                ])
        }
    }
}
