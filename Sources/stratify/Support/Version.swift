import StratifyIO
import StratifyRules

/// What `stratify --version` says: the tool, the rule language it reads, and
/// which rules it uses without `--rules`, by name and by SHA-256, so that a
/// scored file can be traced to the exact rules that made it.
enum Version {
    static let tool = "0.9.0"

    /// The first line; ArgumentParser's own `--version` answer, which
    /// `Stratify.main` replaces with `text`.
    static let firstLine = "stratify \(tool)"

    /// Made only when asked for: the built-in rule set is compiled for its name.
    static var text: String {
        let builtIn = RuleFiles.builtIn
        let name = RuleCompiler.compile(builtIn).program?.name ?? "unnamed"
        return """
            \(firstLine)
            rule language \(RuleSet.languageVersion)
            built-in rule set: \(name) (Rules/default.yaml), sha256 \(SHA256.hex(builtIn.bytes))
            """
    }
}
