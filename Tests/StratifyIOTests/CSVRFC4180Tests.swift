import Testing
@testable import StratifyIO

@Suite("CSV tokenizing (RFC 4180)")
struct CSVRFC4180Tests {
    @Test func plainRecords() throws {
        #expect(try records("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test func quotedCommas() throws {
        #expect(try records("\"a,b\",c\n") == [["a,b", "c"]])
    }

    @Test func escapedQuotes() throws {
        #expect(try records("\"a\"\"b\",\"\"\"\"\n") == [["a\"b", "\""]])
        // The field flags say which values need unescaping.
        let scanner = CSVRecordScanner()
        bytes("\"a\"\"b\",\"plain\",x\n").withUnsafeBytes { buf in
            _ = scanner.nextRecord(in: buf)
            #expect(scanner.fields.map(\.isQuoted) == [true, true, false])
            #expect(scanner.fields.map(\.hasEscapedQuotes) == [true, false, false])
            var out: [UInt8] = []
            CSVRecordScanner.appendValue(of: scanner[field: 0], in: buf, to: &out)
            #expect(out == bytes("a\"b"))
        }
    }

    @Test func crlfAndLfInsideQuotes() throws {
        let parse = try chunkedCSV(bytes("\"a\r\nb\",c\r\n\"x\ny\nz\",w\nlast,1\n"))
        #expect(parse.events.map(\.fields) == [["a\r\nb", "c"], ["x\ny\nz", "w"], ["last", "1"]])
        #expect(parse.events.map(\.line) == [1, 3, 6])
    }

    @Test func recordLineSpans() {
        let scanner = CSVRecordScanner()
        bytes("\"a\nb\",c\nd\n").withUnsafeBytes { buf in
            let first = scanner.nextRecord(in: buf)
            #expect(first?.lineOffset == 0)
            #expect(first?.lineCount == 2)
            #expect(first?.end == 7)
            let second = scanner.nextRecord(in: buf)
            #expect(second?.lineOffset == 2)
            #expect(second?.lineCount == 1)
            #expect(scanner.nextRecord(in: buf) == nil)
        }
    }

    @Test func emptyFields() throws {
        #expect(try records(",,\n\"\",x\n") == [["", "", ""], ["", "x"]])
    }

    @Test func trailingCommaIsEmptyLastField() throws {
        #expect(try records("a,b,\na,b,") == [["a", "b", ""], ["a", "b", ""]])
    }

    @Test func crlfAndLfLineEndings() throws {
        #expect(try records("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(try records("a,b\nc,d\r\ne,\"f\"\r\n") == [["a", "b"], ["c", "d"], ["e", "f"]])
        // A CR not followed by LF is data.
        #expect(try records("a\rb,c\n") == [["a\rb", "c"]])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let parse = try chunkedCSV([0xEF, 0xBB, 0xBF] + bytes("id,name\n1,x\n"), header: true)
        #expect(parse.header == ["id", "name"])
        #expect(parse.events.map(\.fields) == [["1", "x"]])
        #expect(parse.events.map(\.line) == [2])
        // A BOM later in the stream is data.
        let later = try chunkedCSV(bytes("a\n") + [0xEF, 0xBB, 0xBF] + bytes("b\n"))
        #expect(later.events.map(\.fields) == [["a"], ["\u{FEFF}b"]])
    }

    @Test func noTrailingNewlineAtEOF() throws {
        #expect(try records("a,b\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(try records("a,b\r") == [["a", "b"]])
        #expect(try records("a,\"b\"") == [["a", "b"]])
        #expect(try records("a,\"b\"\r") == [["a", "b"]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let parse = try chunkedCSV(bytes("\nh\n\na\n\r\n\nb\n\n"), header: true)
        #expect(parse.header == ["h"])
        #expect(parse.events.map(\.fields) == [["a"], ["b"]])
        #expect(parse.events.map(\.line) == [4, 7])
        #expect(parse.finalLine == 9)
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        #expect(try records("ab\"c,d\"\"e\n") == [["ab\"c", "d\"\"e"]])
        #expect(try records(" \"x\",y\n") == [[" \"x\"", "y"]])
    }

    @Test func textAfterClosingQuoteIsARecordError() throws {
        let parse = try chunkedCSV(bytes("\"ab\"c,d\nx,y\n"))
        #expect(parse.events.count == 2)
        let bad = parse.events[0]
        #expect(bad.errorKind == .unexpectedCharacterAfterQuote)
        #expect(bad.errorColumn == 5)
        #expect(parse.events[1].fields == ["x", "y"])
        let scanner = CSVRecordScanner()
        bytes("1,\"ab\"c\n").withUnsafeBytes { buf in
            let r = scanner.nextRecord(in: buf)
            #expect(r?.error?.message == "unexpected character after closing quote at column 7")
            #expect(r?.fieldCount == 2)
        }
    }

    @Test func nulAndNonASCIIFlags() throws {
        let parse = try chunkedCSV(bytes("plain,ascii\na\0b,c\nd,\"é\"\n"))
        #expect(parse.events.map(\.hasNUL) == [false, true, false])
        #expect(parse.events.map(\.hasNonASCII) == [false, false, true])
        #expect(parse.events[1].fields == ["a\0b", "c"])
    }

    @Test func fieldLongerThanLimitIsReported() throws {
        let options = CSVScannerOptions(maxFieldBytes: 4)
        let parse = try chunkedCSV(bytes("abcd,x\nabcde,x\ny,\"12345\"\nok,1\n"), scannerOptions: options)
        #expect(parse.events.map(\.errorKind) == [nil, .fieldTooLong, .fieldTooLong, nil])
        #expect(parse.events[2].errorColumn == 3)
        #expect(parse.events[3].fields == ["ok", "1"])
        bytes("abcdef\n").withUnsafeBytes { buf in
            let scanner = CSVRecordScanner(options: options)
            #expect(scanner.nextRecord(in: buf)?.error?.message == "field 1 is longer than 4 bytes")
        }
    }

    @Test func manyFieldsGrowTheFieldStore() throws {
        let line = (0..<1000).map(String.init).joined(separator: ",")
        let parse = try chunkedCSV(bytes(line + "\n" + line))
        #expect(parse.events.count == 2)
        #expect(parse.events[1].fields?.count == 1000)
        #expect(parse.events[1].fields?.last == "999")
    }

    @Test func valueIsZeroCopyForUnescapedFields() {
        let scanner = CSVRecordScanner()
        bytes("abc,\"d\"\"e\"\n").withUnsafeBytes { buf in
            _ = scanner.nextRecord(in: buf)
            let v0 = scanner.value(of: scanner[field: 0], in: buf)
            #expect(v0.baseAddress == buf.baseAddress)
            #expect(Array(scanner.value(of: scanner[field: 1], in: buf)) == bytes("d\"e"))
        }
    }

    @Test func scannerResetsPerChunk() {
        let scanner = CSVRecordScanner()
        for text in ["a,b\n", "c\n"] {
            bytes(text).withUnsafeBytes { buf in
                scanner.reset()
                #expect(scanner.nextRecord(in: buf) != nil)
                #expect(scanner.nextRecord(in: buf) == nil)
            }
        }
        // An empty buffer has no records.
        #expect(scanner.nextRecord(in: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }
}
