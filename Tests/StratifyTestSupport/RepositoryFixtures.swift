import Foundation
import StratifyCore
import StratifyRules
import StratifyYAML

/// What the test targets share: where the repository is, its files read,
/// the reference rule set compiled, and scratch files. One copy, so that
/// every suite reads the same fixtures the same way.
public enum RepositoryFixtures {
    /// The repository's root folder (this file is Tests/StratifyTestSupport/…).
    public static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// The absolute path of a file given relative to the repository root.
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }

    /// The absolute path of a file under `Tests/Fixtures/`.
    public static func fixture(_ name: String) -> String {
        path("Tests/Fixtures/" + name)
    }

    /// The bytes of a file relative to the repository root; throws when it
    /// cannot be read, so that a missing fixture fails the test by name.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { throw MissingFile(path: path(relative)) }
        return Array(data)
    }

    /// The text of a file relative to the repository root.
    public static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    /// A file relative to the repository root, as a source that diagnostics
    /// name by its relative path.
    public static func source(_ relative: String) throws -> SourceFile {
        SourceFile(path: relative, bytes: try bytes(relative))
    }

    /// The text of the file at an absolute path; empty when there is none
    /// (for outputs a test wrote, where "nothing written" is the answer).
    public static func read(_ absolutePath: String) -> String {
        FileManager.default.contents(atPath: absolutePath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The reference rule set, `Rules/default.yaml`, compiled.
    public static let defaultProgram: Program = {
        RuleCompiler.compile(try! source("Rules/default.yaml")).program!
    }()

    /// A new file in the temporary folder holding `text`; the caller removes it.
    public static func temporaryFile(_ text: String, prefix: String = "stratify-test", suffix: String = ".csv") -> String {
        let path = temporaryPath(prefix: prefix, suffix: suffix)
        write(text, to: path)
        return path
    }

    /// Writes `text` to `path`, replacing what was there.
    public static func write(_ text: String, to path: String) {
        let written = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        precondition(written, "cannot write \(path)")
    }

    /// A fresh path in the temporary folder, not yet created.
    public static func temporaryPath(prefix: String = "stratify-test", suffix: String) -> String {
        NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)\(suffix)"
    }

    public struct MissingFile: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "cannot read \(path)" }
    }
}
