import StratifyCore
import StratifyYAML
import Testing

@Suite("YAMLLoader: refusals")
struct LoaderRefusalTests {
    @Test func fileOverTheSizeLimit() throws {
        let limits = YAMLLimits(maxFileBytes: 10)
        let diagnostic = try #require(refusal("a: 12345678\n", limits: limits))
        #expect(diagnostic.location == nil)
        #expect(diagnostic.path == "rules.yaml")
        #expect(diagnostic.message.contains("12 bytes, over the limit of 10 bytes"))
        #expect(refusal("a: 1234\n", limits: limits) == nil)
    }

    @Test(arguments: ["", "# only a comment\n\n   # and another\n", "\n  \n\t\n", "\t# tabbed comment\r\n", "---\n", "--- # empty\n...\n"])
    func emptyFile(text: String) throws {
        let diagnostic = try #require(refusal(text))
        #expect(diagnostic.message.hasPrefix("the rule file is empty"))
        #expect(diagnostic.message.contains("`identifier`, `inputs`, `tiers`, `domains`, `overall` and `models`"))
        #expect(at(diagnostic.location) == "1:1")
        #expect(diagnostic.severity == .error)
    }

    @Test func byteOrderMarkAndCommentsOnlyIsEmpty() throws {
        let diagnostic = try #require(refusal([0xEF, 0xBB, 0xBF] + Array("# nothing\n".utf8)))
        #expect(diagnostic.message.hasPrefix("the rule file is empty"))
    }

    @Test func invalidUTF8PointsAtTheFirstBadByte() throws {
        let cases: [([UInt8], String, Int)] = [
            (Array("a: ok\nb: x".utf8) + [0xFF] + Array("y\n".utf8), "2:5", 10),
            (Array("a: é".utf8) + [0xC3], "1:5", 5),  // truncated at the end
            (Array("a: ".utf8) + [0xC3, 0x28], "1:4", 3),  // bad continuation
            (Array("a: ".utf8) + [0xC0, 0x80], "1:4", 3),  // overlong NUL
            (Array("a: ".utf8) + [0xED, 0xA0, 0x80], "1:4", 3),  // UTF-16 surrogate
            (Array("a: ".utf8) + [0xF4, 0x90, 0x80, 0x80], "1:4", 3),  // past U+10FFFF
            (Array("# ü\nk: ".utf8) + [0x80], "2:4", 8),  // lone continuation byte
        ]
        for (bytes, location, offset) in cases {
            let diagnostic = try #require(refusal(bytes))
            #expect(diagnostic.message.contains("not valid UTF-8"))
            #expect(at(diagnostic.location) == location)
            #expect(diagnostic.location?.offset == offset)
        }
        let first = try #require(refusal(cases[0].0))
        #expect(first.message.contains("0xFF"))
    }

    @Test func utf16AndUTF32AreRefused() throws {
        let cases: [([UInt8], String)] = [
            ([0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00], "UTF-16 (little-endian)"),
            ([0xFE, 0xFF, 0x00, 0x61, 0x00, 0x3A], "UTF-16 (big-endian)"),
            ([0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00], "UTF-32 (little-endian)"),
            ([0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x61], "UTF-32 (big-endian)"),
        ]
        for (bytes, encoding) in cases {
            let diagnostic = try #require(refusal(bytes))
            #expect(diagnostic.message.contains(encoding))
            #expect(diagnostic.message.contains("must be UTF-8"))
            #expect(at(diagnostic.location) == "1:1")
        }
    }

