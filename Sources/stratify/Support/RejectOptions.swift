import ArgumentParser
import StratifyBatch

/// Where the rejected records of a batch go, and whether a progress line
/// is drawn: `--errors FILE` and `--quiet`, declared once for every command
/// that scores a population.
struct RejectOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write rejected records to this file, .csv (record, identifier, field, message) or .ndjson, instead of standard error.", valueName: "file"))
    var errors: String?

    @Flag(
        name: .shortAndLong,
        help:
            "No progress line. (It is shown on standard error only when that is a terminal and the run takes over a second: records done, records/s, and an ETA for files.)"
    )
    var quiet = false

    func validate() throws {
        if let errors, RejectSink.format(forPath: errors) == nil {
            throw ValidationError("--errors must name a .csv or .ndjson file, not '\(errors)'")
        }
    }
}
