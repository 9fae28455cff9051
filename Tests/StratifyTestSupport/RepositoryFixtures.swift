import Foundation
import StratifyCore
import StratifyRules
import StratifyYAML

/// What the test targets share: where the repository is, its files read,
/// the reference rule set compiled, and scratch files. One copy, so that
/// every suite reads the same fixtures the same way.
package enum RepositoryFixtures {
    /// The repository's root folder (this file is Tests/StratifyTestSupport/…).
    package static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// The absolute path of a file given relative to the repository root.
    package static func path(_ relative: String) -> String {
        root + "/" + relative
    }

    /// The absolute path of a file under `Tests/Fixtures/`.
    package static func fixture(_ name: String) -> String {
        path("Tests/Fixtures/" + name)
    }

    /// The bytes of a file relative to the repository root; throws when it
    /// cannot be read, so that a missing fixture fails the test by name.
    package static func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { throw MissingFile(path: path(relative)) }
        return Array(data)
    }

    /// The text of a file relative to the repository root.
    package static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    /// A file relative to the repository root, as a source that diagnostics
    /// name by its relative path.
    package static func source(_ relative: String) throws -> SourceFile {
        SourceFile(path: relative, bytes: try bytes(relative))
    }

    /// The text of the file at an absolute path; empty when there is none
    /// (for outputs a test wrote, where "nothing written" is the answer).
    package static func read(_ absolutePath: String) -> String {
        FileManager.default.contents(atPath: absolutePath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The reference rule set, `Rules/default.yaml`, compiled.
    package static let defaultProgram: Program = {
        RuleCompiler.compile(try! source("Rules/default.yaml")).program!
    }()

    /// A new file in the temporary folder holding `text`; the caller removes it.
    package static func temporaryFile(_ text: String, prefix: String = "stratify-test", suffix: String = ".csv") -> String {
        let path = temporaryPath(prefix: prefix, suffix: suffix)
        write(text, to: path)
        return path
    }

    /// Writes `text` to `path`, replacing what was there.
    package static func write(_ text: String, to path: String) {
        let written = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        precondition(written, "cannot write \(path)")
    }

    /// A fresh path in the temporary folder, not yet created.
    package static func temporaryPath(prefix: String = "stratify-test", suffix: String) -> String {
        NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)\(suffix)"
    }

    package struct MissingFile: Error, CustomStringConvertible {
        package var path: String
        package var description: String { "cannot read \(path)" }
    }
}
