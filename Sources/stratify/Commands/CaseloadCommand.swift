import ArgumentParser
import StratifyBatch
import StratifyIO
import StratifyMonitor
import StratifyRules

struct CaseloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "Demand against capacity: patients, case managers needed and contacts per month for each model.",
        discussion: """
            Scores the inputs as `score` does and counts the patients of each
            case-management model. A model's `caseload` (patients per case manager)
            and `contact_days` come from the rule file:

              needed              patients ÷ caseload, rounded up
              contacts_per_month  patients × 30 ÷ contact_days, to one decimal

            With --staff (MODEL=N,... or a CSV file with the columns model and staff;
            a model not named has no one in post), each model also gets its staff,
            capacity (staff × caseload), gap (needed − staff: positive means short)
            and the number wait-listed (patients beyond capacity). --waitlist FILE
            (.csv or .ndjson) lists those patients, model by model, in priority
            order: highest tier, then highest total_score, then earliest review_by
            (none last), then identifier; position 1 is the first beyond capacity.

            --format json prints {"models": [{"model", "patients", "caseload",
            "needed", "contacts_per_month", "staff", "capacity", "gap",
            "waitlisted"}], "total": {...}}, with null for a figure that does not
            apply (no caseload in the rule file, no --staff).

            Examples:
              stratify caseload Samples/intake.csv
              stratify caseload --staff intensive=1,clinical=1,strengths_based=1,brokerage=1 Samples/intake.csv
              stratify caseload --staff Samples/staff.csv --waitlist waitlist.csv --format json intake.csv

            \(ExitStatus.help)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv
    }

    @OptionGroup var rulesOptions: RulesOptions

    @OptionGroup var intake: IntakeOptions

    @OptionGroup var rejects: RejectOptions

    @OptionGroup var fhir: FHIROptions

    @Option(help: ArgumentHelp("Case managers in post: MODEL=N,MODEL=N, or a CSV file with the columns model and staff.", valueName: "staff"))
    var staff: String?

    @Option(help: ArgumentHelp("Write the patients beyond capacity to this file, .csv or .ndjson (needs --staff).", valueName: "file"))
    var waitlist: String?

    @Option(help: ArgumentHelp("text (for people), json or csv.", valueName: "format"))
    var format: Format = .text

    func validate() throws {
        if let waitlist {
            guard staff != nil else { throw ValidationError("--waitlist needs --staff: without staff, no one waits") }
            guard RejectSink.format(forPath: waitlist) != nil else {
                throw ValidationError("--waitlist must name a .csv or .ndjson file, not '\(waitlist)'")
            }
        }
    }

    func run() throws {
        let program = try rulesOptions.load()
        let staffInPost = try staff.map { try Self.readStaff($0, program: program) }
        let counter = CaseloadCounter(program: program, staff: staffInPost)
        var intake = self.intake
        let inputProblems = try fhir.prepareReportingProblems(&intake, program: program)
        let summary = try PopulationRun(program: program, intake: intake, errors: rejects.errors, quiet: rejects.quiet)
            .forEach { counter.add($0) }
        let report = counter.finish()
        if let waitlist {
            let bytes = report.waitlistBytes(
                ndjson: RejectSink.format(forPath: waitlist) == .ndjson,
                identifierName: program.inputs[program.identifier].name)
            try OutputFile.write(bytes, to: waitlist)
        }
        switch format {
        case .text: Terminal.standardOutput.write(report.text())
        case .json: Terminal.standardOutput.write(report.json())
        case .csv: Terminal.standardOutput.write(report.csv())
        }
        if summary.rejected > 0 || inputProblems > 0 { throw ExitStatus.partial }
    }

    static func readStaff(_ value: String, program: Program) throws -> [Int?] {
        do {
            if value.contains("=") {
                return try StaffParser.parse(assignments: value, program: program, origin: "--staff")
            }
            let bytes = try RuleFiles.readFile(value, limit: 1 << 20)
            return try StaffParser.parse(file: String(decoding: bytes, as: UTF8.self), program: program, path: value)
        } catch let error as StaffParser.Failure {
            Terminal.standardError.write(error.description + "\n")
            throw ExitStatus.failure
        } catch let error as IOError {
            Terminal.standardError.write("\(value): error: \(error.message)\n")
            throw ExitStatus.failure
        }
    }
}
