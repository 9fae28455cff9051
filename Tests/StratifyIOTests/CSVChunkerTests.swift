import Glibc
import Testing
@testable import StratifyIO

@Suite("CSV chunking")
struct CSVChunkerTests {
    static let sample = bytes(
        "id,\"na,me\",note\r\n" + "1,\"a \"\"quoted\"\" word\",x\r\n" + "\n" + "2,\"multi\nline\r\nvalue\",\n" + "3,plain,\"\"\n" + "\r\n" + "4,ab\"c,\"x,y\"\n"
            + "5,\"é\",\"\"\"\"\n" + "6,\"bad\"z,7\n" + "7,,\n" + "8,last,no newline")

    /// Re-joined records are identical to a one-piece parse whatever the
    /// read block, chunk target and so the cut offsets.
    @Test func chunkBoundariesAtEveryOffset() throws {
        let reference = directCSV(Self.sample)
        #expect(reference.count == 9)
        for size in 1...64 {
            for (target, readSize) in [(size, size), (1, size), (size, 1), (size * 3, size)] {
                let options = ChunkerOptions(targetChunkBytes: target, readBlockBytes: size, maxRecordBytes: 4096)
                let parse = try chunkedCSV(Self.sample, options: options, readSize: readSize)
                #expect(parse.events == reference, "target \(target), block \(size), read \(readSize)")
            }
        }
    }

