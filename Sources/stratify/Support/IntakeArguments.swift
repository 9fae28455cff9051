import ArgumentParser
import StratifyBatch

/// What `score`, `explain` and `diff` check the same way: the intake files
/// named, `--jobs`, and each input's format.
enum IntakeArguments {
    static func validate(inputs: [String], jobs: Int?) throws {
        if inputs.isEmpty {
            throw ValidationError("give at least one intake file (or - for standard input)")
        }
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs must be at least 1")
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be read only once")
        }
    }

    /// Each input's format: `forced` (`--input-format`), else its extension.
    static func formats(of inputs: [String], forced: IntakeFormat?) throws -> [IntakeFormat] {
        try inputs.map { path in
            guard let format = forced ?? IntakeFormat.detect(path: path) else {
                throw ValidationError("cannot tell the format of '\(path)' from its name: use .csv, .ndjson or .jsonl, or --input-format")
            }
            return format
        }
    }
}
