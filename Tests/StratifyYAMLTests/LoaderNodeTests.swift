import StratifyCore
@testable import StratifyYAML
import Testing

@Suite("YAMLLoader: nodes and their locations")
struct LoaderNodeTests {
    @Test func blockAndFlowCollections() throws {
        let root = try load(
            """
            name: demo
            inputs:
              - phq9_total
              - "gad7"
            models: {a: 1, b: [x, 'y']}
            """)
        #expect(at(root.location) == "1:1")
        let pairs = try #require(root.mapping)
        #expect(pairs.map { $0.key.scalar } == ["name", "inputs", "models"])
        #expect(at(pairs[0].key.location) == "1:1")
        #expect(at(pairs[0].key.end) == "1:5")

        let name = try #require(value(root, "name"))
        #expect(name.scalar == "demo")
        #expect(name.location == SourceLocation(line: 1, column: 7, offset: 6))
        #expect(name.end == SourceLocation(line: 1, column: 11, offset: 10))

        let inputs = try #require(value(root, "inputs"))
        let items = try #require(inputs.sequence)
        #expect(at(inputs.location) == "3:3")
        #expect(items.map(\.scalar) == ["phq9_total", "gad7"])
        #expect(at(items[0].location) == "3:5")
        #expect(at(items[1].location) == "4:6")
        #expect(at(items[1].end) == "4:11")

        let models = try #require(value(root, "models"))
        #expect(at(models.location) == "5:9")
        #expect(at(models.end) == "5:28")
        #expect(at(value(models, "a")?.location) == "5:13")
        let b = try #require(value(models, "b"))
        #expect(at(b.location) == "5:19")
        #expect(at(b.end) == "5:27")
        #expect(b.sequence?.map(\.scalar) == ["x", "y"])
        #expect(at(b.sequence?[1].location) == "5:24")
        #expect(b.sequence?[1].kind.style == .singleQuoted)
    }

    @Test func allScalarStyles() throws {
        let root = try load(
            """
            plain: hello world
            single: 'it''s'
            double: "a\\tb\\u00e9"
            literal: |
              line one
               line two
            folded: >-
              folded
              text
            multi: first
              second
            empty:
            """)
        let expected: [(String, String, YAMLNode.ScalarStyle, String)] = [
            ("plain", "hello world", .plain, "1:8"),
            ("single", "it's", .singleQuoted, "2:10"),
            ("double", "a\tbé", .doubleQuoted, "3:10"),
            ("literal", "line one\n line two\n", .literal, "4:10"),
            ("folded", "folded text", .folded, "7:9"),
            ("multi", "first second", .plain, "10:8"),
            ("empty", "", .plain, "12:7"),
        ]
        for (key, text, style, location) in expected {
            let node = try #require(value(root, key), "\(key)")
            #expect(node.scalar == text, "\(key)")
            #expect(node.kind.style == style, "\(key)")
            #expect(at(node.location) == location, "\(key)")
        }
        #expect(value(root, "empty")?.isNull == true)
        #expect(at(value(root, "multi")?.end) == "11:9")
    }

    @Test func columnsCountUnicodeScalarsAndOffsetsCountBytes() throws {
        let root = try load("é: \"ü\"\nb: 😀x\n")
        let first = try #require(root.mapping?.first)
        #expect(first.key.scalar == "é")
        #expect(first.value.location == SourceLocation(line: 1, column: 5, offset: 5))
        let b = try #require(value(root, "b"))
        #expect(b.scalar == "😀x")
        #expect(b.location == SourceLocation(line: 2, column: 4, offset: 12))
        #expect(b.end == SourceLocation(line: 2, column: 6, offset: 17))
    }

    @Test func tabsAreOneColumn() throws {
        let root = try load("a:\t1\nb:\t\"x\"\n")
        #expect(at(value(root, "a")?.location) == "1:4")
        #expect(at(value(root, "b")?.location) == "2:5")
    }

