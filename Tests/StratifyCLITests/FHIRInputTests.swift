import StratifyTestSupport
import Foundation
import Testing

/// FHIR R4 input (docs/fhir.md): a population written as FHIR by
/// scripts/bench/gen_fhir.py, in either layout, scores byte for byte like
/// the flat intake CSV the generator writes beside it.
@Suite struct FHIRInputTests {
    /// Runs gen_fhir.py into `folder`, with the flat CSV at `csv`.
    static func generate(seed: Int, layout: String, folder: String, csv: String, n: Int = 300) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", CLI.root + "/scripts/bench/gen_fhir.py", "--n", "\(n)", "--seed", "\(seed)", "--missing", "0.1",
            "--invalid", "0.02", "--out", folder, "--layout", layout, "--as-of", "2026-12-31", "--csv", csv,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// The rejection lines without the file name (the FHIR input's
    /// differs from the CSV's): record number, patient, field, message.
    static func rejections(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            guard let record = line.range(of: ": record ") else { return nil }
            return String(line[record.lowerBound...])
        }
    }

    @Test(arguments: [(21, "bulk"), (21, "bundles"), (22, "bulk"), (22, "bundles"), (23, "bundles")])
    func scoresLikeTheFlatCSV(seed: Int, layout: String) throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/fhir", csv = scratch.path + "/flat.csv"
        try Self.generate(seed: seed, layout: layout, folder: folder, csv: csv)
        let fromFHIR = try CLI.run(["score", "--input-format", "fhir", "--as-of", "2026-12-31", "--format", "csv", folder])
        let fromCSV = try CLI.run(["score", "--format", "csv", csv])
        #expect(fromFHIR.stdout == fromCSV.stdout)
        #expect(!fromFHIR.stdout.isEmpty)
        #expect(fromFHIR.status == fromCSV.status)
        #expect(Self.rejections(fromFHIR.stderr) == Self.rejections(fromCSV.stderr))
        #expect(fromFHIR.stderr.contains("300 patients read from FHIR (as of 2026-12-31)\n"))
        // The summary line is the CSV's, plus the input problems and the date.
        let summary = try #require(fromCSV.stderr.split(separator: "\n").last)
        #expect(fromFHIR.stderr.hasSuffix("\n\(summary), 0 input problems (as of 2026-12-31)\n"))
    }

    /// Detected without --input-format (a folder), gzip files read as if
    /// decompressed, and the output as NDJSON too.
    @Test func gzipFilesAndDetection() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/fhir", csv = scratch.path + "/flat.csv"
        try Self.generate(seed: 24, layout: "bulk", folder: folder, csv: csv, n: 200)
        for name in ["Patient.ndjson", "Observation.ndjson"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-n", folder + "/" + name]
            try process.run()
            process.waitUntilExit()
        }
        let fromFHIR = try CLI.run(["score", "--as-of", "2026-12-31", "--format", "ndjson", folder])
        let fromCSV = try CLI.run(["score", "--format", "ndjson", csv])
        #expect(fromFHIR.stdout == fromCSV.stdout)
        #expect(fromFHIR.status == fromCSV.status)
    }

    /// Input problems are reported with their place, and the rest scored.
    @Test func inputProblemsAreReportedAndTheRunGoesOn() throws {
        let scratch = try ScratchFolder()
        let file = scratch.path + "/mixed.ndjson"
        let lines = [
            #"{"resourceType":"Patient","id":"p1","birthDate":"1970-05-01"}"#,
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-06-30T22:10:00-05:00","valueString":"12"}"#,
            #"{"resourceType":"Observation","status":"final""#,
            "",
            #"{"id":"x"}"#,
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]}}"#,
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"Patient/nobody"}}"#,
            #"{"resourceType":"Claim","id":"c1"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try CLI.run(["score", "--input-format", "fhir", "--as-of", "2026-12-31", "--format", "csv", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):3: input problem: not JSON"))
        #expect(result.stderr.contains("\(file):5: input problem: no resourceType"))
        #expect(result.stderr.contains("\(file):6: input problem: no subject"))
        #expect(result.stderr.contains("\(file):7: input problem: subject Patient/nobody: no such Patient"))
        #expect(result.stderr.contains("warning: 1 × resources of type Claim ignored"))
        #expect(result.stderr.contains(", 0 rejected, 4 input problems (as of 2026-12-31)\n"))
        let row = result.stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(row.hasPrefix("p1,"))
    }

    /// With --errors FILE.csv, input problems are rows whose record is the
    /// location; a rejected patient is the row a CSV record would give.
    @Test func inputProblemsGoToTheErrorsFile() throws {
        let scratch = try ScratchFolder()
        let file = scratch.path + "/bundle.ndjson", errors = scratch.path + "/errors.csv"
        let lines = [
            #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Bundle"}},{"resource":{"resourceType":"Observation","subject":{"reference":"Patient/nobody"}}},{"resource":{"resourceType":"Patient","id":"p2","birthDate":"1930"}}]}"#,
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"Patient/p2"},"effectiveDateTime":"2026-06-30","valueQuantity":{"value":12.5}}"#,
            #"{"resourceType":"Patient","id":"p3"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try CLI.run(["score", "--as-of", "2026-12-31", "--errors", errors, file])
        #expect(result.status == 1)
        let rows = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(
            rows == """
                record,patient_id,field,message
                \(file):1 entry[0],,,nested Bundle
                \(file):1 entry[1],,,subject Patient/nobody: no such Patient
                1,p2,phq9_total,'12.5' is not a whole number

                """)
    }

    /// The worked example 1 of the spec: the local date, a numeric string.
    @Test func explainShowsTheMappedValues() throws {
        let scratch = try ScratchFolder()
        let file = scratch.path + "/one.ndjson"
        let lines = [
            #"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"https://ehr.example.org/fhir/Patient/p1"},"effectiveDateTime":"2026-06-30T22:10:00-05:00","valueString":"12"}"#,
            #"{"resourceType":"Patient","id":"p1","birthDate":"1970-07-01"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try CLI.run(["score", "--as-of", "2026-12-31", "--format", "ndjson", file])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#""patient_id":"p1""#))
        let explained = try CLI.run(["explain", "--as-of", "2026-12-31", "--format", "json", file])
        #expect(explained.stdout.contains("\"phq9_total\""))
        #expect(explained.stdout.contains("2026-06-30"))
    }

    /// explain --format text says which resource gave each input, and for
    /// a missing one what was looked for.
    @Test func explainShowsWhereEachInputCameFrom() throws {
        let scratch = try ScratchFolder()
        let file = scratch.path + "/one.ndjson"
        let lines = [
            #"{"resourceType":"Observation","id":"phq","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-06-30","valueInteger":12}"#,
            #"{"resourceType":"Patient","id":"p1","birthDate":"1970-07-01"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try CLI.run(["explain", "--as-of", "2026-12-31", "--patient", "p1", file])
        #expect(result.stdout.contains("Where the inputs came from (FHIR)\n  assessed_on 2026-06-30 ← Observation/phq\n  age 55 ← Patient/p1\n"))
        #expect(result.stdout.contains("  phq9_total 12 ← Observation/phq\n"))
        #expect(result.stdout.contains("  gad7_total missing: no value in the latest usable Observation coded LOINC 70274-6 from 2025-06-30 to 2026-06-30"))
        #expect(result.stdout.contains("  ed_visits_6mo 0 ← by absence: nothing matched Encounters that started from 2025-12-31 to 2026-06-30\n"))
    }

    /// check --fhir-mapping validates the mapping against the rules.
    @Test func checkValidatesTheMapping() throws {
        let good = try CLI.run(["check", "--fhir-mapping", "Rules/fhir.yaml"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("Rules/fhir.yaml: no problems"))
        let scratch = try ScratchFolder()
        var mapping = try RepositoryFixtures.text("Rules/fhir.yaml")
        mapping = mapping.replacingOccurrences(of: "  age: {patient: age}\n", with: "")
        let path = scratch.path + "/fhir.yaml"
        try Data(mapping.utf8).write(to: URL(fileURLWithPath: path))
        let bad = try CLI.run(["check", "--fhir-mapping", path])
        #expect(bad.status == 2)
        #expect(bad.stdout.contains("error: input 'age' of the rule set is not mapped"))
    }

    /// A mapping that does not fit the rule set stops with file:line:col.
    @Test func mappingErrorsPointIntoTheFile() throws {
        let scratch = try ScratchFolder()
        var mapping = try RepositoryFixtures.text("Rules/fhir.yaml")
        mapping = mapping.replacingOccurrences(
            of: "LOINC|LA6270-8: never\n    LOINC|LA10066-1: rarely", with: "LOINC|LA6270-8: nevermore\n    LOINC|LA10066-1: rarely")
        mapping = mapping.replacingOccurrences(of: "  engaged_in_care: {override_only: true}\n", with: "  engaged_in_kare: {override_only: true}\n")
        let path = scratch.path + "/fhir.yaml"
        try Data(mapping.utf8).write(to: URL(fileURLWithPath: path))
        let patient = scratch.path + "/p.ndjson"
        try Data(#"{"resourceType":"Patient","id":"p1"}"#.utf8).write(to: URL(fileURLWithPath: patient))
        let result = try CLI.run(["score", "--fhir-mapping", path, "--as-of", "2026-12-31", patient])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: 'nevermore' is not a value of loneliness"))
        #expect(result.stderr.contains("error: input 'engaged_in_care' of the rule set is not mapped"))
        #expect(result.stderr.contains("error: 'engaged_in_kare' is not an input of the rule set"))
        let place = try #require(result.stderr.split(separator: "\n").first { $0.contains("nevermore") })
        #expect(place.hasPrefix("\(path):"))
    }

    /// Published examples (Tests/Fixtures/fhir/SOURCES.md) map to the
    /// values the spec says.
    @Test func publishedUSCoreExamples() throws {
        let result = try CLI.run(["explain", "--as-of", "2022-12-31", "--patient", "example", "Tests/Fixtures/fhir/us-core"])
        #expect(result.status == 0)
        for line in [
            "  assessed_on 2022-11-29 ← Observation/PHQ9-item-example-44261-6",
            "  age 35 ← Patient/example",
            "  phq9_total 12 ← Observation/PHQ9-item-example-44261-6",
            "  food_insecure false ← Observation/AHC-HRSN-item-example-88122-7, Observation/AHC-HRSN-item-example-88123-5",
            "  utilities_shutoff_threat false ← Observation/AHC-HRSN-item-example-96779-4",
            "  living_situation steady ← Observation/AHC-HRSN-item-example-71802-3",
            "  housing_problems 3 ← Observation/AHC-HRSN-item-example-96778-6, Observation/AHC-HRSN-item-example-96778-6answer-0, "
                + "Observation/AHC-HRSN-item-example-96778-6answer-5, Observation/AHC-HRSN-item-example-96778-6answer-6",
            "  interpersonal_safety_score 4 ← Observation/AHC-HRSN-item-example-95614-4",
            "  transportation_barrier false ← Observation/AHC-HRSN-item-example-93030-5",
        ] {
            #expect(result.stdout.contains(line + "\n"), "\(line)")
        }
        // The blood-pressure example is from 1999: read as of then.
        let pressure = try CLI.run([
            "explain", "--as-of", "1999-12-31", "--patient", "example",
            "Tests/Fixtures/fhir/us-core/patient-example.json", "Tests/Fixtures/fhir/us-core/blood-pressure.json",
        ])
        #expect(pressure.stdout.contains("  systolic_bp 109 ← Observation/blood-pressure\n  diastolic_bp 44 ← Observation/blood-pressure\n"))
    }

    /// A Synthea transaction Bundle: urn:uuid references, a BP panel, and
    /// resource types the mapping does not read (warnings, not problems).
    @Test func publishedSyntheaBundle() throws {
        let result = try CLI.run(["explain", "--as-of", "2020-12-31", "Tests/Fixtures/fhir/synthea"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("  systolic_bp 120 ← Observation/5c5d1aff-9d21-419f-adc9-c4ac066f49aa\n"))
        #expect(result.stdout.contains("  diastolic_bp 72 ← Observation/5c5d1aff-9d21-419f-adc9-c4ac066f49aa\n"))
        #expect(result.stdout.contains("  age 0 ← Patient/8666cd40-7af9-48c6-a1a6-86a161195542\n"))
        #expect(result.stderr.contains("warning: 1 × resources of type ExplanationOfBenefit ignored"))
        #expect(result.stderr.contains("1 patients read from FHIR (as of 2020-12-31)"))
    }

    /// diff and caseload read FHIR like score does.
    @Test func diffReadsFHIR() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/fhir", csv = scratch.path + "/flat.csv"
        try Self.generate(seed: 25, layout: "bulk", folder: folder, csv: csv, n: 100)
        let result = try CLI.run(["diff", "--as-of", "2026-12-31", "--candidate", "Rules/default.yaml", folder])
        let fromCSV = try CLI.run(["diff", "--candidate", "Rules/default.yaml", csv])
        #expect(result.stdout.contains("100 records read"))
        #expect(result.stdout.split(separator: "\n").dropFirst(2) == fromCSV.stdout.split(separator: "\n").dropFirst(2))
        // caseload too.
        let caseload = try CLI.run(["caseload", "--as-of", "2026-12-31", folder])
        let caseloadCSV = try CLI.run(["caseload", csv])
        #expect(caseload.status == caseloadCSV.status)
        #expect(caseload.stdout.contains("model            patients"))
        #expect(caseload.stdout == caseloadCSV.stdout)
    }

    /// evaluate, track and worklist read FHIR like score does: the same
    /// output as the equivalent flat CSV.
    @Test func evaluateTrackAndWorklistReadFHIR() throws {
        let scratch = try ScratchFolder()
        let previous = scratch.path + "/previous", previousCSV = scratch.path + "/previous.csv"
        let current = scratch.path + "/current", currentCSV = scratch.path + "/current.csv"
        try Self.generate(seed: 26, layout: "bulk", folder: previous, csv: previousCSV, n: 120)
        try Self.generate(seed: 27, layout: "bundles", folder: current, csv: currentCSV, n: 120)
        let outcomes = scratch.path + "/outcomes.csv"
        let rows = (1...120).map { "P\(String(1_000_000 + $0).dropFirst()),\($0 % 3 == 0 ? 1 : 0)" }
        try (["patient_id,admitted_90d"] + rows).joined(separator: "\n").appending("\n").write(toFile: outcomes, atomically: true, encoding: .utf8)
        func expectSame(_ fhirArguments: [String], _ csvArguments: [String], marker: String) throws {
            let fromFHIR = try CLI.run(fhirArguments)
            let fromCSV = try CLI.run(csvArguments)
            #expect(fromFHIR.stdout.contains(marker))
            #expect(fromFHIR.stdout == fromCSV.stdout)
            #expect(fromFHIR.status == fromCSV.status)
            #expect(Self.rejections(fromFHIR.stderr) == Self.rejections(fromCSV.stderr))
        }
        let evaluate = ["evaluate", "--outcomes", outcomes, "--outcome", "admitted_90d", "--min-cell", "0"]
        try expectSame(
            evaluate + ["--as-of", "2026-12-31", previous], evaluate + [previousCSV],
            marker: "outcome: admitted_90d (binary)")
        try expectSame(
            evaluate + ["--candidate", "Rules/default.yaml", "--format", "json", "--as-of", "2026-12-31", current],
            evaluate + ["--candidate", "Rules/default.yaml", "--format", "json", currentCSV], marker: "\"rejected_both\"")
        // Without --outcomes the outcome would be a column of the intake: FHIR has none.
        let noOutcomes = try CLI.run(["evaluate", "--outcome", "admitted_90d", "--as-of", "2026-12-31", previous])
        #expect(noOutcomes.status == 2)
        #expect(noOutcomes.stderr.contains("FHIR input has no outcome column: give the outcomes with --outcomes FILE"))
        // track: each side FHIR (one in each layout), or one side FHIR and the other CSV.
        try expectSame(
            ["track", "--as-of", "2026-12-31", "--format", "json", previous, current],
            ["track", "--format", "json", previousCSV, currentCSV], marker: "\"tier_transitions\"")
        try expectSame(
            ["track", "--as-of", "2026-12-31", "--input-format", "fhir", previous, current],
            ["track", previousCSV, currentCSV], marker: "Tier transitions")
        try expectSame(
            ["track", "--as-of", "2026-12-31", previousCSV, current], ["track", previousCSV, currentCSV], marker: "Tier transitions")
        // worklist: its --as-of is the worklist day and the FHIR point of view.
        try expectSame(
            ["worklist", "--as-of", "2026-12-31", "--previous", previous, current],
            ["worklist", "--as-of", "2026-12-31", "--previous", previousCSV, currentCSV], marker: "priority")
        let anchored = try CLI.run(["worklist", "--as-of", "2026-12-31", current])
        #expect(anchored.stderr.contains("120 patients read from FHIR (as of 2026-12-31)\n"))
    }

    /// A Bulk export of more than 1 MB is read on two threads, the largest
    /// file cut at a line: the output, the errors file and standard error
    /// are those of one thread (STRATIFY_FHIR_THREADS=1), input problems on
    /// either side of the cut included; a resource repeated across the two
    /// parts sends the input back to one thread.
    /// The HTML report of a FHIR export has the figures of the report of
    /// its flat CSV; only the input's name differs.
    @Test func reportReadsFHIR() throws {
        let scratch = try ScratchFolder()
        let previous = scratch.path + "/previous", previousCSV = scratch.path + "/previous.csv"
        let current = scratch.path + "/current", currentCSV = scratch.path + "/current.csv"
        try Self.generate(seed: 28, layout: "bulk", folder: previous, csv: previousCSV, n: 120)
        try Self.generate(seed: 29, layout: "bulk", folder: current, csv: currentCSV, n: 120)
        let fromFHIR = try CLI.run(["report", "--as-of", "2026-12-31", "--previous", previous, "--output", scratch.path + "/a.html", current])
        let fromCSV = try CLI.run(["report", "--as-of", "2026-12-31", "--previous", previousCSV, "--output", scratch.path + "/b.html", currentCSV])
        #expect(fromFHIR.status == fromCSV.status)
        func figures(_ name: String) throws -> [String] {
            let html = try String(contentsOfFile: scratch.path + "/" + name, encoding: .utf8)
            return html.components(separatedBy: "data-").dropFirst().map { String($0.prefix { $0 != ">" }) }
                .filter { !$0.contains("previous") && !$0.contains("current") }
        }
        let a = try figures("a.html"), b = try figures("b.html")
        #expect(a.count > 50)
        #expect(a == b)
    }

    @Test func twoThreadsReadLikeOne() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/fhir", csv = scratch.path + "/flat.csv"
        try Self.generate(seed: 28, layout: "bulk", folder: folder, csv: csv)
        func append(_ text: String, to name: String) throws {
            let handle = try #require(FileHandle(forWritingAtPath: folder + "/" + name))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            handle.closeFile()
        }
        try append("not json\n", to: "Condition.ndjson")
        try append(#"{"resourceType":"Observation","id":"stray","subject":{"reference":"Patient/NOPE"}}"# + "\n{\n", to: "Observation.ndjson")
        func compare(expectProblems: Int) throws {
            let arguments = ["score", "--as-of", "2026-12-31", "--format", "csv", "--errors", scratch.path + "/errors.csv", folder]
            let two = try CLI.run(arguments)
            let twoErrors = try String(contentsOfFile: scratch.path + "/errors.csv", encoding: .utf8)
            let one = try CLI.run(arguments, environment: ["STRATIFY_FHIR_THREADS": "1"])
            let oneErrors = try String(contentsOfFile: scratch.path + "/errors.csv", encoding: .utf8)
            #expect(two.stdout == one.stdout)
            #expect(two.stderr == one.stderr)
            #expect(twoErrors == oneErrors)
            #expect(two.status == 1)
            #expect(two.stderr.contains(", \(expectProblems) input problems (as of 2026-12-31)"))
            #expect(two.stdout == (try CLI.run(["score", "--format", "csv", csv])).stdout)
        }
        try compare(expectProblems: 3)
        // The first Condition again, at the end of the last file.
        let conditions = try String(contentsOfFile: folder + "/Condition.ndjson", encoding: .utf8)
        try append(String(conditions.prefix { $0 != "\n" }) + "\n", to: "QuestionnaireResponse.ndjson")
        try compare(expectProblems: 3)
    }
}
