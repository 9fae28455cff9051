import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML

/// Something that stops a test file from running: a mistake in it, or in
/// the rule file it tests, with the source to quote.
package struct RuleTestProblem: Sendable {
    package let diagnostic: Diagnostic
    package let source: SourceFile?

    package init(_ diagnostic: Diagnostic, source: SourceFile?) {
        self.diagnostic = diagnostic
        self.source = source
    }
}

/// Loads test files: YAML (with locations) → the rule file it names,
/// compiled once however many test files name it → a checked
/// `RuleTestFile`. Problems are collected, never thrown, so that one run
/// reports every broken file.
package final class RuleTestLoader {
    /// The rule file a test file tests when it does not say.
    package static let defaultRulesPath = "../default.yaml"

    package private(set) var problems: [RuleTestProblem] = []
    /// Compiled rule files by normalised path; nil when a file did not load.
    private var programs: [String: Program?] = [:]

    package init() {}

    /// Loads the test file at `path`; nil when it has a problem (reported in `problems`).
    package func load(path: String) -> RuleTestFile? {
        let bytes: [UInt8]
        do {
            bytes = try Self.readFile(path)
        } catch {
            problems.append(RuleTestProblem(.error(error.message, path: path, at: nil), source: nil))
            return nil
        }
        return load(SourceFile(path: path, bytes: bytes))
    }

    /// Loads a test file from memory; its `rules:` path is relative to `source.path`.
    package func load(_ source: SourceFile) -> RuleTestFile? {
        let context = NodeReader(source: source)
        defer { problems += context.diagnostics.map { RuleTestProblem($0, source: source) } }
        guard !Self.isBlank(source.bytes) else {
            context.error(
                "the test file is empty: a test file is a YAML mapping with 'cases' (see Rules/tests/README.md)",
                at: SourceLocation(line: 1, column: 1, offset: 0))
            return nil
        }
        let root: YAMLNode
        do {
            root = try YAMLLoader.load(source)
        } catch {
            for var diagnostic in error.diagnostics {
                diagnostic.message = diagnostic.message.replacing("the rule file", with: "the test file", maxReplacements: 1)
                problems.append(RuleTestProblem(diagnostic, source: source))
            }
            return nil
        }
        guard let file = context.mapping(root, what: "a test file", allowed: RuleTestDecoder.fileKeys) else { return nil }
        let rulesNode = file["rules"]
        var relative = Self.defaultRulesPath
        if let rulesNode {
            guard let text = context.string(rulesNode, what: "'rules'")?.value else { return nil }
            relative = text
        }
        let rulesPath = Self.resolve(relative, from: source.path)
        guard let program = program(at: rulesPath, for: context, at: rulesNode) else { return nil }
        return RuleTestDecoder(context: context, program: program).decode(file, rulesPath: rulesPath)
    }

    /// The compiled rule file, loading it the first time it is named.
    private func program(at path: String, for context: NodeReader, at node: YAMLNode?) -> Program? {
        let place = node?.location ?? SourceLocation(line: 1, column: 1, offset: 0)
        if let known = programs[path] {
            if known == nil { context.error("the rule file '\(path)' does not load (see above)", at: place) }
            return known ?? nil
        }
        let bytes: [UInt8]
        do {
            bytes = try Self.readFile(path)
        } catch {
            programs[path] = .some(nil)
            let note = node == nil ? ["a test file without 'rules:' tests \(Self.defaultRulesPath), relative to itself"] : []
            if let node {
                context.error("cannot read the rule file: \(error.message)", at: node, notes: note)
            } else {
                context.error("cannot read the rule file: \(error.message)", at: place, notes: note)
            }
            return nil
        }
        let source = SourceFile(path: path, bytes: bytes)
        let output = RuleCompiler.compile(source)
        for diagnostic in output.diagnostics where diagnostic.severity == .error {
            problems.append(RuleTestProblem(diagnostic, source: source))
        }
        programs[path] = .some(output.program)
        if output.program == nil {
            context.error("the rule file '\(path)' does not load (see above)", at: place)
        }
        return output.program
    }

    // MARK: - Paths and files

    /// `relative` resolved against the folder of `file`, with `.` and `..`
    /// segments removed, so that a rule file has one name however it is reached.
    package static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return normalise(relative) }
        guard let slash = file.lastIndex(of: "/") else { return normalise(relative) }
        return normalise(String(file[...slash]) + relative)
    }

    static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// A whole file, at most the rule-file size limit.
    static func readFile(_ path: String) throws(IOError) -> [UInt8] {
        let source = try ByteSource.openFile(path)
        defer { source.close() }
        var bytes: [UInt8] = []
        let block = FixedBuffer<UInt8>(uninitializedCount: 1 << 16)
        let limit = YAMLLimits.default.maxFileBytes
        while bytes.count <= limit {
            let count = try source.read(into: block.rawBytes)
            if count == 0 { break }
            bytes.append(contentsOf: block.rawBytes[0..<count])
        }
        return bytes
    }

    /// Only white space and comments.
    static func isBlank(_ bytes: [UInt8]) -> Bool {
        var inComment = false
        for byte in bytes {
            if inComment {
                if byte == UInt8(ascii: "\n") { inComment = false }
            } else if byte == UInt8(ascii: "#") {
                inComment = true
            } else if ![UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0xEF, 0xBB, 0xBF].contains(byte) {
                return false
            }
        }
        return true
    }
}
