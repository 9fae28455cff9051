import Testing
@testable import StratifyIO

@Suite("Output buffer")
struct OutputBufferTests {
    func text(_ build: (OutputBuffer) -> Void) -> String {
        let out = OutputBuffer(capacity: 1)
        build(out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func rawAppendsAndReuse() {
        let out = OutputBuffer(capacity: 8)
        out.append("static,")
        out.append(String("dynamic é"))
        out.append(0x21)
        out.append(bytes: bytes("+bytes"))
        #expect(String(decoding: out.bytes, as: UTF8.self) == "static,dynamic é!+bytes")
        let capacity = out.capacity
        out.removeAll()
        #expect(out.isEmpty && out.capacity == capacity)
        out.append("x")
        out.removeLast(1)
        #expect(out.count == 0)
        // Growing well past the initial capacity keeps the contents.
        for i in 0..<10_000 {
            out.append(decimal: i)
            out.append(0x0A)
        }
        #expect(out.bytes.split(separator: 0x0A).count == 10_000)
    }

    @Test func integers() {
        let cases: [(Int, String)] = [
            (0, "0"), (7, "7"), (-7, "-7"), (10, "10"), (-10, "-10"), (99, "99"), (100, "100"),
            (1_234_567_890, "1234567890"),
            (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
        ]
        for (value, expected) in cases {
            #expect(text { $0.append(decimal: value) } == expected)
        }
    }

    @Test func csvFieldQuoting() {
        let cases: [(String, String)] = [
            ("", ""),
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("cr\rhere", "\"cr\rhere\""),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("\ttab", "\"\ttab\""),
            ("in side", "in side"),
            ("é,ü", "\"é,ü\""),
            ("it's", "it's"),
        ]
        for (value, expected) in cases {
            #expect(text { $0.appendCSVField(value) } == expected, "\(value.debugDescription)")
        }
    }

    /// The check eight bytes a step finds a special byte at every position
    /// of every length, as a byte-at-a-time reading of the rule does.
    @Test func csvFieldQuotingAtEveryPosition() {
        func reference(_ bytes: [UInt8]) -> Bool {
            guard let first = bytes.first, let last = bytes.last else { return false }
            return [0x20, 0x09].contains(first) || [0x20, 0x09].contains(last) || bytes.contains { [0x22, 0x2C, 0x0A, 0x0D].contains($0) }
        }
        for length in 0...27 {
            for position in 0..<max(1, length) {
                for special: UInt8 in [0x22, 0x2C, 0x0A, 0x0D, 0x20, 0x09, 0x21, 0x2B, 0x0B, 0xE2] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[position] = special }
                    let written = bytes.withUnsafeBytes { value in text { $0.appendCSVField(value) } }
                    #expect(written.hasPrefix("\"") == reference(bytes), "length \(length), \(special) at \(position)")
                }
            }
        }
    }

    @Test func csvFieldRoundTripsThroughTheScanner() throws {
        let values = ["a", "b,c", "\"q\"", "x\r\ny", " s ", "", "é"]
        let out = OutputBuffer()
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.appendCSVField(v)
        }
        out.append(0x0A)
        #expect(try chunkedCSV(out.bytes).events.map(\.fields) == [values])
    }

    @Test func jsonStringEscaping() {
        let cases: [(String, String)] = [
            ("", #""""#),
            ("plain é 😀", #""plain é 😀""#),
            ("q\"b\\", #""q\"b\\""#),
            ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
            ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
            ("/\u{7F}", "\"/\u{7F}\""),
        ]
        for (value, expected) in cases {
            #expect(text { $0.appendJSONString(value) } == expected, "\(value.debugDescription)")
        }
    }

    @Test func jsonStringRoundTripsThroughTheParser() throws {
        let value = "a\"b\\c\n\u{1}é😀"
        let out = OutputBuffer()
        out.append("{\"k\":")
        out.appendJSONString(value)
        out.append("}")
        let parser = JSONLineParser()
        try out.bytes.withUnsafeBytes { buf in
            try parser.parse(buf)
            #expect(String(decoding: try parser.stringValue(of: parser.members[0], in: buf), as: UTF8.self) == value)
        }
    }

    @Test func copyWritesExactlyTheBytesAtEveryLength() {
        // The short-length paths copy with overlapping words: nothing
        // outside the destination span may change, for any length.
        for count in 0...80 {
            let source = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var destination = [UInt8](repeating: 0xAA, count: count + 32)
            source.withUnsafeBufferPointer { from in
                destination.withUnsafeMutableBufferPointer { to in
                    let end = OutputBuffer.copy(from.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: count, to: to.baseAddress! + 16)
                    #expect(end == to.baseAddress! + 16 + count)
                }
            }
            #expect(Array(destination[16..<(16 + count)]) == source, "length \(count)")
            #expect(destination[..<16].allSatisfy { $0 == 0xAA } && destination[(16 + count)...].allSatisfy { $0 == 0xAA }, "length \(count)")
        }
    }
}
