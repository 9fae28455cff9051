import ArgumentParser
import Dispatch
import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyMonitor
import StratifyRules

struct WorklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worklist",
        abstract: "List who needs what now, most urgent first: new safety flags, rising tiers, overdue and due reviews and contacts.",
        discussion: """
            Scores the inputs and puts a patient on the list when, in this order of
            urgency:
              1  a flag that an escalation uses is new since --previous
                 (in the default rules self_harm_risk, interpersonal_safety, homeless)
              2  the tier rose since --previous
              3  the review is overdue: review_by is before --as-of
              4  the next contact is overdue: --contacts gives the last contact, the
                 next is due the model's contact_days later, before --as-of
              5  the review or the next contact falls due from --as-of to --as-of plus
                 --horizon days, both included (default 14)
            A patient absent from --previous has no trigger of kinds 1 and 2; one with
            no contact row (or a row with no date), or no review_by, none of that kind.

            One row per patient, placed by its most urgent reason; within a kind,
            higher tier first, then the earlier due date (the earlier of review_by and
            the next contact; none last), then the identifier. Columns: identifier,
            priority (1, 2, … in list order), reason (every reason that applies, most
            urgent first), tier, model, review_by, days_overdue (--as-of minus the
            earliest overdue date; 0 when nothing is overdue), last_contact,
            next_contact.

            --previous is an intake file (scored with the rules) or a file written by
            `stratify score`. The contacts file (.csv or .ndjson) has the identifier
            and last_contact (YYYY-MM-DD); with several rows for a patient the latest
            date counts; identifiers not in the input are counted in a warning.

            The inputs and --previous may be FHIR (a Bulk Data export folder or
            Bundles; see docs/fhir.md). --as-of is then also the FHIR point of view:
            the look-back windows end on each patient's latest screening on or before
            it, and a patient without one is assessed as of it. --previous is read
            alone, as of the same day.

            Examples:
              stratify worklist --as-of 2026-12-01 Samples/intake-wave2.csv --previous Samples/intake.csv --contacts Samples/contacts.csv
              stratify worklist --as-of 2026-12-01 --format text --horizon 7 intake.csv

            \(ExitStatus.help)
            """)

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @Option(help: ArgumentHelp("The day the list is for (YYYY-MM-DD); for FHIR input also the day the look-back windows are anchored on.", valueName: "date"))
    var asOf: String

    // Not the FHIROptions group: its --as-of is this command's own.
    @Option(help: FHIROptions.mappingHelp)
    var fhirMapping: String?

    @Option(help: ArgumentHelp("The previous assessment: an intake file or score output.", valueName: "file"))
    var previous: String?

    @Option(help: ArgumentHelp("Last contact per patient: a .csv or .ndjson file with the identifier and last_contact.", valueName: "file"))
    var contacts: String?

    @Option(help: ArgumentHelp("Days after --as-of in which a review or contact counts as due soon.", valueName: "days"))
    var horizon: Int = 14

    @Option(help: ArgumentHelp("csv, ndjson or text.", valueName: "format"))
    var format: WorklistWriter.Format = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the list to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard ISODate.parse(asOf) != nil else {
            throw ValidationError("--as-of must be a date (YYYY-MM-DD), not '\(asOf)'")
        }
        guard horizon >= 0 else { throw ValidationError("--horizon must be 0 or more days") }
    }

    func run() throws {
        let program = try rulesOptions.load()
        let identifierName = program.inputs[program.identifier].name
        var previousTable: PatientTable?
        var status = ExitStatus.success
        let fhir = FHIROptions(asOf: asOf, fhirMapping: fhirMapping)
        var intake = self.intake
        if try fhir.prepareReportingProblems(&intake, program: program) > 0 { status = .partial }
        // The contacts file is read on a thread of its own while the
        // previous side is scored: reading it is one thread's work, which
        // would otherwise leave the other core idle.
        let contactsFormat = try contacts.map { try intake.formats(of: [$0])[0] }
        nonisolated(unsafe) var contactsRead: Result<ContactTable, BatchError>?
        let contactsDone = DispatchGroup()
        if let contacts {
            DispatchQueue.global().async(group: contactsDone) {
                contactsRead = Result { () throws(BatchError) in
                    try ContactsReader.read(path: contacts, format: contactsFormat!, identifierName: identifierName)
                }
            }
        }
        if let previous {
            let previousInput = try fhir.prepareSide(previous, intake: self.intake, program: program)
            if previousInput.problems > 0 { status = .partial }
            let side = AssessmentSide(path: previousInput.path, program: program, intake: intake, errors: nil, quiet: rejects.quiet)
            let (table, result, _) = try side.readTable()
            previousTable = table
            if result.rejected > 0 { status = .partial }
        }
        var lastContacts = ContactTable()
        contactsDone.wait()
        switch contactsRead {
        case .success(let table): lastContacts = table
        case .failure(let error):
            Terminal.standardError.write(error.description + "\n")
            throw ExitStatus.failure
        case nil: break
        }
        let builder = WorklistBuilder(
            program: program, asOf: ISODate.parse(asOf)!, horizon: horizon, previous: previousTable, contacts: lastContacts)
        let summary = try PopulationRun(
            program: program, intake: intake, errors: rejects.errors, quiet: rejects.quiet, label: previous == nil ? nil : intake.inputs.joined(separator: ", ")
        ).forEachInPlace { builder.add($0) }
        if summary.rejected > 0 { status = .partial }
        if builder.unmatchedContacts > 0 {
            let count = builder.unmatchedContacts
            Terminal.standardError.write(
                "\(contacts!): warning: \(count) \(identifierName) value\(count == 1 ? "" : "s") of the contacts file "
                    + "match\(count == 1 ? "es" : "") no scored record\n")
        }
        let writer = WorklistWriter(format: format, identifierName: identifierName)
        if let output {
            var file: OutputFile
            do {
                file = try OutputFile(path: output)
                try builder.write(writer) { buffer throws(IOError) in try file.sink.write(buffer) }
                try file.commit()
            } catch let error as IOError {
                Terminal.standardError.write("\(output): error: \(error.message)\n")
                throw ExitStatus.failure
            }
        } else {
            let stdout = ByteSink.standardOutput()
            do {
                try builder.write(writer) { buffer throws(IOError) in try stdout.write(buffer) }
            } catch let error as IOError where error == .brokenPipe {
                throw ExitStatus.success
            }
        }
        if status != .success { throw status }
    }
}

extension WorklistWriter.Format: ExpressibleByArgument {}
