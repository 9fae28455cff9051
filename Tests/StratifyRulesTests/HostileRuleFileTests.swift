import StratifyTestSupport
import Testing
import StratifyYAML
@testable import StratifyRules

/// Garbage, truncated, mutated and random-byte rule files compile to
/// diagnostics (or, when still valid, to a program), never a crash.
@Suite struct HostileRuleFileTests {
    /// A program exactly when there is no error, and a located first error otherwise.
    private func checkConsistent(_ output: RuleCompiler.Output, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let errors = output.diagnostics.filter { $0.severity == .error }
        if output.program == nil {
            #expect(!errors.isEmpty, "\(what): no program and no error", sourceLocation: sourceLocation)
        } else {
            #expect(errors.isEmpty, "\(what): a program despite errors", sourceLocation: sourceLocation)
        }
        for diagnostic in output.diagnostics {
            if let location = diagnostic.location {
                #expect(location.line >= 1 && location.column >= 1, "\(what): \(diagnostic)", sourceLocation: sourceLocation)
            }
        }
    }

    /// (file text, its first diagnostic)
    @Test(arguments: [
        ("version: 1\n", "1:1: the rule file needs 'identifier'"),
        ("hello", "1:1: a rule file must be a mapping, found a scalar"),
        ("[1, 2]", "1:1: a rule file must be a mapping, found a list"),
        ("inputs: 5\nidentifier: id\ntiers: [a]\ndomains: {}\noverall: {}\nmodels: []", "1:9: inputs must be a mapping of names, found a scalar"),
        ("{", "1:2: did not find expected node content"),
        ("a: [1, 2", "1:9: did not find expected ',' or ']'"),
        ("a: 'unterminated", "1:17: found unexpected end of stream"),
        ("a: b: c", "1:5: mapping values are not allowed in this context"),
    ])
    func garbage(_ text: String, _ first: String) {
        let output = RuleFiles.compile(text)
        #expect(output.program == nil)
        #expect(output.onlyErrors.first.map(RuleFiles.show) == first)
    }

    @Test(arguments: ["", " ", "\n\n", "---", "~", "null", "# only a comment\n", "\u{FEFF}"])
    func emptyFilesAreRefused(_ text: String) {
        let output = RuleFiles.compile(text)
        #expect(output.program == nil)
        #expect(output.onlyErrors.count == 1)
    }

    @Test func wrongShapesEverywhere() {
        let text = """
            version: one
            identifier: [id]
            inputs:
              id: string
              age: {type: integer, min: low}
            derived:
              x: {table: 5}
            tiers: {low: 1}
            domains:
              main: [1, 2]
            overall: []
            models: {a: 1}
            review_by: 7
            """
        let output = RuleFiles.compile(text)
        checkConsistent(output, "wrong shapes")
        #expect(output.program == nil)
        #expect(output.onlyErrors.count >= 9)
    }

    @Test func invalidUTF8AndControlBytes() {
        for bytes: [UInt8] in [[0xFF, 0xFE, 0x00], [0x61, 0x3A, 0x20, 0xC3], Array("a: \u{0}b".utf8), [0xC0, 0xAF], Array(repeating: 0, count: 64)] {
            let output = RuleFiles.compile(bytes: bytes)
            #expect(output.program == nil)
            #expect(!output.onlyErrors.isEmpty)
        }
    }

    @Test func deeplyNestedYAMLAndAliasBombs() {
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deep = RuleFiles.compile(nested)
        #expect(deep.program == nil)
        #expect(deep.onlyErrors.count == 1)
        var laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            laughs += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let bomb = RuleFiles.compile(laughs)
        #expect(bomb.program == nil)
        #expect(bomb.onlyErrors.count == 1)
    }

    @Test func everyTruncationOfTheDefaultRuleFile() throws {
        let bytes = try RepositoryFixtures.source("Rules/default.yaml").bytes
        var refused = 0
        for end in stride(from: 0, to: bytes.count, by: 127) {
            let output = RuleFiles.compile(bytes: Array(bytes[..<end]))
            checkConsistent(output, "truncated at \(end)")
            if output.program == nil { refused += 1 }
        }
        // Nearly every prefix lacks a required part.
        #expect(refused >= bytes.count / 127 - 5)
    }

    @Test func randomMutationsOfTheDefaultRuleFile() throws {
        let bytes = try RepositoryFixtures.source("Rules/default.yaml").bytes
        var random = SplitMix64(seed: 42)
        let junk = Array("{}[]:,-'\"&*!|>#%@`\n\t 0x.()<=".utf8) + [0x00, 0xFF, 0xC3, 0xE2]
        for trial in 0..<150 {
            var mutated = bytes
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(mutated.count))
                switch random.next() % 3 {
                case 0: mutated[position] = junk[Int(random.next() % UInt64(junk.count))]
                case 1: mutated.remove(at: position)
                default: mutated.insert(junk[Int(random.next() % UInt64(junk.count))], at: position)
                }
            }
            checkConsistent(RuleFiles.compile(bytes: mutated), "mutation \(trial)")
        }
    }

    @Test func randomBytes() {
        var random = SplitMix64(seed: 7)
        for trial in 0..<200 {
            let count = Int(random.next() % 600)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let output = RuleFiles.compile(bytes: bytes)
            checkConsistent(output, "random \(trial)")
            #expect(output.program == nil, "random \(trial)")
        }
    }

    @Test func randomExpressionsInAValidFile() {
        var random = SplitMix64(seed: 99)
        let pieces = [
            "age", "n", "smoker", "substance_use", "none", "seen_on", "'2026-01-01'", "1", "2.5", "(", ")",
            "[", "]", ",", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in",
            "count(", "min(", "max(", "true", "≥", "x.y", "'", "@",
        ]
        var compiled = 0
        for trial in 0..<400 {
            let length = 1 + Int(random.next() % 9)
            let condition = (0..<length).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: " ")
            let quoted = "\"" + condition.replacingQuotes() + "\""
            let output = RuleFiles.compile(RuleFiles.withRule(when: quoted))
            checkConsistent(output, "expression \(trial): \(condition)")
            if output.program != nil { compiled += 1 }
        }
        #expect(compiled < 400)
    }
}

extension String {
    /// Double quotes escaped for a double-quoted YAML scalar.
    func replacingQuotes() -> String {
        var out = ""
        for character in self {
            out += character == "\"" ? "\\\"" : String(character)
        }
        return out
    }
}
