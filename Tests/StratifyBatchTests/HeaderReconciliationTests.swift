import StratifyTestSupport
import Glibc
@testable import StratifyBatch
import StratifyCore
import StratifyIO
import StratifyRules
import StratifyYAML
import Testing

/// A header (or the first NDJSON keys) that does not name the rules' inputs
/// exactly is never scored silently: names that match once normalised are
/// read, with a warning; typos, unknown names and inputs without a field
/// are named; a file with nothing but the identifier is refused; with
/// `strict`, every warning is a refusal.
@Suite struct HeaderReconciliationTests {
    static let program = RepositoryFixtures.defaultProgram
    static let names = program.inputs.map(\.name)
    static let reference = RepositoryFixtures.fixture("acceptance/reference-2k.csv")
    static let referenceNDJSON = RepositoryFixtures.fixture("acceptance/reference-1k.ndjson")

    static func header(_ names: [String]) -> IntakeFieldNames {
        IntakeFieldNames(names: names, origin: .header(line: 1))
    }

    static func reconcile(_ fields: IntakeFieldNames, strict: Bool = false) throws(BatchError) -> HeaderReconciliation {
        try HeaderReconciliation(fields, program: program, file: "in.csv", strict: strict)
    }

    static func refusal(_ fields: IntakeFieldNames, strict: Bool = false) -> String? {
        do {
            _ = try reconcile(fields, strict: strict)
            return nil
        } catch {
            return error.description
        }
    }

    /// `names` with `change` applied to those for which `which` holds.
    static func renamed(_ which: (String) -> Bool, _ change: (String) -> String) -> [String] {
        names.map { which($0) ? change($0) : $0 }
    }

    static func titleCase(_ name: String) -> String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    // MARK: - Matching and warnings

    @Test func anExactHeaderHasNoWarnings() throws {
        let reconciled = try Self.reconcile(Self.header(Self.names.reversed()))
        #expect(reconciled.warnings.isEmpty)
        #expect(reconciled.columns?.inputs == Array(Self.names.indices.reversed()))
        #expect(try Self.reconcile(Self.header(Self.names), strict: true).warnings.isEmpty)
    }

    @Test func namesThatMatchOnceNormalisedAreReadWithOneWarning() throws {
        let padded = try Self.reconcile(Self.header(Self.renamed({ $0 == "age" }) { " \($0) " }))
        #expect(padded.warnings == ["in.csv:1: warning: column ' age ' read as input 'age' (its name normalised: case, spaces, hyphens)"])
        #expect(padded.columns?.inputs == Array(Self.names.indices))

        let hyphenated = try Self.reconcile(Self.header(Self.renamed({ $0.hasPrefix("phq9") }) { $0.uppercased().replacing("_", with: "-") }))
        #expect(
            hyphenated.warnings == [
                "in.csv:1: warning: 2 columns read as inputs after normalising their names (case, spaces, hyphens): "
                    + "'PHQ9-TOTAL' as phq9_total, 'PHQ9-ITEM9' as phq9_item9"
            ])