    @Test func headerThenChunks() throws {
        for size in [1, 2, 3, 5, 8, 13, 1 << 20] {
            let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 4096)
            let parse = try chunkedCSV(Self.sample, options: options, readSize: size, header: true)
            #expect(parse.header == ["id", "na,me", "note"])
            #expect(parse.events == Array(directCSV(Self.sample).dropFirst()))
        }
    }

    @Test func headerCases() throws {
        func header(_ text: String) throws -> CSVHeaderResult {
            try CSVChunker(source: ByteSource(bytes: bytes(text))).readHeader()
        }
        guard case .emptyInput = try header("") else {
            Issue.record("empty")
            return
        }
        guard case .emptyInput = try header("\n\r\n\n") else {
            Issue.record("blank")
            return
        }
        guard case .header(let h) = try header("a,\"b\nc\"") else {
            Issue.record("header only")
            return
        }
        #expect(h.names == ["a", "b\nc"])
        #expect(h.line == 1 && h.lineCount == 2)
        guard case .malformed(let e) = try header("a,\"b\nc,d\n") else {
            Issue.record("unterminated")
            return
        }
        #expect(e.kind == .unterminatedQuote && e.errorLine == 1 && e.column == 3)
        guard case .malformed(let e2) = try header("a,\"b\"c\n1,2\n") else {
            Issue.record("after quote")
            return
        }
        #expect(e2.kind == .unexpectedCharacterAfterQuote && e2.column == 6)
    }

    @Test func unterminatedQuoteAtEOF() throws {
        let input = bytes("h1,h2\n1,ok\n2,\"never closed\n3,x\n4,y\n")
        for size in [1, 2, 7, 64, 1 << 20] {
            let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 1 << 16)
            let parse = try chunkedCSV(input, options: options, readSize: size, header: true)
            #expect(parse.events.count == 4)
            let e = parse.events[1]
            #expect(e.fields == nil && e.errorKind == .unterminatedQuote)
            #expect(e.line == 3 && e.errorLine == 3 && e.errorColumn == 3)
            #expect(parse.events[2] == Event(line: 4, fields: ["3", "x"]))
            #expect(parse.events[3] == Event(line: 5, fields: ["4", "y"]))
        }
        // The error names where the quote opened and says why.
        let chunker = CSVChunker(source: ByteSource(bytes: bytes("a\n\"x\ny")))
        var errors: [IntakeRecordError] = []
        while let item = try chunker.next() { if case .recordError(let e) = item { errors.append(e) } }
        #expect(errors.map(\.description) == ["line 2, column 1: unterminated quoted field: the quote is never closed"])
    }

    @Test func unterminatedQuoteMidFile() throws {
        // A stray quote followed by plenty of ordinary lines: the quoted run
        // outgrows maxRecordBytes, and the lines after the quote's line are
        // delivered as records.
        var text = "id,v\n1,\"stray\n"
        for i in 2...40 { text += "\(i),value\(i)\n" }
        for size in [1, 3, 16, 1 << 20] {
            let options = ChunkerOptions(targetChunkBytes: size, readBlockBytes: size, maxRecordBytes: 64)
            let parse = try chunkedCSV(bytes(text), options: options, readSize: size, header: true)
            #expect(parse.events.count == 40)
            #expect(parse.events[0].errorKind == .unterminatedQuote)
            #expect(parse.events[0].errorLine == 2 && parse.events[0].errorColumn == 3)
            #expect(parse.events[1] == Event(line: 3, fields: ["2", "value2"]))
            #expect(parse.events[39] == Event(line: 41, fields: ["40", "value40"]))
        }
    }

    @Test func quotedRunClosingOntoStrayTextIsUnterminated() throws {
        let input = bytes("1,\"a\n2,3\n4,\"x\"y\n5,6\n")
        let parse = try chunkedCSV(input)
        #expect(parse.events.count == 4)
        #expect(parse.events[0].errorKind == .unterminatedQuote)
        #expect(parse.events[0].errorLine == 1 && parse.events[0].errorColumn == 3)
        #expect(parse.events[1].fields == ["2", "3"])
        #expect(parse.events[2].errorKind == .unexpectedCharacterAfterQuote)
        #expect(parse.events[2].line == 3)
        #expect(parse.events[3].fields == ["5", "6"])
        // The scanner alone reaches the same records.
        #expect(directCSV(input) == parse.events)
    }

    @Test func oversizedRecordIsSkippedWithoutBuffering() throws {
        // The long line is far bigger than the chunker's whole buffer
        // (target + maxRecord + 2 * block + 64 = 120 bytes here).
        let long = String(repeating: "x,", count: 50_000)
        let input = bytes("a,b\n\(long)\nc,d\n\"q\nq\",\(long)\ne,f")
        for size in [1, 4, 16] {
            let options = ChunkerOptions(targetChunkBytes: 8, readBlockBytes: size, maxRecordBytes: 16)
            let parse = try chunkedCSV(input, options: options, readSize: size)
            #expect(parse.events.map(\.errorKind) == [nil, .recordTooLong, nil, .recordTooLong, nil])
            #expect(parse.events.map(\.line) == [1, 2, 3, 4, 6])
            #expect(parse.events[2].fields == ["c", "d"])
            #expect(parse.events[4].fields == ["e", "f"])
        }
    }

    @Test func recordExactlyAtTheLimitIsAccepted() throws {
        let options = ChunkerOptions(targetChunkBytes: 4, readBlockBytes: 3, maxRecordBytes: 8)
        let parse = try chunkedCSV(bytes("12345678\n123456789\n\"23456\"\n\"2345678\"\nok\n"), options: options, readSize: 3)
        #expect(parse.events.map(\.errorKind) == [nil, .recordTooLong, nil, .unterminatedQuote, nil])
        #expect(parse.events[0].fields == ["12345678"])
        #expect(parse.events[2].fields == ["23456"])
        #expect(parse.events[4].fields == ["ok"])
    }

    @Test func chunksEndAtRecordBoundariesNearTheTarget() throws {
        var text = ""
        for i in 0..<5000 { text += "\(i),\"q,\(i)\",x\n" }
        let input = bytes(text)
        let options = ChunkerOptions(targetChunkBytes: 4096, readBlockBytes: 1000, maxRecordBytes: 1 << 16)
        let chunker = CSVChunker(source: ByteSource(bytes: input, maxReadSize: 777), options: options)
        var total = 0
        var sizes: [Int] = []
        while let item = try chunker.next() {
            guard case .chunk(let c) = item else {
                Issue.record("unexpected error")
                continue
            }
            #expect(c.bytes.last == 10)
            #expect(c.byteOffset == total)
            total += c.bytes.count
            sizes.append(c.bytes.count)
        }
        #expect(total == input.count)
        #expect(sizes.dropLast().allSatisfy { $0 >= 4096 && $0 < 4096 + 1000 + 64 })
    }

    @Test func emptyInputHasNoItems() throws {
        #expect(try chunkedCSV([]).events.isEmpty)
        #expect(try CSVChunker(source: ByteSource(bytes: [])).next() == nil)
    }

    @Test func fromAFileAndStandardInputDescriptor() throws {
        let path = "/tmp/stratify-io-test-\(getpid())-chunker.csv"
        var text = "h\n"
        for i in 0..<10_000 { text += "\(i)\n" }
        let sink = try ByteSink.createFile(path)
        try sink.write(bytes(text))
        try sink.close()
        defer { unlink(path) }
        let chunker = CSVChunker(
            source: try ByteSource.openFile(path),
            options: ChunkerOptions(targetChunkBytes: 1000, readBlockBytes: 512))
        guard case .header(let h) = try chunker.readHeader() else {
            Issue.record("no header")
            return
        }
        #expect(h.names == ["h"])
        let scanner = CSVRecordScanner()
        var count = 0
        var lastLine = 0
        while let item = try chunker.next() {
            guard case .chunk(let c) = item else { continue }
            c.bytes.withUnsafeBytes { buf in
                scanner.reset()
                while let r = scanner.nextRecord(in: buf) {
                    #expect(String(decoding: scanner.value(of: scanner[field: 0], in: buf), as: UTF8.self) == "\(count)")
                    lastLine = c.firstLine + r.lineOffset
                    count += 1
                }
            }
        }
        #expect(count == 10_000)
        #expect(lastLine == 10_001)
    }
}
