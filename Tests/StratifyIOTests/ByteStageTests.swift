import StratifyTestSupport
import CZlib
import Testing
@testable import StratifyIO

/// gzip data of `bytes`, made with the zlib the stages read it with.
func gzipped(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
    var stream = z_stream()
    precondition(stratify_deflate_init(&stream, level) == Z_OK)
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let status = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    precondition(status == Z_STREAM_END)
    return Array(output[..<Int(stream.total_out)])
}

/// Everything a source hands out, read `readSize` bytes at a time.
func drain(_ source: ByteSource, readSize: Int) throws(IOError) -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 1)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    while true {
        let n = try source.read(into: buffer)
        if n == 0 { return out }
        out += buffer[..<n]
    }
}

/// The reads that put a block boundary at every offset of `input`: the
/// source dribbles `maxRead` bytes at a time, the stage reads blocks of
/// `block` bytes, its reader asks for `readSize` at a time.
func everySplit(of input: [UInt8]) -> [(maxRead: Int, block: Int, readSize: Int)] {
    var splits: [(Int, Int, Int)] = []
    for maxRead in 1...min(input.count + 1, 24) {
        splits.append((maxRead, 64 << 10, 4096))
    }
    for block in [1, 2, 3, 5] {
        splits.append((.max, block, 1))
        splits.append((2, block, 3))
    }
    splits.append((.max, 64 << 10, 1 << 16))
    return splits
}

@Suite("Byte stages")
struct ByteStageTests {
    // MARK: Peeking

    @Test func peekedBytesAreReadAgain() throws {
        let input = bytes("\u{FEFF}patient_id\n1\n")
        for maxRead in 1...5 {
            let source = ByteSource(bytes: input, maxReadSize: maxRead)
            #expect(try source.peek(2) == [0xEF, 0xBB])
            #expect(try source.peek(6) == Array(input[..<6]))
            #expect(try drain(source, readSize: 4) == input)
            let skipping = ByteSource(bytes: input, maxReadSize: maxRead)
            #expect(try skipping.skipByteOrderMark())
            #expect(try !skipping.skipByteOrderMark())
            #expect(try drain(skipping, readSize: 1) == Array(input[3...]))
        }
        #expect(try ByteSource(bytes: [1, 2]).peek(10) == [1, 2])
    }

    // MARK: gzip

    @Test func gzipInflatesAtEveryBlockBoundary() throws {
        var rng = SplitMix64(seed: 11)
        let text = (0..<3000).map { _ in UInt8.random(in: 0x41...0x46, using: &rng) }
        let data = gzipped(text)
        for split in everySplit(of: data) {
            let source = ByteSource(bytes: data, maxReadSize: split.maxRead)
            let stage = ByteSource(stage: GzipStage(reading: source, blockBytes: split.block), name: "t.gz")
            #expect(try drain(stage, readSize: split.readSize) == text, "\(split)")
        }
    }

    @Test func concatenatedMembersAreOneStream() throws {
        let first = bytes("patient_id,age\nA,1\n"), second = bytes("B,2\n"), empty: [UInt8] = []
        let data = gzipped(first) + gzipped(empty) + gzipped(second, level: 1)
        for split in everySplit(of: data) {
            let source = ByteSource(bytes: data, maxReadSize: split.maxRead)
            let stage = ByteSource(stage: GzipStage(reading: source, blockBytes: split.block), name: "t.gz")
            #expect(try drain(stage, readSize: split.readSize) == first + second, "\(split)")
        }
    }

