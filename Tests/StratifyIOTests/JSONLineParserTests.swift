import Testing
@testable import StratifyIO

@Suite("NDJSON line parsing")
struct JSONLineParserTests {
    struct Parsed: Equatable {
        var key: String
        var kind: JSONValueKind
        var value: String  // unescaped for strings, raw text otherwise
        var fractionOrExponent = false
    }

    func parse(_ bytes: [UInt8], options: JSONParserOptions = JSONParserOptions()) -> Result<[Parsed], JSONParseError> {
        let parser = JSONLineParser(options: options)
        return bytes.withUnsafeBytes { buf in
            do {
                try parser.parse(buf)
                return .success(
                    try parser.members.map { m in
                        let key = String(decoding: try parser.key(of: m, in: buf), as: UTF8.self)
                        let value =
                            m.kind == .string
                            ? String(decoding: try parser.stringValue(of: m, in: buf), as: UTF8.self)
                            : String(decoding: parser.rawValue(of: m, in: buf), as: UTF8.self)
                        return Parsed(key: key, kind: m.kind, value: value, fractionOrExponent: m.hasFractionOrExponent)
                    })
            } catch let e as JSONParseError {
                return .failure(e)
            } catch {
                return .failure(JSONParseError(column: 0, message: "\(error)"))
            }
        }
    }

    func parse(_ text: String, options: JSONParserOptions = JSONParserOptions()) -> Result<[Parsed], JSONParseError> {
        parse(Array(text.utf8), options: options)
    }

    func error(_ text: String) -> JSONParseError? {
        if case .failure(let e) = parse(text) { return e }
        return nil
    }

