import StratifyCore
import StratifyYAML
import Testing

/// `SourceFile.location(in:utf8Offset:)`: from a byte of a scalar's value
/// back to the source character that produced it.
@Suite("Scalar positions")
struct ScalarPositionTests {
    /// Loads `text`, finds the scalar under `key`, and returns the location
    /// of the first occurrence of `needle` in its value.
    private func locate(_ needle: String, in key: String, of text: String, occurrence: Int = 0) throws -> String {
        let source = SourceFile(path: "rules.yaml", text: text)
        let root = try YAMLLoader.load(source)
        let node = try #require(value(root, key))
        let scalar = try #require(node.scalar)
        let offset = try #require(byteOffset(of: needle, in: scalar, occurrence: occurrence), "\(needle) in \(scalar)")
        return at(source.location(in: node, utf8Offset: offset))
    }

    private func byteOffset(of needle: String, in haystack: String, occurrence: Int) -> Int? {
        let bytes = Array(haystack.utf8)
        let pattern = Array(needle.utf8)
        var seen = 0
        guard pattern.count <= bytes.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
            if seen == occurrence { return start }
            seen += 1
        }
        return nil
    }

    @Test func doubleQuotedWithEscapedQuotes() throws {
        let text = #"when: "a and \"x\" or phq_total""# + "\n"
        // The value is `a and "x" or phq_total`; each \" is two source bytes.
        #expect(try locate("phq_total", in: "when", of: text) == "1:23")
        #expect(try locate("x", in: "when", of: text) == "1:16")
        #expect(try locate("\"", in: "when", of: text) == "1:14")
        #expect(try locate("a", in: "when", of: text) == "1:8")
    }

    @Test func doubleQuotedWithUnicodeAndOtherEscapes() throws {
        let text = #"x: "caf\u00e9 \x41\n\t phq""# + "\n"
        // `café A\n\t phq`: é is two value bytes from a six-byte escape.
        #expect(try locate("é", in: "x", of: text) == "1:8")
        #expect(try locate("A", in: "x", of: text) == "1:15")
        #expect(try locate("\n", in: "x", of: text) == "1:19")
        #expect(try locate("\t", in: "x", of: text) == "1:21")
        #expect(try locate("phq", in: "x", of: text) == "1:24")

        // An offset inside the two bytes of é still lands on its escape.
        let source = SourceFile(path: "rules.yaml", text: text)
        let node = try #require(value(try YAMLLoader.load(source), "x"))
        #expect(at(source.location(in: node, utf8Offset: 4)) == "1:8")
    }

    @Test func doubleQuotedMultiLine() throws {
        let text = """
            x: "one
              two \\
              three

              four"
            """
        // Folded: "one two three\nfour": the first break becomes a space, the
        // escaped break joins, the empty line is one line feed.
        let source = SourceFile(path: "rules.yaml", text: text)
        let node = try #require(value(try YAMLLoader.load(source), "x"))
        #expect(node.scalar == "one two three\nfour")
        #expect(try locate("two", in: "x", of: text) == "2:3")
        #expect(try locate("three", in: "x", of: text) == "3:3")
        #expect(try locate("four", in: "x", of: text) == "5:3")
        #expect(try locate(" ", in: "x", of: text) == "1:8")
        // A line feed kept from an empty line maps to that line.
        #expect(try locate("\n", in: "x", of: text) == "4:1")
    }

    @Test func singleQuoted() throws {
        let text = """
            when: 'it''s
              phq_total'
            """
        #expect(try locate("phq_total", in: "when", of: text) == "2:3")
        #expect(try locate("'", in: "when", of: text) == "1:10")
        #expect(try locate("s", in: "when", of: text) == "1:12")
        #expect(try locate(" ", in: "when", of: text) == "1:13")
    }

    @Test func plainSingleAndMultiLine() throws {
        #expect(try locate("phq_total", in: "when", of: "when: a and phq_total >= 3\n") == "1:13")
        let text = """
            when: a and
              b or


                phq_total
            """
        // "a and b or\n\nphq_total": one break folds, two empty lines stay.
        #expect(try locate("b", in: "when", of: text) == "2:3")
        #expect(try locate("phq_total", in: "when", of: text) == "5:5")
        #expect(try locate(" ", in: "when", of: text, occurrence: 1) == "1:12")
        #expect(try locate("\n", in: "when", of: text) == "3:1")
    }

    @Test func plainWithMultiByteCharacters() throws {
        let text = "when: ü and é or phq\n"
        #expect(try locate("é", in: "when", of: text) == "1:13")
        #expect(try locate("phq", in: "when", of: text) == "1:18")
    }

    @Test func literalBlock() throws {
        let text = """
            when: |
              a and
                phq_total

              end
            next: 1
            """
        #expect(try locate("a", in: "when", of: text) == "2:3")
        #expect(try locate("phq_total", in: "when", of: text) == "3:5")
        #expect(try locate("end", in: "when", of: text) == "5:3")
        #expect(try locate("\n", in: "when", of: text) == "2:8")
    }

    @Test func foldedBlock() throws {
        let text = """
            when: >-
              a and
              phq_total
               more
              last
            """
        // "a and phq_total\n more\nlast": lines fold, the more-indented line keeps its breaks.
        #expect(try locate("phq_total", in: "when", of: text) == "3:3")
        #expect(try locate(" ", in: "when", of: text, occurrence: 1) == "2:8")
        #expect(try locate(" more", in: "when", of: text) == "4:3")
        #expect(try locate("last", in: "when", of: text) == "5:3")
    }

    @Test func blockWithIndentationIndicatorAndComment() throws {
        let text = "outer:\n  when: |2+ # kept\n      indented\n    x\n\n"
        let source = SourceFile(path: "rules.yaml", text: text)
        let node = try #require(value(value(try YAMLLoader.load(source), "outer"), "when"))
        #expect(node.scalar == "  indented\nx\n\n")
        #expect(at(source.location(in: node, utf8Offset: 2)) == "3:7")
        #expect(at(source.location(in: node, utf8Offset: 11)) == "4:5")
    }

    @Test func offsetsAtOrPastTheEndPointAfterTheValue() throws {
        let text = #"when: "a \"b\"""# + "\n"
        let source = SourceFile(path: "rules.yaml", text: text)
        let node = try #require(value(try YAMLLoader.load(source), "when"))
        let length = node.scalar?.utf8.count ?? 0
        // Just before the closing quote.
        #expect(at(source.location(in: node, utf8Offset: length)) == "1:15")
        #expect(at(source.location(in: node, utf8Offset: length + 10)) == "1:15")
        #expect(at(source.location(in: node, utf8Offset: -3)) == "1:8")
    }

    @Test func taggedAndAnchoredScalars() throws {
        #expect(try locate("phq", in: "when", of: "when: !!str &w \"x or phq\"\n") == "1:22")
        #expect(try locate("phq", in: "when", of: "when: &w !!str |\n  x or phq\n") == "2:8")
    }

    @Test func fallsBackToTheStartWhenItCannotBeExact() throws {
        let source = SourceFile(path: "rules.yaml", text: "a: [1, 2]\nb: text\n")
        let root = try YAMLLoader.load(source)
        let list = try #require(value(root, "a"))
        #expect(source.location(in: list, utf8Offset: 1) == list.location)

        // A node whose text is not what the source holds (from another file).
        let other = SourceFile(path: "other.yaml", text: "b: something else entirely\n")
        let node = try #require(value(root, "b"))
        #expect(other.location(in: node, utf8Offset: 2) == node.location)

        // A node located past the end of a shorter file.
        let short = SourceFile(path: "short.yaml", text: "b")
        #expect(short.location(in: node, utf8Offset: 2) == node.location)
    }

    @Test func everyByteOfEveryStyleMapsInsideTheScalar() throws {
        let text = """
            plain: one two
              three
            single: 'x ''y''
              z'
            double: "p\\tq \\u00e9\\
              r"
            literal: |
              l1
               l2
            folded: >
              f1
              f2
            """
        let source = SourceFile(path: "rules.yaml", text: text)
        let root = try YAMLLoader.load(source)
        for (key, node) in try #require(root.mapping) {
            let valueBytes = Array(try #require(node.scalar).utf8)
            var previous = source.location(in: node, utf8Offset: 0)
            for offset in 0...valueBytes.count {
                let location = source.location(in: node, utf8Offset: offset)
                #expect(location >= previous, "\(key.scalar ?? "") at \(offset)")
                #expect(location.offset <= node.end.offset, "\(key.scalar ?? "") at \(offset)")
                // A letter in the value comes from that very letter in the source.
                if offset < valueBytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(valueBytes[offset]) {
                    #expect(source.bytes[location.offset] == valueBytes[offset], "\(key.scalar ?? "") at \(offset)")
                    #expect(source.location(ofOffset: location.offset) == location)
                }
                previous = location
            }
            // The start is exact, never the fallback for a block's indicator.
            if node.kind.style == .literal || node.kind.style == .folded {
                #expect(source.location(in: node, utf8Offset: 0).line == node.location.line + 1)
            }
        }
    }
}
