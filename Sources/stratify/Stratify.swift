#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import StratifyIO

@main
struct Stratify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stratify",
        abstract: "Score patients' risk and recommend a case-management model, with rules written in YAML.",
        discussion: """
            A rule set (YAML) scores each patient's risk in a few domains, assigns a
            risk tier and recommends a case-management model. The default rule set is
            built in (Rules/default.yaml in the source tree); --rules FILE uses another.

            Typical use:
              stratify score intake.csv --output scored.csv --errors rejected.csv
              stratify explain intake.csv --patient P0000042
              stratify check Rules/my-rules.yaml
              stratify --version

            \(ExitStatus.help)
            """,
        version: Version.firstLine,
        subcommands: [
            ScoreCommand.self, ExplainCommand.self, CheckCommand.self, TestCommand.self, DiffCommand.self,
            TrackCommand.self, WorklistCommand.self, CaseloadCommand.self, EvaluateCommand.self, ReportCommand.self,
        ])

    /// Runs the command, with usage errors reported as exit status 2
    /// (documented) rather than the parser's default 64.
    static func main() {
        ByteSink.ignoreBrokenPipeSignal()
        AllocatorTuning.keepFreedBlocksForReuse()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success, fullMessage(for: error) == Version.firstLine {
                // --version: the full text, made only now (it hashes and compiles the built-in rules).
                print(Version.text)
                Glibc.exit(ExitStatus.success.rawValue)
            }
            if code == .success || error is CleanExit {
                exit(withError: error)
            }
            if let status = error as? ExitStatus {
                Glibc.exit(status.rawValue)
            }
            if code == .validationFailure || code.rawValue == 64 {
                Terminal.standardError.write(fullMessage(for: error) + "\n")
                Glibc.exit(ExitStatus.failure.rawValue)
            }
            exit(withError: error)
        }
    }
}
