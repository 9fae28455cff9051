import Testing
import StratifyYAML

/// Inputs built to exhaust time, memory or stack. Each must be refused
/// quickly; the time bounds are loose because CI machines are noisy.
@Suite("YAMLLoader: hostile inputs")
struct HostileInputTests {
    /// Ten levels of ten aliases each: 10^9 nodes if expanded naively.
    @Test func billionLaughs() throws {
        var text = "lol0: &lol0 [" + Array(repeating: "\"lol\"", count: 10).joined(separator: ", ") + "]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*lol\(level - 1)", count: 10).joined(separator: ", ")
            text += "lol\(level): &lol\(level) [\(previous)]\n"
        }
        let peakBefore = peakResidentBytes()
        let started = monotonicSeconds()
        let diagnostic = try #require(refusal(text))
        let elapsed = monotonicSeconds() - started
        // Loose: the peak is process-wide and other tests run alongside.
        #expect(peakResidentBytes() - peakBefore < 100 * 1024 * 1024)
        #expect(diagnostic.message == "the rule file has more than 1000000 nodes once aliases are expanded")
        // 1 + 11 + 111 + ... : level 5's aliases each bring 11,111 nodes and
        // push the total past a million inside line 6 (lol5).
        #expect(diagnostic.location?.line == 6)
        #expect(elapsed < 5)
    }

    @Test func manyAliasesOfOneSmallNode() throws {
        let text = "a: &a x\nb: [" + Array(repeating: "*a", count: 10_001).joined(separator: ",") + "]\n"
        let diagnostic = try #require(refusal(text))
        #expect(diagnostic.message == "the rule file uses more than 10000 aliases")
        // The 10,001st alias: "b: [" then 10,000 × "*a,".
        #expect(at(diagnostic.location) == "2:\(5 + 10_000 * 3)")
    }

    @Test func deepFlowNestingIsRefusedAtTheLimitAndFast() throws {
        let text = String(repeating: "[", count: 200_000)
        let started = monotonicSeconds()
        let diagnostic = try #require(refusal(text))
        let elapsed = monotonicSeconds() - started
        #expect(diagnostic.message == "the rule file nests mappings and lists deeper than 64 levels")
        #expect(at(diagnostic.location) == "1:65")
        #expect(elapsed < 5)

        let mappings = String(repeating: "{a: ", count: 200_000)
        let mappingDiagnostic = try #require(refusal(mappings))
        #expect(at(mappingDiagnostic.location) == "1:\(64 * 4 + 1)")
    }

    @Test func deepBlockNesting() throws {
        var text = ""
        for level in 0..<3_000 {
            text += String(repeating: " ", count: level) + "a:\n"
        }
        text += String(repeating: " ", count: 3_000) + "leaf\n"
        let started = monotonicSeconds()
        let diagnostic = try #require(refusal(text))
        #expect(diagnostic.message == "the rule file nests mappings and lists deeper than 64 levels")
        #expect(at(diagnostic.location) == "65:65")
        #expect(monotonicSeconds() - started < 5)
    }

    @Test func deepBlockSequences() throws {
        let text = (0..<3_000).map { String(repeating: "  ", count: $0) + "-" }.joined(separator: "\n") + " x\n"
        let diagnostic = try #require(refusal(text))
        #expect(at(diagnostic.location) == "65:129")
    }

    @Test func twoMegabyteScalar() throws {
        let big = String(repeating: "x", count: 2 * 1024 * 1024)
        let diagnostic = try #require(refusal("ok: 1\nbig: \(big)\n"))
        #expect(diagnostic.message == "a scalar of 2097152 bytes is over the limit of 1048576 bytes")
        #expect(at(diagnostic.location) == "2:6")

        let quoted = try #require(refusal("big: \"\(big)\"\n"))
        #expect(at(quoted.location) == "1:7")
    }

    /// A smaller limit than the default keeps this quick in debug builds;
    /// the default limit is exercised by `billionLaughs`.
    @Test func manyNodesWithoutAliases() throws {
        let text = "[" + Array(repeating: "1", count: 100_001).joined(separator: ",") + "]"
        let diagnostic = try #require(refusal(text, limits: YAMLLimits(maxNodes: 100_000)))
        #expect(diagnostic.message == "the rule file has more than 100000 nodes once aliases are expanded")
        // The root sequence is node 1, so item 100,000 is the first too many.
        #expect(at(diagnostic.location) == "1:\(2 + 99_999 * 2)")
    }

    @Test func nulAndOtherBinaryBytes() throws {
        let diagnostic = try #require(refusal([0x61, 0x3A, 0x20, 0x00, 0x01, 0x02]))
        #expect(diagnostic.message.hasPrefix("control characters are not allowed"))
        #expect(at(diagnostic.location) == "1:4")
    }

    @Test func truncatedInputsNeverCrash() throws {
        let text = """
            name: "demo"
            anchors: &base {w: 1, list: [a, 'b', "c\\n"]}
            use: *base
            block: |2+
                keep

            folded: >-
              one
              two
            ? complex
            : value
            """
        let bytes = Array(text.utf8)
        // Every prefix either loads or is refused; none may trap.
        for length in 0...bytes.count {
            _ = refusal(Array(bytes[0..<length]))
        }
    }
}
