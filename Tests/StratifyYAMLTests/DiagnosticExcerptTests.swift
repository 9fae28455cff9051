import StratifyCore
@testable import StratifyYAML
import Testing

/// A hostile line in a diagnostic: a very long one is cut to a window
/// around the caret, and control characters never reach the terminal.
@Suite("DiagnosticRenderer excerpts")
struct DiagnosticExcerptTests {
    private func rendered(_ bytes: [UInt8]) throws -> String {
        try renderedRefusal(SourceFile(path: "rules.yaml", bytes: bytes))
    }

    @Test func longLineIsCutAroundTheCaret() throws {
        let text = try rendered(Array("x: ".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 200_000))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0] == "rules.yaml:1:67: error: the rule file nests mappings and lists deeper than 64 levels")
        // `…` + 160 columns + `…`, and the caret under column 67.
        #expect(lines[1] == " 1 | …" + String(repeating: "[", count: 160) + "…")
        #expect(lines[2] == "   | " + String(repeating: " ", count: 67 - 26) + "^")
    }

    @Test func shortLinesAreShownWhole() throws {
        let line = "a: " + String(repeating: "b", count: DiagnosticRenderer.maxLineWidth - 8) + ": c"
        let text = try rendered(Array((line + "\n").utf8))
        #expect(text.contains(" 1 | \(line)\n"))
    }

    @Test func controlCharactersAreReplaced() throws {
        // An escape sequence written with YAML's \e escape, quoted back in
        // the message, and a raw one on the line shown.
        let text = try rendered(Array("\"\\e[31m\": 1\n\"\\e[31m\": 2\n".utf8))
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(text.contains("duplicate key '\u{FFFD}[31m'"))
        let excerpt = DiagnosticRenderer.excerpt(of: "a: \u{1B}[2J\u{202E}b", column: 4, length: 3)
        #expect(excerpt.text == "a: \u{FFFD}[2J\u{FFFD}b")
        #expect(excerpt.width == 3)
    }
}