    @Test func syntaxErrorsCarryLibYAMLsProblemAndPosition() throws {
        let mappingValues = try #require(refusal("a: b: c\n"))
        #expect(mappingValues.message == "mapping values are not allowed in this context")
        #expect(at(mappingValues.location) == "1:5")

        let unclosed = try #require(refusal("first: 1\nkey: [1, 2\n"))
        #expect(unclosed.message == "did not find expected ',' or ']'")
        #expect(at(unclosed.location) == "3:1")
        #expect(unclosed.notes == ["while parsing a flow sequence that starts at 2:6"])

        let badIndent = try #require(refusal("a:\n  b: 1\n c: 2\n"))
        #expect(badIndent.message == "did not find expected key")
        #expect(at(badIndent.location) == "3:2")
        #expect(badIndent.notes == ["while parsing a block mapping that starts at 1:1"])

        let tab = try #require(refusal("a:\n\tb: 1\n"))
        #expect(tab.message == "found character that cannot start any token")
        #expect(at(tab.location) == "2:1")
        #expect(tab.notes.contains("YAML does not allow tabs for indentation; use spaces"))

        // libyaml 0.2.5 refuses a tab after a sequence's dash, too.
        let dashTab = try #require(refusal("a:\n  -\t1\n"))
        #expect(at(dashTab.location) == "2:4")
        #expect(dashTab.notes.contains("YAML does not allow tabs for indentation; use spaces"))

        let quote = try #require(refusal("a: \"open\nb: 1\n"))
        #expect(quote.message == "found unexpected end of stream")
        #expect(at(quote.location) == "3:1")
        #expect(quote.notes == ["while scanning a quoted scalar that starts at 1:4"])
    }

    @Test func controlCharactersAreRefusedWhereTheyAre() throws {
        let diagnostic = try #require(refusal("a: 1\nb: x\u{7}y\n"))
        #expect(diagnostic.message == "control characters are not allowed (found U+0007)")
        #expect(diagnostic.location == SourceLocation(line: 2, column: 5, offset: 9))

        let afterBOM = try #require(refusal([0xEF, 0xBB, 0xBF] + Array("a: \u{0}".utf8)))
        #expect(afterBOM.location == SourceLocation(line: 1, column: 4, offset: 6))
    }

    @Test func aSecondDocumentIsRefusedWithoutReadingIt() throws {
        let diagnostic = try #require(refusal("a: 1\n---\nb: [unclosed\n"))
        #expect(diagnostic.message == "a rule file holds one YAML document; found a second at 2:1")
        #expect(at(diagnostic.location) == "2:1")
        #expect(diagnostic.notes == ["the first document starts at line 1"])

        let afterEnd = try #require(refusal("a: 1\n...\n---\nb: 2\n"))
        #expect(afterEnd.message.contains("found a second at 3:1"))
    }

    @Test func nestingDeeperThanTheLimit() throws {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(refusal("a: {b: [1]}\n", limits: limits) == nil)
        let diagnostic = try #require(refusal("a: {b: [1, {c: d}]}\n", limits: limits))
        #expect(diagnostic.message == "the rule file nests mappings and lists deeper than 3 levels")
        #expect(at(diagnostic.location) == "1:12")

        let block = try #require(refusal("a:\n  b:\n    - c:\n        d\n", limits: limits))
        #expect(at(block.location) == "3:7")
    }

    @Test func aliasesCountWithTheDepthTheyExpandTo() throws {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(refusal("x: &x [[1]]\ny: *x\n", limits: limits) == nil)
        let diagnostic = try #require(refusal("x: &x [[1]]\ny: [*x]\n", limits: limits))
        #expect(diagnostic.message == "alias '*x' nests mappings and lists deeper than 3 levels")
        #expect(at(diagnostic.location) == "2:5")
        #expect(diagnostic.length == 2)
    }

    @Test func duplicateKeys() throws {
        let plain = try #require(refusal("name: a\nother: b\nname: c\n"))
        #expect(plain.message == "duplicate key 'name' (first defined on line 1)")
        #expect(at(plain.location) == "3:1")
        #expect(plain.length == 4)

        // Keys compare by their text, whatever their style.
        let quoted = try #require(refusal("x: 1\n\"x\": 2\n"))
        #expect(quoted.message == "duplicate key 'x' (first defined on line 1)")
        #expect(at(quoted.location) == "2:2")

        let nested = try #require(refusal("top:\n  - {a: 1, b: 2, a: 3}\n"))
        #expect(nested.message == "duplicate key 'a' (first defined on line 2)")
        #expect(at(nested.location) == "2:18")

        let viaAlias = try #require(refusal("a: &k key\nm: {key: 1, *k : 2}\n"))
        #expect(viaAlias.message == "duplicate key 'key' (first defined on line 2)")
        #expect(at(viaAlias.location) == "2:13")

        // The same key in different mappings is fine.
        #expect(refusal("a: {x: 1}\nb: {x: 2}\n") == nil)
    }

