import ArgumentParser
import StratifyBatch
import StratifyIO
import StratifyMonitor
import StratifyRules

struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Compare two assessments of one population: who moved tier, changed model, gained or lost a flag.",
        discussion: """
            PREVIOUS and CURRENT are joined by the rule set's identifier. Each is an
            intake file, scored with the rules, or a file written by `stratify score`
            (recognised by its columns: identifier, tier, model, total_score), which
            is read as it is: last month's output may come from last month's rules.

            The report counts the patients in both, new (current only) and departed
            (previous only), and the records rejected on either side (a patient whose
            record was rejected counts as new or departed). For the patients in both:
            the tier and model transition matrices (previous x current, with `new` as
            a row and `departed` as a column), how many moved up, down or stayed (by
            rank on the current rule set's tier scale), how many were at the two top
            tiers both times, per domain the tiers up and down, and per flag how many
            gained and lost it. When a large share (25% or more, of at least 10) of the
            previous highest tier fell, a caution about regression to the mean.

            --changes FILE (.csv or .ndjson) lists each patient whose tier, model or
            flags changed, or who is new or departed: identifier, previous and current
            tier and model, direction (up, down, same, new, departed), flags gained,
            flags lost, domains whose tier rose. Current order, then the departed in
            previous order.

            --format json prints {"records": {"both", "new", "departed",
            "rejected_previous", "rejected_current", "duplicate_previous",
            "duplicate_current"}, "tier_transitions": {PREVIOUS: {CURRENT: n}},
            "model_transitions": {...}, "direction": {"up", "down", "same"},
            "domains": {DOMAIN: {"up", "down", "same"}}, "flags": {FLAG: {"gained",
            "lost"}}, "persistent_top": {"tiers", "patients"}, "highest_tier_fell":
            {"patients", "fell"}}. A repeated identifier on either side is reported
            and only its first record joins.

            Examples:
              stratify track Samples/intake.csv Samples/intake-wave2.csv
              stratify track last-month.scored.csv intake.csv --changes changes.csv
              stratify track --format json wave1.ndjson wave2.ndjson
              stratify track --as-of 2026-12-31 exports/2025-12/ exports/2026-12/

            Either side may be FHIR (a Bulk Data export folder or Bundles; see
            docs/fhir.md), read alone (references resolve within the side) and as
            of the one --as-of: give the later export's date, and each side is
            assessed on its own latest screenings on or before it.

            \(ExitStatus.help)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @OptionGroup var fhir: FHIROptions

    @Option(help: ArgumentHelp("Write the patients who changed, are new or departed to this file, .csv or .ndjson.", valueName: "file"))
    var changes: String?

    @Option(help: ArgumentHelp("text (for people) or json.", valueName: "format"))
    var format: Format = .text

    func validate() throws {
        guard intake.inputs.count == 2 else {
            throw ValidationError("give two assessments: PREVIOUS CURRENT (an intake file or score output each)")
        }
        if let changes, RejectSink.format(forPath: changes) == nil {
            throw ValidationError("--changes must name a .csv or .ndjson file, not '\(changes)'")
        }
        if rejects.errors != nil {
            throw ValidationError("--errors is not available for track (two populations): rejected records go to standard error")
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        let identifierName = program.inputs[program.identifier].name
        let previousInput = try fhir.prepareSide(intake.inputs[0], intake: intake, program: program)
        let currentInput = try fhir.prepareSide(intake.inputs[1], intake: intake, program: program)
        let previousSide = AssessmentSide(path: previousInput.path, program: program, intake: intake, errors: nil, quiet: rejects.quiet)
        let (previousTable, previous, duplicatePrevious) = try previousSide.readTable()
        let tracker = Tracker(previous: previousTable, scale: program.tiers.values)
        var changesFile: OutputFile?
        if let changes {
            do {
                changesFile = try OutputFile(path: changes)
            } catch {
                Terminal.standardError.write("\(changes): error: \(error.message)\n")
                throw ExitStatus.failure
            }
        }
        let writer = changes.map { TrackChangeWriter(ndjson: RejectSink.format(forPath: $0) == .ndjson, identifierName: identifierName) }
        let buffer = OutputBuffer(capacity: 1 << 16)
        writer?.header(into: buffer)
        var writeFailure: IOError?
        func flush(force: Bool) {
            guard let changesFile, writeFailure == nil, force || buffer.count >= 1 << 20 else { return }
            do throws(IOError) { try changesFile.sink.write(buffer) } catch { writeFailure = error }
            buffer.removeAll()
        }
        let currentSide = AssessmentSide(path: currentInput.path, program: program, intake: intake, errors: nil, quiet: rejects.quiet)
        let current: AssessmentSide.Result
        do {
            current = try currentSide.read { assessment, vocabulary in
                guard let change = tracker.add(assessment, vocabulary: vocabulary, changes: writer != nil) else {
                    return tracker.lastRepeated
                }
                if let writer {
                    writer.write(change, into: buffer)
                    flush(force: false)
                }
                return nil
            }
        } catch {
            changesFile?.discard()
            throw error
        }
        if let writer {
            for change in tracker.departed() { writer.write(change, into: buffer) }
            flush(force: true)
            do throws(IOError) {
                if let writeFailure { throw writeFailure }
                try changesFile?.commit()
            } catch {
                changesFile?.discard()
                Terminal.standardError.write("\(changes!): error: \(error.message)\n")
                throw ExitStatus.failure
            }
        }
        let report = tracker.finish(
            current: current.vocabulary, rejectedPrevious: previous.rejected, rejectedCurrent: current.rejected,
            duplicatePrevious: duplicatePrevious)
        switch format {
        case .text: Terminal.standardOutput.write(report.text())
        case .json: Terminal.standardOutput.write(report.json())
        }
        if previous.rejected + current.rejected + previousInput.problems + currentInput.problems > 0 { throw ExitStatus.partial }
    }
}