    @Test func truncatedGzipIsAnErrorAtEveryCut() {
        let data = gzipped(bytes("patient_id,age\nA,1\nB,2\n"))
        for cut in 1..<data.count {
            let stage = ByteSource(stage: GzipStage(reading: ByteSource(bytes: Array(data[..<cut]))), name: "t.gz")
            #expect(throws: IOError.self, "cut at \(cut)") { try drain(stage, readSize: 4096) }
        }
        let stage = ByteSource(stage: GzipStage(reading: ByteSource(bytes: Array(data.dropLast(4)))), name: "t.gz")
        #expect(throws: IOError.undecodable("truncated gzip data: the file ends at byte offset \(data.count - 4) inside a compressed member")) {
            try drain(stage, readSize: 4096)
        }
    }

    @Test func corruptGzipNamesTheOffset() {
        var data = gzipped(bytes(String(repeating: "patient_id,age\nA,1\n", count: 50)))
        data[data.count - 3] ^= 0xFF  // the length in the trailer
        let stage = ByteSource(stage: GzipStage(reading: ByteSource(bytes: data)), name: "t.gz")
        #expect(throws: IOError.undecodable("corrupt gzip data at byte offset \(data.count) (zlib: incorrect length check)")) {
            try drain(stage, readSize: 4096)
        }
        let trailing = gzipped(bytes("a\n")) + bytes("junk")
        let withJunk = ByteSource(stage: GzipStage(reading: ByteSource(bytes: trailing)), name: "t.gz")
        #expect(throws: IOError.self) { try drain(withJunk, readSize: 4096) }
    }

    // MARK: Delimiters

    /// Input with `;` between fields → the comma CSV it stands for.
    static let semicolonCases: [(String, String)] = [
        ("a;b\n", "a,b\n"),
        ("a,b;c\n", "\"a,b\",c\n"),
        ("\"x;y\";z\n", "\"x;y\",z\n"),
        ("a\"b,c;d", "\"a\"\"b,c\",d"),
        ("a\"b;c\n", "a\"b,c\n"),
        ("a,b\r\nc;d,e\r\n", "\"a,b\"\r\nc,\"d,e\"\r\n"),
        ("\"q\"\"x\";\n", "\"q\"\"x\",\n"),
        ("\"ab\"c;d\n", "\"ab\"c,d\n"),
        ("\"l1\nl2,\";x\n;\n", "\"l1\nl2,\",x\n,\n"),
        ("\u{FEFF}x,y;z\n", "\u{FEFF}\"x,y\",z\n"),
        ("\"open;never closed\n1;2\n", "\"open;never closed\n1;2\n"),
        ("", ""),
    ]

    @Test(arguments: semicolonCases)
    func semicolonsBecomeCommas(input: String, expected: String) throws {
        let data = bytes(input)
        for split in everySplit(of: data) {
            let source = ByteSource(bytes: data, maxReadSize: split.maxRead)
            let stage = ByteSource(stage: DelimiterStage(reading: source, delimiter: 0x3B, blockBytes: split.block), name: "t.csv")
            #expect(String(decoding: try drain(stage, readSize: split.readSize), as: UTF8.self) == expected, "\(split)")
        }
    }

    /// Random well-formed `;` files: the comma CSV they become holds the
    /// same fields, and the same bytes come out wherever the blocks end.
    @Test func randomSemicolonFilesKeepTheirFields() throws {
        var rng = SplitMix64(seed: 2026)
        let plain: [UInt8] = Array("ab,\"".utf8)  // an unquoted field may hold , and a " after its start
        let quoted: [UInt8] = Array("a;,\"\n".utf8)
        for round in 0..<300 {
            var rows: [[[UInt8]]] = []
            var file: [UInt8] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                var row: [[UInt8]] = []
                for column in 0..<Int.random(in: 1...4, using: &rng) {
                    if column > 0 { file.append(0x3B) }
                    if Bool.random(using: &rng) {
                        let value = (0..<Int.random(in: 0...5, using: &rng)).map { _ in quoted.randomElement(using: &rng)! }
                        file += [0x22] + value.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] } + [0x22]
                        row.append(value)
                    } else {
                        var value = (0..<Int.random(in: 0...5, using: &rng)).map { _ in plain.randomElement(using: &rng)! }
                        if value.first == 0x22 { value[0] = 0x61 }
                        file += value
                        row.append(value)
                    }
                }
                file += Bool.random(using: &rng) ? [0x0D, 0x0A] : [0x0A]
                rows.append(row)
            }
            let whole = try drain(ByteSource(stage: DelimiterStage(reading: ByteSource(bytes: file), delimiter: 0x3B), name: "t"), readSize: 1 << 16)
            #expect(Self.parseCommaCSV(whole) == rows, "round \(round): \(String(decoding: file, as: UTF8.self))")
            for split in [(1, 1 << 16), (.max, 1), (3, 2), (7, 5)] {
                let source = ByteSource(bytes: file, maxReadSize: split.0)
                let stage = ByteSource(stage: DelimiterStage(reading: source, delimiter: 0x3B, blockBytes: split.1), name: "t")
                #expect(try drain(stage, readSize: 3) == whole, "round \(round), \(split)")
            }
        }
    }

    /// Fields of well-formed comma CSV (RFC 4180; CRLF or LF), as the
    /// batch's reader would see them.
    static func parseCommaCSV(_ bytes: [UInt8]) -> [[[UInt8]]] {
        var rows: [[[UInt8]]] = [], row: [[UInt8]] = [], field: [UInt8] = []
        var i = 0, quoted = false
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == 0x22 && field.isEmpty {
                quoted = true
            } else if b == 0x2C {
                row.append(field)
                field = []
            } else if b == 0x0A {
                if field.last == 0x0D { field.removeLast() }
                row.append(field)
                field = []
                rows.append(row)
                row = []
            } else {
                field.append(b)
            }
            i += 1
        }
        return rows
    }

    @Test func tabsBecomeCommas() throws {
        let stage = ByteSource(stage: DelimiterStage(reading: ByteSource(bytes: bytes("id\tnote\nA\tx, y;z\n")), delimiter: 0x09), name: "t.tsv")
        #expect(String(decoding: try drain(stage, readSize: 3), as: UTF8.self) == "id,note\nA,\"x, y;z\"\n")
    }

    @Test func aFieldPastTheLimitIsWrittenQuoted() throws {
        let cases = [
            ("abcdefg,h;x\n", "\"abcdefg,h\",x\n"), ("abc\"defg;x", "\"abc\"\"defg\",x"), ("abcdefgh\n", "\"abcdefgh\"\n"),
            ("ab;abcdefg\r\n", "ab,\"abcdefg\"\r\n"), ("abcd\r;abcd\re\r", "\"abcd\r\",\"abcd\re\"\r"), ("a,b\r", "\"a,b\"\r"),
        ]
        for (input, expected) in cases {
            // The output is the same whether the field is held whole or
            // runs past the end of a block.
            for split in everySplit(of: bytes(input)) {
                let source = ByteSource(bytes: bytes(input), maxReadSize: split.maxRead)
                let stage = ByteSource(stage: DelimiterStage(reading: source, delimiter: 0x3B, blockBytes: split.block, fieldLimit: 4), name: "t.csv")
                #expect(String(decoding: try drain(stage, readSize: split.readSize), as: UTF8.self) == expected, "\(split)")
            }
        }
    }

    // MARK: JSON arrays

    /// A JSON array → NDJSON lines, each record on the line it starts on.
    static let arrayCases: [(String, String)] = [
        ("[\n{\"a\":1},\n{\"b\":\"x,]\"}\n]\n", "\n{\"a\":1}\n{\"b\":\"x,]\"}\n"),
        ("[{\"a\":[1,2]},{\"b\":{\"c\":\"\\\"]\"}}]", "{\"a\":[1,2]}\n{\"b\":{\"c\":\"\\\"]\"}}\n"),
        ("[{\n\"a\":1\r\n}\n,\n\n{\"b\":2}]", "{ \"a\":1  }\n\n\n\n\n{\"b\":2}\n"),
        ("\u{FEFF} [ ] \n", ""),
        ("[]", ""),
        ("[1, \"s\" ,null ]", "1\n\"s\"\nnull\n"),
        ("[{\"a\":\"\\\\\"},{}]", "{\"a\":\"\\\\\"}\n{}\n"),
    ]

    @Test(arguments: arrayCases)
    func arraysBecomeLines(input: String, expected: String) throws {
        let data = bytes(input)
        for split in everySplit(of: data) {
            let source = ByteSource(bytes: data, maxReadSize: split.maxRead)
            let stage = ByteSource(stage: JSONArrayStage(reading: source, blockBytes: split.block), name: "t.json")
            #expect(String(decoding: try drain(stage, readSize: split.readSize), as: UTF8.self) == expected, "\(split)")
        }
    }

    static let malformedArrays: [(String, String)] = [
        ("", "the file holds no JSON array: a .json intake file is one JSON array of records, [ {...}, {...} ]"),
        (
            "{\"a\":1}",
            "line 1, column 1: expected '[' (a .json intake file is one JSON array of records), found '{'; for one JSON object per line, name the file .ndjson or give --input-format ndjson"
        ),
        ("[{\"a\":1},\n]", "line 2, column 1: expected a record, found ']'"),
        ("[,{}]", "line 1, column 2: expected a record, found ','"),
        ("[{\"a\":1}\n", "the JSON array is not closed: the file ends at line 2 before its ']'"),
        ("[{\"a\":1}] x", "line 1, column 11: expected nothing after the array's closing ']', found 'x'"),
        ("[{\"a\":\"x\ny\"}]", "line 1: a line break inside a JSON string"),
        ("[{\"a\":\"x\\\ny\"}]", "line 1: a line break inside a JSON string"),
    ]

    @Test(arguments: malformedArrays)
    func malformedArraysAreErrors(input: String, message: String) {
        let data = bytes(input)
        for split in everySplit(of: data) {
            let source = ByteSource(bytes: data, maxReadSize: split.maxRead)
            let stage = ByteSource(stage: JSONArrayStage(reading: source, blockBytes: split.block), name: "t.json")
            #expect(throws: IOError.undecodable(message), "\(split)") { try drain(stage, readSize: split.readSize) }
        }
    }

    // MARK: Any input

    /// Whatever the bytes, each stage gives the same output, or the same
    /// error, read in dribbles as read at once (as `Fuzz/Targets/StageTarget.swift`
    /// checks at length).
    @Test func anyBytesGiveTheSameResultWhereverBlocksEnd() {
        var rng = SplitMix64(seed: 99)
        let alphabet: [UInt8] = Array("a;,\"\n\r\\[]{} ".utf8) + [0xEF, 0xBB, 0xBF]
        let gzipSeed = gzipped(bytes("patient_id,age\nA,1\nB,2\n"))
        for round in 0..<2000 {
            let kind = round % 3
            var input: [UInt8]
            if kind == 2 {
                input = gzipSeed + (Bool.random(using: &rng) ? gzipSeed : [])
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                input = Array(input.prefix(Int.random(in: 0...input.count, using: &rng)))
            } else {
                input = (0..<Int.random(in: 0...30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            let fieldLimit = Int.random(in: 1...8, using: &rng)
            func read(maxRead: Int, block: Int, readSize: Int) -> Result<[UInt8], IOError> {
                let source = ByteSource(bytes: input, maxReadSize: maxRead)
                let stage: any ByteStage =
                    switch kind {
                    case 0: DelimiterStage(reading: source, delimiter: 0x3B, blockBytes: block, fieldLimit: fieldLimit)
                    case 1: JSONArrayStage(reading: source, blockBytes: block)
                    default: GzipStage(reading: source, blockBytes: block)
                    }
                do throws(IOError) {
                    return .success(try drain(ByteSource(stage: stage, name: "t"), readSize: readSize))
                } catch {
                    return .failure(error)
                }
            }
            let whole = read(maxRead: .max, block: 1 << 16, readSize: 1 << 16)
            let dribbled = read(
                maxRead: Int.random(in: 1...4, using: &rng), block: Int.random(in: 1...6, using: &rng), readSize: Int.random(in: 1...5, using: &rng))
            switch (whole, dribbled) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "round \(round): \(input)")
                if kind == 0 { #expect(a.filter { $0 == 0x0A }.count == input.filter { $0 == 0x0A }.count) }
            case (.failure(let a), .failure(let b)):
                // zlib's offset depends on the blocks it was handed.
                if kind != 2 { #expect(a == b, "round \(round): \(input)") }
            default:
                Issue.record("round \(round): \(whole) but \(dribbled) for \(input)")
            }
        }
    }

    // MARK: Stages in a row

    @Test func gzipThenJSONArrayThenChunker() throws {
        let lines = (1...500).map { "{\"patient_id\":\"P\($0)\",\"age\":\($0 % 90)}" }
        let array = bytes("[\n" + lines.joined(separator: ",\n") + "\n]\n")
        let source = ByteSource(bytes: gzipped(array), maxReadSize: 7)
        let inflated = ByteSource(stage: GzipStage(reading: source, blockBytes: 5), name: "t.json.gz")
        let records = ByteSource(stage: JSONArrayStage(reading: inflated, blockBytes: 9), name: "t.json.gz")
        let chunker = NDJSONChunker(source: records, options: ChunkerOptions(targetChunkBytes: 100, readBlockBytes: 13))
        var text: [UInt8] = []
        var firstLines: [Int] = []
        while let item = try chunker.next() {
            guard case .chunk(let chunk) = item else {
                Issue.record("unexpected \(item)")
                continue
            }
            if firstLines.isEmpty { firstLines.append(chunk.firstLine) }
            text += chunk.bytes
        }
        #expect(String(decoding: text, as: UTF8.self) == "\n" + lines.joined(separator: "\n") + "\n")
    }

    // MARK: Encodings

    @Test func utf16IsRecognised() {
        #expect(EncodingHint.utf16([0xFF, 0xFE, 0x70, 0x00]) == "UTF-16 LE")
        #expect(EncodingHint.utf16([0xFE, 0xFF, 0x00, 0x70]) == "UTF-16 BE")
        #expect(EncodingHint.utf16(Array("patient_id".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == "UTF-16 LE")
        #expect(EncodingHint.utf16(Array("patient_id".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) == "UTF-16 BE")
        #expect(EncodingHint.utf16(bytes("patient_id,age\n")) == nil)
        #expect(EncodingHint.utf16(bytes("\u{FEFF}p")) == nil)
        #expect(EncodingHint.utf16([0x70]) == nil)
        #expect(EncodingHint.iconvName("UTF-16 LE") == "UTF-16LE")
    }

    @Test func singleByteEncodingsAreNamed() {
        let hint = "the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8"
        #expect(EncodingHint.singleByte(byte: 0xE9, next: 0x2C) == hint)  // é in Latin-1
        #expect(EncodingHint.singleByte(byte: 0x92, next: nil) == hint)  // ’ in Windows-1252
        #expect(EncodingHint.singleByte(byte: 0xE9, next: 0x80) == nil)  // a broken UTF-8 sequence
        #expect(EncodingHint.singleByte(byte: 0x41, next: nil) == nil)
        let value = bytes("Ren") + [0xE9]
        value.withUnsafeBytes { raw in
            #expect(EncodingHint.describeInvalidUTF8(in: raw, at: 3) == "byte 0xE9 at position 4; " + hint)
        }
    }
}