        // The identifier too: it is a required input.
        let title = try Self.reconcile(Self.header(Self.names.map(Self.titleCase)))
        #expect(title.warnings.count == 1)
        #expect(
            title.warnings[0].hasPrefix(
                "in.csv:1: warning: 30 columns read as inputs after normalising their names (case, spaces, hyphens): "
                    + "'Patient Id' as patient_id, 'Assessed On' as assessed_on, 'Age' as age, "))
        #expect(title.columns?.inputs == Array(Self.names.indices))
        #expect(title.columns?.identifierColumn == 0)
    }

    @Test func typosUnknownColumnsAndAbsentInputsAreNamed() throws {
        let names = Self.names.filter { !["living_situation", "systolic_bp", "phq9_total"].contains($0) } + ["phq9_totl", "notes", "site"]
        let reconciled = try Self.reconcile(Self.header(names))
        #expect(
            reconciled.warnings == [
                "in.csv:1: warning: column 'phq9_totl' matches no input and is ignored: did you mean 'phq9_total'?",
                "in.csv:1: warning: 2 columns match no input and are ignored: 'notes', 'site'",
                "in.csv:1: warning: 3 inputs have no column, so they are missing for every record: living_situation, phq9_total, systolic_bp",
            ])
        // A name close to an input that has a column is not a typo of it.
        let extra = try Self.reconcile(Self.header(Self.names + ["ages"]))
        #expect(extra.warnings == ["in.csv:1: warning: column 'ages' matches no input and is ignored"])
        // Long lists are cut.
        let many = try Self.reconcile(Self.header(Self.names + (1...12).map { "extra\($0)x" }))
        #expect(
            many.warnings == [
                "in.csv:1: warning: 12 columns match no input and are ignored: 'extra1x', 'extra2x', 'extra3x', 'extra4x', "
                    + "'extra5x', 'extra6x', 'extra7x', 'extra8x', 'extra9x', 'extra10x', and 2 more"
            ])
    }

    // MARK: - Refusals

    @Test func twoColumnsForOneInputAreRefused() {
        #expect(
            Self.refusal(Self.header(["patient_id", "age", "Age "]))
                == "in.csv:1: error: columns 'age' (column 2) and 'Age ' (column 3) are both read as input 'age'")
        #expect(
            Self.refusal(Self.header(["patient_id", "Age", "age"]))
                == "in.csv:1: error: columns 'Age' (column 2) and 'age' (column 3) are both read as input 'age'")
        #expect(Self.refusal(Self.header(["patient_id", "age", "age"])) == "in.csv:1: error: the header names column 'age' twice (columns 2 and 3)")
    }

    @Test func aHeaderWithOnlyTheIdentifierIsRefused() {
        #expect(
            Self.refusal(Self.header(["Patient ID", "mrn"])) == """
                in.csv:1: error: no column of the header is an input of the rules but 'patient_id', so every record would be scored on nothing
                    = expected: 29 inputs besides 'patient_id', such as assessed_on, age, los_days, acute_admission, charlson_index, and 24 more
                    = columns found: Patient ID, mrn
                """)
        #expect(Self.refusal(Self.header(["patient_id"]))?.contains("no column of the header is an input of the rules but 'patient_id'") == true)
        // Without the identifier, that is the error.
        #expect(
            Self.refusal(Self.header(["patientid", "age"])) == """
                in.csv:1: error: the header has no 'patient_id' column, which every record needs
                    = columns found: patientid, age
                    = column 'patientid': did you mean 'patient_id'?
                """)
    }

    @Test func strictTurnsEachWarningIntoARefusal() {
        let cases: [[String]] = [
            Self.renamed({ $0 == "age" }) { " \($0) " },
            Self.names + ["notes"],
            Self.renamed({ $0 == "phq9_total" }) { _ in "phq9_totl" },
            Self.names.filter { $0 != "systolic_bp" },
        ]
        for names in cases {
            let warnings = (try? Self.reconcile(Self.header(names)).warnings) ?? []
            #expect(warnings.count >= 1)
            let refusal = Self.refusal(Self.header(names), strict: true)
            #expect(
                refusal?.hasPrefix("in.csv:1: error: the header's columns are not exactly the inputs of the rules (--strict-columns)\n") == true, "\(names)")
            // The notes are the warnings.
            let notes = refusal?.split(separator: "\n").dropFirst().map { String($0.dropFirst("    = ".count)) }
            #expect(notes == warnings.map { String($0.dropFirst("in.csv:1: warning: ".count)) })
        }
    }

    // MARK: - NDJSON keys

    @Test func ndjsonKeysAreSampledAndNamed() throws {
        let whole = IntakeFieldNames(names: ["patient_id", "Age", "phq9_totl"], origin: .sample(records: 24, objects: 24, wholeFile: true))
        let reconciled = try HeaderReconciliation(whole, program: Self.program, file: "in.ndjson", strict: false)
        #expect(reconciled.columns == nil)
        #expect(reconciled.warnings.count == 3)
        #expect(reconciled.warnings[0] == "in.ndjson: warning: key 'Age' read as input 'age' (its name normalised: case, spaces, hyphens)")
        #expect(reconciled.warnings[1] == "in.ndjson: warning: key 'phq9_totl' matches no input and is ignored: did you mean 'phq9_total'?")
        #expect(
            reconciled.warnings[2].hasPrefix("in.ndjson: warning: 28 inputs have no key in any record, so they are missing for every record: acute_admission, ")
        )
        let first = IntakeFieldNames(names: Self.names.filter { $0 != "age" }, origin: .sample(records: 1000, objects: 1000, wholeFile: false))
        #expect(
            try HeaderReconciliation(first, program: Self.program, file: "in.ndjson", strict: false).warnings == [
                "in.ndjson: warning: 1 input has no key in the first 1000 records, so it is missing for those records: age"
            ])
        // No record was a JSON object: nothing to say (each is rejected).
        let broken = IntakeFieldNames(names: [], origin: .sample(records: 3, objects: 0, wholeFile: true))
        #expect(try HeaderReconciliation(broken, program: Self.program, file: "in.ndjson", strict: true).warnings.isEmpty)
        let idOnly = IntakeFieldNames(names: ["patient_id", "x"], origin: .sample(records: 2, objects: 2, wholeFile: true))
        #expect(throws: BatchError.self) { try HeaderReconciliation(idOnly, program: Self.program, file: "in.ndjson", strict: false) }
    }

    // MARK: - Through a batch

    static func scoreText(_ text: String, suffix: String, jobs: Int = 1, chunkBytes: Int = 1 << 20) throws -> BatchHarness.Outcome {
        let path = RepositoryFixtures.temporaryPath(suffix: suffix)
        RepositoryFixtures.write(text, to: path)
        defer { unlink(path) }
        return try BatchHarness.score([path], jobs: jobs, chunkBytes: chunkBytes)
    }

    @Test(arguments: ["title", "padded", "hyphenated"])
    func renamedCSVHeadersScoreLikeTheCanonicalOne(variant: String) throws {
        let text = RepositoryFixtures.read(Self.reference)
        let newline = text.firstIndex(of: "\n")!
        let names = text[..<newline].split(separator: ",").map(String.init)
        let header = names.map { name in
            switch variant {
            case "title": Self.titleCase(name)
            case "padded": " \(name) "
            default: name.uppercased().replacing("_", with: "-")
            }
        }
        let outcome = try Self.scoreText(header.joined(separator: ",") + text[newline...], suffix: ".csv", jobs: 2, chunkBytes: 8192)
        #expect(outcome.output == RepositoryFixtures.read(RepositoryFixtures.fixture("acceptance/reference-2k.expected.csv")))
        #expect(BatchHarness.rejectKeys(outcome.rejects) == RepositoryFixtures.read(RepositoryFixtures.fixture("acceptance/reference-2k.errors.csv")))
    }

    /// Title-case keys on every line score as the canonical keys, across
    /// chunks and threads: the records read ahead for their keys are scored
    /// first, in order, none lost.
    @Test func titleCaseNDJSONKeysScoreLikeTheCanonicalOnes() throws {
        var text = RepositoryFixtures.read(Self.referenceNDJSON)
        for name in Self.names {
            text = text.replacing("\"\(name)\":", with: "\"\(Self.titleCase(name))\":")
        }
        #expect(!text.contains("\"age\":"))
        let canonical = try BatchHarness.score([Self.referenceNDJSON])
        for (jobs, chunk) in [(1, 1 << 20), (2, 4096)] {
            let outcome = try Self.scoreText(text, suffix: ".ndjson", jobs: jobs, chunkBytes: chunk)
            #expect(outcome.summary == canonical.summary)
            #expect(outcome.output == canonical.output)
            #expect(outcome.rejects == canonical.rejects)
        }
    }

    @Test func theRunnerWarnsBeforeScoringAndRefusesWhenStrict() throws {
        let input = RepositoryFixtures.temporaryPath(suffix: ".csv")
        let report = RepositoryFixtures.temporaryPath(suffix: ".txt")
        defer {
            unlink(input)
            unlink(report)
        }
        RepositoryFixtures.write(" Patient ID ,age,phq9_total\nA1,80,21\n", to: input)
        let program = Self.program
        var runner = BatchRunner(program: program, jobs: 1) { ScoreFormatter(program: program, format: .csv) }
        func run() throws -> String {
            let rejects = RejectSink(sink: try ByteSink.createFile(report), format: .text, identifierName: "patient_id")
            _ = try runner.run(inputs: [input], formats: [.csv], output: try ByteSink.createFile("/dev/null"), rejects: rejects)
            return RepositoryFixtures.read(report).replacing(input, with: "in.csv")
        }
        let lines = try run().split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == "in.csv:1: warning: column ' Patient ID ' read as input 'patient_id' (its name normalised: case, spaces, hyphens)")
        #expect(lines[1].hasPrefix("in.csv:1: warning: 27 inputs have no column, so they are missing for every record: acute_admission, "))
        runner.strictColumns = true
        #expect(throws: BatchError.self) { try run() }
    }

    // MARK: - Diff

    /// Both rule files match the header; what they find alike is said once,
    /// what only the new one finds is marked.
    @Test func diffWarnsOncePerFile() throws {
        let input = RepositoryFixtures.temporaryPath(suffix: ".csv")
        let warnings = RepositoryFixtures.temporaryPath(suffix: ".txt")
        defer {
            unlink(input)
            unlink(warnings)
        }
        let names = Self.names.filter { $0 != "systolic_bp" }
        RepositoryFixtures.write(names.map(Self.titleCase).joined(separator: ",") + "\n", to: input)
        let text = RepositoryFixtures.read(RepositoryFixtures.path("Rules/default.yaml"))
        let edited = text.replacing("gad7_total", with: "gad7_score")
        let candidate = try RuleCompiler.program(SourceFile(path: "candidate.yaml", text: edited))
        var runner = DiffRunner(old: Self.program, new: candidate, jobs: 1)
        runner.warningSink = try ByteSink.createFile(warnings)
        _ = try runner.run(inputs: [input], formats: [.csv])
        let lines = RepositoryFixtures.read(warnings).replacing(input, with: "in.csv").split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("in.csv:1: warning: 29 columns read as inputs after normalising their names"))
        #expect(lines[1] == "in.csv:1: warning: 1 input has no column, so it is missing for every record: systolic_bp")
        #expect(lines[2].hasPrefix("in.csv:1: warning: 28 columns read as inputs after normalising their names"))
        #expect(lines[2].hasSuffix(" (new rules)"))
        #expect(lines[3] == "in.csv:1: warning: column 'Gad7 Total' matches no input and is ignored (new rules)")
        #expect(lines[4] == "in.csv:1: warning: 2 inputs have no column, so they are missing for every record: gad7_score, systolic_bp (new rules)")
        // Strict: the new rules' refusal says which rules.
        runner.strictColumns = true
        #expect(throws: BatchError.self) { try runner.run(inputs: [input], formats: [.csv]) }
    }
}
