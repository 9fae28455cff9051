import StratifyCore
import StratifyYAML
import Testing

@Suite("DiagnosticRenderer")
struct DiagnosticRendererTests {
    private let renderer = DiagnosticRenderer()

    private func rendered(_ text: String) throws -> String {
        try renderedRefusal(SourceFile(path: "rules.yaml", text: text))
    }

    @Test func sourceLineAndCaret() throws {
        #expect(
            try rendered("a: b: c\n") == """
                rules.yaml:1:5: error: mapping values are not allowed in this context
                 1 | a: b: c
                   |     ^
                """)
    }

    @Test func caretSpansTheLengthAndNotesFollow() throws {
        #expect(
            try rendered("name: a\nother: b\nname: c\n") == """
                rules.yaml:3:1: error: duplicate key 'name' (first defined on line 1)
                 3 | name: c
                   | ^~~~
                """)
        #expect(
            try rendered("list: [1, 2\n") == """
                rules.yaml:2:1: error: did not find expected ',' or ']'
                 2 | \("")
                   | ^
                   = while parsing a flow sequence that starts at 1:7
                """)
    }

    @Test func tabsArePreservedInTheCaretLine() throws {
        #expect(
            try rendered("a:\t*nope\n") == """
                rules.yaml:1:4: error: undefined alias '*nope': no anchor '&nope' comes before it
                 1 | a:\t*nope
                   |   \t^~~~~
                """)

        let source = SourceFile(path: "t.yaml", text: "key:\tvalue\t# c\n")
        let diagnostic = Diagnostic.warning(
            "odd value",
            path: "t.yaml",
            at: SourceLocation(line: 1, column: 6, offset: 5),
            length: 5,
            notes: ["did you mean 'values'?"]
        )
        #expect(
            renderer.render(diagnostic, source: source) == """
                t.yaml:1:6: warning: odd value
                 1 | key:\tvalue\t# c
                   |     \t^~~~~
                   = did you mean 'values'?
                """)
    }

    @Test func wideCharactersCountAsOneColumn() throws {
        #expect(
            try rendered("é: 1\nü: [*x]\n") == """
                rules.yaml:2:5: error: undefined alias '*x': no anchor '&x' comes before it
                 2 | ü: [*x]
                   |     ^~
                """)
    }

    @Test func byteOrderMarkIsNotShown() throws {
        let source = SourceFile(path: "bom.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("a: b: c\n".utf8))
        do {
            _ = try YAMLLoader.load(source)
            Issue.record("expected a refusal")
        } catch {
            #expect(
                renderer.render(error.diagnostics[0], source: source) == """
                    bom.yaml:1:5: error: mapping values are not allowed in this context
                     1 | a: b: c
                       |     ^
                    """)
        }
    }

    @Test func gutterWidensWithTheLineNumber() throws {
        let text = String(repeating: "# filler\n", count: 11) + "k: *missing\n"
        #expect(
            try rendered(text) == """
                rules.yaml:12:4: error: undefined alias '*missing': no anchor '&missing' comes before it
                 12 | k: *missing
                    |    ^~~~~~~~
                """)
    }

    @Test func fileLevelDiagnosticsHaveNoSourceLine() throws {
        let diagnostic = Diagnostic.error("the rule file is too big", path: "big.yaml", at: nil, notes: ["split it"])
        #expect(
            renderer.render(diagnostic, source: SourceFile(path: "big.yaml", text: "a: 1\n")) == """
                big.yaml: error: the rule file is too big
                    = split it
                """)
    }

    @Test func colorWrapsTheHeadlineAndCaret() throws {
        let diagnostic = Diagnostic.error("bad", path: "c.yaml", at: SourceLocation(line: 1, column: 1, offset: 0))
        let text = DiagnosticRenderer(color: true).render(diagnostic, source: SourceFile(path: "c.yaml", text: "x\n"))
        #expect(text == "\u{1B}[1;31mc.yaml:1:1: error: bad\u{1B}[0m\n 1 | x\n   | \u{1B}[1;31m^\u{1B}[0m")
    }
}
