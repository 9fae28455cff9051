import Foundation
import StratifyRules
import StratifyYAML

enum Fixture {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// The reference rule set, compiled.
    static let defaultProgram: Program = {
        let bytes = Array(FileManager.default.contents(atPath: root + "/Rules/default.yaml")!)
        return RuleCompiler.compile(SourceFile(path: "Rules/default.yaml", bytes: bytes)).program!
    }()
}