    @Test func everyValueKind() throws {
        let r = try parse(#"{"s":"x","n":-1.5e3,"i":42,"t":true,"f":false,"z":null,"a":[1,[2,{"x":3}]],"o":{"k":[]},"e":0}"#).get()
        #expect(
            r == [
                Parsed(key: "s", kind: .string, value: "x"),
                Parsed(key: "n", kind: .number, value: "-1.5e3", fractionOrExponent: true),
                Parsed(key: "i", kind: .number, value: "42"),
                Parsed(key: "t", kind: .true, value: "true"),
                Parsed(key: "f", kind: .false, value: "false"),
                Parsed(key: "z", kind: .null, value: "null"),
                Parsed(key: "a", kind: .array, value: #"[1,[2,{"x":3}]]"#),
                Parsed(key: "o", kind: .object, value: #"{"k":[]}"#),
                Parsed(key: "e", kind: .number, value: "0"),
            ])
    }

    @Test func numbers() throws {
        for text in ["0", "-0", "12", "1.25", "1e5", "1E+5", "2.5e-3", "-0.0"] {
            let r = try parse("{\"n\":\(text)}").get()
            #expect(r == [Parsed(key: "n", kind: .number, value: text, fractionOrExponent: text.contains(where: { ".eE".contains($0) }))])
        }
    }

    @Test func whitespaceAndEmptyObject() throws {
        #expect(try parse(" \t{ \"a\" :\t1 , \"b\" : [ ] , \"c\":{ } }  \r").get().map(\.key) == ["a", "b", "c"])
        #expect(try parse("{}").get().isEmpty)
        #expect(try parse(" { } ").get().isEmpty)
    }

    @Test func escapesAndSurrogatePairs() throws {
        let r = try parse(#"{"k\"ey":"a\nb\u00e9\ud83d\ude00\/\\\b\f\r\t","plain":"é😀"}"#).get()
        #expect(r[0].key == "k\"ey")
        #expect(r[0].value == "a\nbé😀/\\\u{8}\u{C}\r\t")
        #expect(r[1].value == "é😀")
        var out: [UInt8] = []
        try bytes(#"x\u0041\uD834\uDD1E"#).withUnsafeBytes { try JSONString.appendUnescaped($0, to: &out) }
        #expect(out == bytes("xA𝄞"))
    }

    @Test func escapeFlags() throws {
        let parser = JSONLineParser()
        try bytes(#"{"a":"x","b\n":"y\"z"}"#).withUnsafeBytes { buf in
            try parser.parse(buf)
            #expect(parser.members.map(\.hasEscapes) == [false, true])
            #expect(parser.members.map(\.keyHasEscapes) == [false, true])
            // Zero-copy for values without escapes.
            #expect(try parser.stringValue(of: parser.members[0], in: buf).baseAddress == buf.baseAddress! + 6)
        }
    }

    @Test func loneSurrogatesAreErrors() {
        #expect(error(#"{"a":"\ud83d"}"#)?.message.hasPrefix("lone surrogate \\uD83D") == true)
        #expect(error(#"{"a":"\ud83d\u0041"}"#)?.column == 7)
        #expect(error(#"{"a":"x\ude00"}"#)?.message.hasPrefix("lone surrogate \\uDE00") == true)
        var out: [UInt8] = []
        #expect(throws: JSONParseError.self) {
            try bytes(#"\udc00"#).withUnsafeBytes { try JSONString.appendUnescaped($0, to: &out) }
        }
        #expect(out.isEmpty)
    }

    @Test func depthLimit() throws {
        func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
            "{\"a\":" + String(repeating: open, count: depth) + String(repeating: close, count: depth) + "}"
        }
        // The record's object is depth 1, so 31 nested arrays reach 32.
        #expect(throws: Never.self) { try parse(nested(31)).get() }
        #expect(error(nested(32))?.message == "values nested more than 32 deep")
        #expect(error(nested(32))?.column == 37)
        let deepObjects = "{\"a\":" + String(repeating: "{\"b\":", count: 40) + "1" + String(repeating: "}", count: 41)
        #expect(error(deepObjects)?.message == "values nested more than 32 deep")
        #expect(throws: Never.self) { try parse(nested(3), options: JSONParserOptions(maxDepth: 4)).get() }
        #expect(throws: JSONParseError.self) { try parse(nested(4), options: JSONParserOptions(maxDepth: 4)).get() }
        // Very deep input is rejected without recursion.
        #expect(error(nested(100_000))?.message == "values nested more than 32 deep")
    }

    @Test func malformedLines() {
        let cases: [(String, Int, String)] = [
            ("[1,2]", 1, "expected a JSON object, found an array"),
            ("\"str\"", 1, "expected a JSON object, found a string"),
            ("42", 1, "expected a JSON object, found a number"),
            ("null", 1, "expected a JSON object, found a literal"),
            ("", 1, "empty record; expected a JSON object"),
            ("  ", 1, "empty record; expected a JSON object"),
            ("{\"a\":1", 7, "unexpected end of record: expected ',' or '}'"),
            ("{\"a\":", 6, "unexpected end of record: expected a value"),
            ("{\"a\"", 5, "unexpected end of record: expected ':' after the key"),
            ("{\"a", 2, "unterminated string"),
            ("{\"a\":\"x\\q\"}", 8, "invalid escape \\q"),
            ("{\"a\":\"\\u12G4\"}", 7, "invalid \\u escape: expected 4 hex digits"),
            ("{\"a\":01}", 6, "invalid number: leading zero"),
            ("{\"a\":-01}", 6, "invalid number: leading zero"),
            ("{\"a\":1.}", 8, "invalid number: expected a digit after '.'"),
            ("{\"a\":1.e5}", 8, "invalid number: expected a digit after '.'"),
            ("{\"a\":-}", 7, "invalid number: expected a digit"),
            ("{\"a\":1e}", 8, "invalid number: expected a digit in the exponent"),
            ("{\"a\":.5}", 6, "unexpected character '.'; expected a value"),
            ("{\"a\":+1}", 6, "unexpected character '+'; expected a value"),
            ("{\"a\":\"x\ty\"}", 8, "control character U+0009 in string (it must be escaped)"),
            ("{\"a\":1} x", 9, "unexpected text after the object"),
            ("{\"a\":1}{}", 8, "unexpected text after the object"),
            ("{\"a\":1,}", 8, "unexpected character '}'; expected a key in double quotes"),
            ("{\"a\" 1}", 6, "unexpected character '1'; expected ':' after the key"),
            ("{a:1}", 2, "unexpected character 'a'; expected a key in double quotes"),
            ("{'a':1}", 2, "unexpected character '''; expected a key in double quotes"),
            ("{\"a\":tru}", 6, "invalid literal; expected true"),
            ("{\"a\":nul", 6, "invalid literal; expected null"),
            ("{\"a\":1x}", 7, "unexpected character 'x'; expected ',' or '}'"),
            ("{\"a\":[1,]}", 9, "unexpected character ']'; expected a value"),
            ("{\"a\":[1}", 8, "unexpected character '}'; expected ',' or ']'"),
            ("{\"a\":{\"b\"}}", 10, "unexpected character '}'; expected ':' after the key"),
            ("{\"a\":[1,2", 10, "unexpected end of record: expected ',' or ']'"),
            ("{\"a\":1 \"b\":2}", 8, "unexpected character '\"'; expected ',' or '}'"),
        ]
        for (text, column, message) in cases {
            let e = error(text)
            #expect(e == JSONParseError(column: column, message: message), "\(text)")
        }
    }

    @Test func invalidUTF8AndNUL() {
        func error(_ b: [UInt8]) -> JSONParseError? {
            if case .failure(let e) = parse(b) { return e }
            return nil
        }
        #expect(
            error(bytes("{\"a\":\"") + [0xFF] + bytes("\"}"))
                == JSONParseError(
                    column: 7, message: "invalid UTF-8 (byte 0xFF; the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
        )
        #expect(
            error(bytes("{\"a\":\"") + [0xC3] + bytes("\"}"))
                == JSONParseError(
                    column: 7, message: "invalid UTF-8 (byte 0xC3; the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)")
        )
        #expect(error(bytes("{\"a\":\"") + [0xED, 0xA0, 0x80] + bytes("\"}"))?.message == "invalid UTF-8 (byte 0xED)")
        #expect(error(bytes("{\"") + [0xE9] + bytes("\":1}"))?.column == 3)
        #expect(error(bytes("{\"a\":\"x") + [0] + bytes("\"}")) == JSONParseError(column: 8, message: "NUL byte in string"))
        #expect(error(bytes("{\"a\":1}") + [0]) == JSONParseError(column: 8, message: "unexpected text after the object"))
        #expect(error(bytes("{\"a\":") + [0] + bytes("}")) == JSONParseError(column: 6, message: "NUL byte; expected a value"))
        #expect(error(bytes("{\"a\":1,") + [0xC3, 0xA9] + bytes("}"))?.message == "unexpected non-ASCII character; expected a key in double quotes")
    }

    @Test func duplicateKeys() throws {
        #expect(error(#"{"a":1,"b":2,"a":3}"#) == JSONParseError(column: 14, message: "duplicate key 'a'"))
        #expect(error(#"{"a":1,"\u0061":2}"#)?.message == "duplicate key 'a'")
        // Equal keys nested in values are not duplicates of the record's keys.
        #expect(throws: Never.self) { try parse(#"{"a":{"a":1,"a":2},"b":[{"a":1}]}"#).get() }
        // Many distinct keys (more than the first hash table) are fine.
        let many = "{" + (0..<500).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try parse(many).get().count == 500)
        #expect(error(String(many.dropLast()) + ",\"k123\":0}")?.message == "duplicate key 'k123'")

        let reporting = JSONLineParser(options: JSONParserOptions(duplicateKeys: .report))
        try bytes(#"{"x":1,"y":2,"x":3,"y":4}"#).withUnsafeBytes { buf in
            try reporting.parse(buf)
            #expect(reporting.members.count == 4)
            #expect(reporting.duplicateMemberIndex == 2)
        }
        try bytes(#"{"x":1}"#).withUnsafeBytes { buf in
            try reporting.parse(buf)
            #expect(reporting.duplicateMemberIndex == nil)
        }
        let allowing = JSONLineParser(options: JSONParserOptions(duplicateKeys: .allow))
        try bytes(#"{"x":1,"x":3}"#).withUnsafeBytes { buf in
            try allowing.parse(buf)
            #expect(allowing.members.count == 2)
            #expect(allowing.duplicateMemberIndex == nil)
        }
    }

    @Test func parserIsReusable() throws {
        let parser = JSONLineParser()
        for i in 0..<100 {
            let line = bytes("{\"i\":\(i),\"s\":\"v\(i)\"}")
            try line.withUnsafeBytes { buf in
                try parser.parse(buf)
                #expect(parser.members.count == 2)
                #expect(String(decoding: parser.rawValue(of: parser.members[0], in: buf), as: UTF8.self) == "\(i)")
            }
            // A failed parse in between does not leave stale state behind.
            #expect(throws: JSONParseError.self) { try bytes("{").withUnsafeBytes { try parser.parse($0) } }
        }
    }
}

@Suite("NDJSON known keys")
struct JSONKnownKeyTests {
    func indexes(_ parser: JSONLineParser, _ text: String) throws -> [Int32] {
        try bytes(text).withUnsafeBytes { buf in
            try parser.parse(buf)
            return parser.members.map(\.keyIndex)
        }
    }

