#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import StratifyBatch
import StratifyFHIR
import StratifyIO
import StratifyRules
import StratifyYAML
import StratifyCore

/// The options of FHIR input (`--as-of`, `--fhir-mapping`), and the step
/// that turns FHIR inputs into intake records before the batch starts.
struct FHIROptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "FHIR input: the date of the run's point of view (YYYY-MM-DD). Nothing dated after it sets assessed_on; a patient without a screening is assessed as of it. Default: today (local time).",
            valueName: "date"))
    var asOf: String?

    @Option(help: mappingHelp)
    var fhirMapping: String?

    static let mappingHelp = ArgumentHelp(
        "FHIR input: the mapping from FHIR resources to the rules' inputs (YAML). Default: the built-in Rules/fhir.yaml.",
        valueName: "file")

    static let builtInMappingPath = "Rules/fhir.yaml (built in)"

    func validate() throws {
        if let asOf, ISODate.parse(asOf) == nil {
            throw ValidationError("--as-of must be a date (YYYY-MM-DD), not '\(asOf)'")
        }
    }

    /// What reading the FHIR inputs gave.
    struct Preparation {
        /// Written to the errors output by ``BatchCommandRun``.
        var problems: [InputProblemReport] = []
        /// By patient id, the resources that gave its inputs values; nil
        /// when no input was FHIR.
        var basis: [String: [String]]?
        var mapping: FHIRMapping?
        /// With `keepSources`: where each input of each patient came from.
        var sources: [String: [InputSource]]?
        /// For the end of the summary line: `, 2 input problems (as of 2026-12-31)`.
        var summarySuffix: String?
    }

    /// Replaces the FHIR inputs of `intake` (all of them read together as
    /// one input: references resolve across files) by the intake records
    /// made from them. Prints input problems and warnings on standard
    /// error.
    func prepare(_ intake: inout IntakeOptions, program: Program, keepBasis: Bool = false, keepSources: Bool = false) throws -> Preparation {
        let fhirPaths = intake.inputs.filter { path in
            path != "-" && (intake.inputFormat == .fhir || (intake.inputFormat == nil && FHIRIntake.looksLikeFHIR(path: path)))
        }
        guard let first = fhirPaths.first else { return Preparation() }
        let stderr = Terminal.standardError
        let mapping = try loadMapping(program: program)
        let date = asOf ?? Self.today()
        if asOf == nil { stderr.write("FHIR input read as of \(date) (today; --as-of sets another date)\n") }
        let intakeRecords: FHIRIntake
        do {
            intakeRecords = try FHIRIntake.read(
                paths: fhirPaths, mapping: mapping, program: program, asOf: Self.days(date), keepBasis: keepBasis,
                keepSources: keepSources)
        } catch {
            stderr.write("error: \(error.message)\n")
            throw ExitStatus.failure
        }
        for warning in intakeRecords.warnings { stderr.write("warning: \(warning)\n") }
        let label = first + (fhirPaths.count > 1 ? " (and \(fhirPaths.count - 1) more, FHIR)" : " (FHIR)")
        PreparedIntake.register(intakeRecords.csv, as: label)
        var inputs: [String] = []
        for path in intake.inputs {
            if path == first { inputs.append(label) } else if !fhirPaths.contains(path) { inputs.append(path) }
        }
        intake.inputs = inputs
        if intake.inputFormat == .fhir { intake.inputFormat = nil }
        stderr.write("\(intakeRecords.patients) patients read from FHIR (as of \(date))\n")
        let problems = intakeRecords.problems.map {
            InputProblemReport(location: $0.location, identifier: $0.patientId, message: $0.message)
        }
        let count = problems.count
        return Preparation(
            problems: problems, basis: keepBasis ? intakeRecords.basis : [:], mapping: mapping, sources: keepSources ? intakeRecords.sources : nil,
            summarySuffix: ", \(count) input problem\(count == 1 ? "" : "s") (as of \(date))")
    }

    /// The mapping (`--fhir-mapping` or the built-in one), checked against
    /// `program`; on errors, prints them and exits 2.
    func loadMapping(program: Program) throws -> FHIRMapping {
        let stderr = Terminal.standardError
        let source: SourceFile
        if let fhirMapping {
            source = SourceFile(path: fhirMapping, bytes: try RuleFiles.readFile(fhirMapping, limit: YAMLLimits.default.maxFileBytes))
        } else {
            source = SourceFile(path: Self.builtInMappingPath, bytes: PackageResources.fhir_yaml)
        }
        let mapping: FHIRMapping
        do {
            mapping = try FHIRMapping.load(source, program: program)
        } catch {
            let renderer = DiagnosticRenderer(color: stderr.useColor)
            for diagnostic in error.diagnostics { stderr.write(renderer.render(diagnostic, source: source) + "\n") }
            stderr.write("\(source.path): \(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s"); nothing was scored\n")
            throw ExitStatus.failure
        }
        return mapping
    }

    private static func days(_ text: String) -> Int {
        ISODate.parse(text) ?? 0
    }

    static func today() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(local.tm_year + 1900, 4))-\(pad(local.tm_mon + 1, 2))-\(pad(local.tm_mday, 2))"
    }
}

extension FHIROptions {
    /// For a command whose own `--as-of` is also the FHIR one (`worklist`:
    /// the worklist day is the point of view the windows look back from).
    init(asOf: String, fhirMapping: String?) {
        self.init()
        self.asOf = asOf
        self.fhirMapping = fhirMapping
    }

    /// ``prepare(_:program:keepBasis:keepSources:)`` for a command that
    /// has no errors file for input problems: prints them on standard
    /// error and returns how many there were.
    func prepareReportingProblems(_ intake: inout IntakeOptions, program: Program) throws -> Int {
        let problems = try prepare(&intake, program: program).problems
        for problem in problems {
            Terminal.standardError.write("\(problem.location): input problem: \(problem.message)\n")
        }
        return problems.count
    }

    /// One side of a comparison over time (`track`, `worklist --previous`)
    /// read alone: its references resolve within it, not across sides.
    /// Returns the name to read the side by, and its input problems.
    func prepareSide(_ path: String, intake: IntakeOptions, program: Program) throws -> (path: String, problems: Int) {
        var side = intake
        side.inputs = [path]
        let problems = try prepareReportingProblems(&side, program: program)
        return (side.inputs[0], problems)
    }
}