    @Test func keysMustBeScalars() throws {
        let block = try #require(refusal("? [a, b]\n: 1\n"))
        #expect(block.message == "mapping keys must be scalars")
        #expect(at(block.location) == "1:3")

        let flow = try #require(refusal("m: {{x: 1}: 2}\n"))
        #expect(flow.message == "mapping keys must be scalars")
        #expect(at(flow.location) == "1:5")

        let alias = try #require(refusal("s: &s [1]\nm: {*s : 2}\n"))
        #expect(alias.message == "mapping keys must be scalars")
        #expect(at(alias.location) == "2:5")
    }

    @Test func undefinedAlias() throws {
        let diagnostic = try #require(refusal("a: 1\nb: [x, *nope]\n"))
        #expect(diagnostic.message == "undefined alias '*nope': no anchor '&nope' comes before it")
        #expect(at(diagnostic.location) == "2:8")
        #expect(diagnostic.length == 5)

        // An anchor defined after its use is not defined at the use.
        let later = try #require(refusal("b: *a\na: &a 1\n"))
        #expect(at(later.location) == "1:4")
    }

    @Test func recursiveAlias() throws {
        let diagnostic = try #require(refusal("a: &x\n  b: *x\n"))
        #expect(diagnostic.message == "alias '*x' refers to a node that contains it (a recursive alias)")
        #expect(at(diagnostic.location) == "2:6")

        let flow = try #require(refusal("a: &x [1, [2, *x]]\n"))
        #expect(at(flow.location) == "1:15")
    }

    @Test func tagsOutsideTheCoreSchema() throws {
        let python = try #require(refusal("a: 1\nb: !!python/object {}\n"))
        #expect(python.message.hasPrefix("tag '!!python/object' is not allowed"))
        #expect(python.message.contains("core schema"))
        #expect(at(python.location) == "2:4")
        #expect(python.length == 15)

        let local = try #require(refusal("a: &anchor !local x\n"))
        #expect(local.message.hasPrefix("tag '!local' is not allowed"))
        #expect(at(local.location) == "1:12")

        let verbatim = try #require(refusal("a: !<tag:example.com,2000:x> 1\n"))
        #expect(verbatim.message.hasPrefix("tag '!<tag:example.com,2000:x>' is not allowed"))
        #expect(at(verbatim.location) == "1:4")

        let onSequence = try #require(refusal("a:\n  - !!binary R0lG\n"))
        #expect(onSequence.message.hasPrefix("tag '!!binary' is not allowed"))
        #expect(at(onSequence.location) == "2:5")

        let wrongKind = try #require(refusal("a: !!map x\n"))
        #expect(wrongKind.message == "tag '!!map' cannot be used on a scalar")
        #expect(at(wrongKind.location) == "1:4")

        let seqOnMapping = try #require(refusal("a: !!seq {k: v}\n"))
        #expect(seqOnMapping.message == "tag '!!seq' cannot be used on a mapping")
    }

    @Test func scalarOverTheLimit() throws {
        let limits = YAMLLimits(maxScalarBytes: 8)
        #expect(refusal("a: '12345678'\n", limits: limits) == nil)
        let diagnostic = try #require(refusal("a: 1\nb: '123456789'\n", limits: limits))
        #expect(diagnostic.message == "a scalar of 9 bytes is over the limit of 8 bytes")
        #expect(at(diagnostic.location) == "2:5")
    }

    @Test func nodeAndAliasLimits() throws {
        let nodes = try #require(refusal("a: [1, 2, 3]\nb: 4\n", limits: YAMLLimits(maxNodes: 6)))
        #expect(nodes.message == "the rule file has more than 6 nodes once aliases are expanded")
        #expect(at(nodes.location) == "2:1")

        let aliases = try #require(refusal("a: &a 1\nb: [*a, *a, *a]\n", limits: YAMLLimits(maxAliases: 2)))
        #expect(aliases.message == "the rule file uses more than 2 aliases")
        #expect(at(aliases.location) == "2:13")
    }

    @Test func diagnosticsNameTheFile() throws {
        do {
            _ = try YAMLLoader.load(SourceFile(path: "Rules/default.yaml", text: "a: b: c\n"))
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description == "Rules/default.yaml:1:5: error: mapping values are not allowed in this context")
        }
    }
}