    @Test func utf8ByteOrderMarkIsAcceptedAndNotAColumn() throws {
        let source = SourceFile(path: "bom.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 2\n".utf8))
        let root = try YAMLLoader.load(source)
        let first = try #require(root.mapping?.first)
        #expect(first.key.location == SourceLocation(line: 1, column: 1, offset: 3))
        #expect(first.value.location == SourceLocation(line: 1, column: 4, offset: 6))
        #expect(value(root, "b")?.location == SourceLocation(line: 2, column: 4, offset: 11))
        #expect(source.lineText(1) == "a: 1")
    }

    @Test func crlfLineEnds() throws {
        let root = try load("a: 1\r\nb: |\r\n  x\r\n  y\r\n")
        #expect(value(root, "b")?.location == SourceLocation(line: 2, column: 4, offset: 9))
        #expect(value(root, "b")?.scalar == "x\ny\n")
        #expect(root.mapping?[1].key.location == SourceLocation(line: 2, column: 1, offset: 6))
    }

    /// libyaml also breaks lines at a lone CR; our locations follow
    /// `SourceFile`, which breaks at LF only, so the caret still lines up
    /// with the text that `lineText` shows.
    @Test func loneCarriageReturnDoesNotStartALine() throws {
        let root = try load("a: 1\rb: 2")
        #expect(root.mapping?[1].key.location == SourceLocation(line: 1, column: 6, offset: 5))
    }

    @Test func coreSchemaTagsAreKept() throws {
        let root = try load(
            """
            a: !!str 12
            b: !!int "7"
            c: ! x
            d: !!map {k: v}
            e: !!seq [1]
            f: &anc !!str "v"
            g: !<tag:yaml.org,2002:bool> true
            h: !!null
            i: plain
            """)
        #expect(value(root, "a")?.tag == "!!str")
        #expect(at(value(root, "a")?.location) == "1:10")
        #expect(value(root, "b")?.tag == "!!int")
        #expect(at(value(root, "b")?.location) == "2:11")
        #expect(value(root, "c")?.tag == "!")
        #expect(at(value(root, "c")?.location) == "3:6")
        #expect(value(root, "d")?.tag == "!!map")
        #expect(value(root, "e")?.tag == "!!seq")
        #expect(value(root, "f")?.tag == "!!str")
        #expect(at(value(root, "f")?.location) == "6:16")
        #expect(value(root, "g")?.tag == "!!bool")
        #expect(value(root, "h")?.tag == "!!null")
        #expect(value(root, "h")?.scalar == "")
        #expect(value(root, "i")?.tag == nil)
    }

    @Test func anchorsAndAliasesAreExpanded() throws {
        let root = try load(
            """
            defaults: &d
              weight: 1
              tags: [a, b]
            one: *d
            two:
              - *d
              - &s scalar
              - *s
            three: {*s : v}
            """)
        let defaults = try #require(value(root, "defaults"))
        let one = try #require(value(root, "one"))
        #expect(value(one, "weight")?.scalar == "1")
        #expect(value(one, "tags")?.sequence?.map(\.scalar) == ["a", "b"])
        // An expanded alias keeps the locations of the anchored text.
        #expect(one.location == defaults.location)
        #expect(at(value(one, "weight")?.location) == "2:11")
        let two = try #require(value(root, "two")?.sequence)
        #expect(two.count == 3)
        #expect(value(two[0], "weight")?.scalar == "1")
        #expect(two[1].scalar == "scalar")
        #expect(two[2].scalar == "scalar")
        #expect(at(two[2].location) == "7:8")
        #expect(value(value(root, "three"), "scalar")?.scalar == "v")
    }

    @Test func aliasesMayBeRedefined() throws {
        let root = try load("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(value(root, "b")?.scalar == "1")
        #expect(value(root, "d")?.scalar == "2")
    }

    @Test func documentMarkersAreAllowed() throws {
        let root = try load("%YAML 1.1\n---\na: 1\n...\n")
        #expect(value(root, "a")?.scalar == "1")
        #expect(at(value(root, "a")?.location) == "3:4")
    }

    @Test func nestingUpToTheLimitLoads() throws {
        let depth = YAMLLimits.default.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var node = try load(text)
        var levels = 1
        while let inner = node.sequence?.first {
            node = inner
            levels += 1
        }
        #expect(levels == depth)
    }
}

extension YAMLNode.Kind {
    var style: YAMLNode.ScalarStyle? {
        if case .scalar(_, let style) = self { return style }
        return nil
    }
}
