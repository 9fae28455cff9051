import Foundation
import StratifyCore
import StratifyRules
import StratifyYAML

/// What the library test targets share: where the repository is, the
/// reference rule set compiled, and scratch files. One copy, so that every
/// suite reads the same fixtures the same way.
public enum RepositoryFixtures {
    /// The repository's root folder (this file is Tests/StratifyTestSupport/…).
    public static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// The reference rule set, `Rules/default.yaml`, compiled.
    public static let defaultProgram: Program = {
        let bytes = Array(FileManager.default.contents(atPath: root + "/Rules/default.yaml")!)
        return RuleCompiler.compile(SourceFile(path: "Rules/default.yaml", bytes: bytes)).program!
    }()

    /// A new file in the temporary folder holding `text`; the caller removes it.
    public static func temporaryFile(_ text: String, prefix: String = "stratify-test", suffix: String = ".csv") -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)\(suffix)"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}