    @Test func keysAreReportedByIndexWhateverTheOrder() throws {
        let parser = JSONLineParser(keys: ["id", "age", "sex"])
        #expect(try indexes(parser, #"{"id":"P1","age":4,"sex":"f"}"#) == [0, 1, 2])
        // A key left out, an unknown key, a different order, an escaped key.
        #expect(try indexes(parser, #"{"id":"P2","sex":"f"}"#) == [0, 2])
        #expect(try indexes(parser, #"{"id":"P3","note":1,"age":4}"#) == [0, -1, 1])
        #expect(try indexes(parser, #"{"sex":"m","\u0061ge":4,"id":"P4"}"#) == [2, 1, 0])
        // Near misses of the guessed key are not taken for it.
        #expect(try indexes(parser, #"{"id":"P5","ag":4,"ages":5,"age ":6}"#) == [0, -1, -1, -1])
        #expect(try indexes(JSONLineParser(), #"{"id":"P6"}"#) == [-1])
    }

    @Test func repeatedKeysAreFoundByIndexAndByName() throws {
        let parser = JSONLineParser(keys: ["id", "age"])
        _ = try indexes(parser, #"{"id":"P1","age":4}"#)
        #expect(throws: JSONParseError(column: 20, message: "duplicate key 'age'")) {
            try indexes(parser, #"{"id":"P1","age":4,"\u0061ge":5}"#)
        }
        #expect(parser.members.isEmpty)
        // The first member that repeats a key is the one reported, known or not.
        #expect(throws: JSONParseError(column: 26, message: "duplicate key 'x'")) {
            try indexes(parser, #"{"x":1,"id":"P2","age":3,"x":2,"age":4}"#)
        }
        #expect(throws: JSONParseError(column: 26, message: "duplicate key 'age'")) {
            try indexes(parser, #"{"x":1,"age":3,"id":"P2","age":4,"x":2}"#)
        }
    }

    @Test func keysOfEveryLengthMatchOnlyThemselves() throws {
        // Guessed keys are compared a word at a time, with lengths between
        // words covered by overlapping loads: every byte must count.
        for length in 1...40 {
            let key = String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + ($0 * 7) % 26))) })
            let parser = JSONLineParser(keys: [key])
            let good = "{\"\(key)\":1}"
            var near = [String(key.dropLast()), key + "z", "\(key)\\u0000"]
            for position in 0..<length {
                var bytes = Array(key.utf8)
                bytes[position] = bytes[position] == 0x5A ? 0x59 : 0x5A
                near.append(String(decoding: bytes, as: UTF8.self))
            }
            for other in near {
                // The good line first, so that the parser guesses `key`.
                #expect(try indexes(parser, good) == [0])
                #expect(try indexes(parser, good) == [0])
                #expect(try indexes(parser, "{\"\(other)\":1}") == [-1], "\(key) against \(other)")
            }
        }
    }
}
