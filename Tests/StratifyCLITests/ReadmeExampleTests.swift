import Foundation
import StratifyTestSupport
import Testing

/// The examples of the README and docs/monitoring.md, run against the
/// built binary: an example that no longer matches the tool fails here.
///
/// Only marked blocks are checked. `<!-- snapshot -->` before a fenced block
/// of `$ command` lines, each followed by the output it shows;
/// `<!-- snapshot: command -->` before a block that shows the output of
/// `command` (the tour writes its commands in a block of their own; an
/// example whose shown command cannot run as it is, such as one on a copy
/// in /tmp, runs `command` instead of its `$` line). A
/// shown line `…` stands for any number of lines, where an example leaves
/// some out. Standard output and standard error are compared as one
/// stream, as a terminal shows them.
///
/// Commands run with `sh -c`, in the order they are written, in one
/// scratch folder per document that links `Samples`, `Rules`, `Tests` and
/// `docs` to the repository (so that an example's paths read as in the
/// repository, and the files it writes land in the scratch folder);
/// `stratify` and `$B` are the built binary.
@Suite struct ReadmeExampleTests {
    struct Example: CustomStringConvertible {
        var line: Int
        var command: String
        var shown: [String]
        var description: String { "line \(line): \(command)" }
    }

    static let documents = ["README.md", "docs/monitoring.md"]

    /// The marked examples of the Markdown `text`, in order.
    static func examples(in text: String) -> [Example] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var examples: [Example] = []
        var index = 0
        while index < lines.count {
            let marker = lines[index].trimmingCharacters(in: .whitespaces)
            index += 1
            guard marker.hasPrefix("<!-- snapshot"), marker.hasSuffix("-->"), index < lines.count, lines[index].hasPrefix("```") else { continue }
            var command = String(marker.dropFirst("<!-- snapshot".count).dropLast("-->".count)).trimmingCharacters(in: .whitespaces)
            var block: [String] = []
            index += 1
            while index < lines.count, !lines[index].hasPrefix("```") {
                block.append(lines[index])
                index += 1
            }
            if command.hasPrefix(":") {
                command = String(command.dropFirst()).trimmingCharacters(in: .whitespaces)
                // A `$ …` first line is the command as the reader would type
                // it; the comment's command is the one that runs.
                let typed = block.first?.hasPrefix("$ ") == true ? 1 : 0
                examples.append(Example(line: index - block.count + 1 + typed, command: command, shown: Array(block.dropFirst(typed))))
                continue
            }
            for (offset, line) in block.enumerated() where line.hasPrefix("$ ") {
                let output = block[(offset + 1)...].prefix { !$0.hasPrefix("$ ") }
                examples.append(Example(line: index - block.count + offset + 1, command: String(line.dropFirst(2)), shown: Array(output)))
            }
        }
        return examples
    }

    /// Whether `actual` is what `shown` shows, a shown `…` line standing for
    /// any run of lines.
    static func matches(_ shown: [String], _ actual: [String]) -> Bool {
        // reachable[i][j]: the first i shown lines match the first j actual lines.
        var reachable = [[Bool]](repeating: [Bool](repeating: false, count: actual.count + 1), count: shown.count + 1)
        reachable[0][0] = true
        for i in 0..<shown.count {
            let isGap = shown[i].trimmingCharacters(in: .whitespaces) == "…"
            var earlier = false
            for j in 0...actual.count {
                earlier = earlier || reachable[i][j]
                if isGap {
                    reachable[i + 1][j] = earlier
                } else if j < actual.count, reachable[i][j], shown[i] == actual[j] {
                    reachable[i + 1][j + 1] = true
                }
            }
        }
        return reachable[shown.count][actual.count]
    }

    /// A scratch folder that reads like the repository root.
    static func scratchFolder() throws -> ScratchFolder {
        let folder = try ScratchFolder(prefix: "stratify-readme")
        for name in ["Samples", "Rules", "Tests", "docs"] {
            try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + name, withDestinationPath: RepositoryFixtures.path(name))
        }
        return folder
    }

    @Test(arguments: documents)
    func examplesShowWhatTheToolPrints(_ document: String) throws {
        let examples = Self.examples(in: try RepositoryFixtures.text(document))
        #expect(!examples.isEmpty, "\(document) has no marked example")
        let folder = try Self.scratchFolder()
        let binary = CLI.executable.deletingLastPathComponent().path
        let path = binary + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for example in examples {
            // One stream, as a terminal shows the two interleaved.
            let result = try CLI.run(
                ["-c", "exec 2>&1; " + example.command], directory: folder.path, environment: ["PATH": path, "B": "stratify"],
                executable: "/bin/sh")
            var actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if actual.last == "" { actual.removeLast() }
            #expect(
                Self.matches(example.shown, actual),
                "\(document) \(example) no longer shows what it prints:\n\(actual.joined(separator: "\n"))")
        }
    }

    @Test func aGapStandsForAnyRunOfLines() {
        #expect(Self.matches(["a", "…", "d"], ["a", "b", "c", "d"]))
        #expect(Self.matches(["a", "  …", "b"], ["a", "b"]))
        #expect(Self.matches(["a", "…"], ["a", "b"]))
        #expect(!Self.matches(["a", "…", "d"], ["a", "b", "c"]))
        #expect(!Self.matches(["a", "c"], ["a", "b", "c"]))
    }

    @Test func markedBlocksAreFound() {
        let text = """
            <!-- snapshot: stratify --version -->
            ```
            stratify 1
            ```
            <!-- snapshot: three -->
            ```
            $ typed
            out 3
            ```
            <!-- snapshot -->
            ```console
            $ one
            out 1
            $ two
            ```
            ```
            $ not marked
            ```
            """
        let examples = Self.examples(in: text)
        #expect(examples.map(\.command) == ["stratify --version", "three", "one", "two"])
        #expect(examples.map(\.shown) == [["stratify 1"], ["out 3"], ["out 1"], []])
        #expect(examples.map(\.line) == [3, 8, 12, 14])
    }
}
