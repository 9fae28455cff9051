import ArgumentParser
import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML

/// `--rules FILE`, shared by the commands that evaluate records.
struct RulesOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The rule file (YAML); - reads it from standard input. Default: the built-in reference rule set (Rules/default.yaml).",
            valueName: "file"))
    var rules: String?

    /// Standard input can be read once: as the rule file (`--rules -`,
    /// `--candidate -`) or as an intake file (`-`), not as both.
    static func checkStandardInputIsReadOnce(ruleFiles: [String?], intake: IntakeOptions) throws {
        let readers = ruleFiles.filter { $0 == "-" }.count + intake.inputs.filter { $0 == "-" }.count
        if readers > 1 {
            throw ValidationError("standard input (-) can be read only once: as the rule file or as an intake file, not both")
        }
    }

    /// The compiled rule set; on errors, prints them and exits 2.
    func load() throws -> Program {
        let source = try RuleFiles.read(rules)
        return try RuleFiles.compile(source)
    }
}

enum RuleFiles {
    /// How the built-in rule set is named in messages.
    static let builtInPath = "Rules/default.yaml (built in)"

    /// How a rule file read from standard input (`-`) is named in messages.
    static let standardInputPath = "<stdin>"

    /// The built-in rule set.
    static var builtIn: SourceFile {
        SourceFile(path: builtInPath, bytes: PackageResources.default_yaml)
    }

    /// The rule file at `path` (`-`: standard input), or the built-in one.
    static func read(_ path: String?) throws -> SourceFile {
        guard let path else { return builtIn }
        let name = displayName(path)
        do {
            let limit = YAMLLimits.default.maxFileBytes
            let bytes = try readFile(path, limit: limit)
            if bytes.count > limit {
                // Only the start was read: say so rather than give a size.
                Terminal.standardError.write(
                    "\(name): error: the rule file is over the limit of \(limit) bytes (\(limit >> 20) MiB)\n"
                        + "\(name): 1 error; nothing was scored\n")
                throw ExitStatus.failure
            }
            return SourceFile(path: name, bytes: bytes)
        } catch let error as IOError {
            Terminal.standardError.write("\(name): error: \(error.message)\n")
            throw ExitStatus.failure
        }
    }

    /// `<stdin>` for `-`, else the path.
    static func displayName(_ path: String) -> String {
        path == "-" ? standardInputPath : path
    }

    /// Compiles, printing every diagnostic; errors exit 2.
    static func compile(_ source: SourceFile, printWarnings: Bool = false) throws -> Program {
        let output = RuleCompiler.compile(source)
        let renderer = DiagnosticRenderer(color: Terminal.standardError.useColor)
        for diagnostic in output.diagnostics where diagnostic.severity == .error || printWarnings {
            Terminal.standardError.write(renderer.render(diagnostic, source: source) + "\n")
        }
        guard let program = output.program else {
            let count = output.diagnostics.filter { $0.severity == .error }.count
            Terminal.standardError.write("\(source.path): \(count) error\(count == 1 ? "" : "s"); nothing was scored\n")
            throw ExitStatus.failure
        }
        return program
    }

    /// Reads a whole (small) file, `-` for standard input; more than
    /// `limit` bytes is an error.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let source = path == "-" ? ByteSource.standardInput() : try ByteSource.openFile(path)
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try block.withUnsafeMutableBytes { buffer in try source.read(into: buffer) }
            if count == 0 { break }
            bytes.append(contentsOf: block[0..<count])
            if bytes.count > limit {
                // Say how big it is without reading it all.
                break
            }
        }
        return bytes
    }
}
