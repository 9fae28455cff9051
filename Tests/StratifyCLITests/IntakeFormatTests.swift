import StratifyTestSupport
import Foundation
import Testing

/// The formats real exports use: each is read exactly like the canonical
/// file it was made from (the same output, byte for byte, and the same
/// reports), or refused with exit status 2 and a message that names the
/// problem.
@Suite struct IntakeFormatTests {
    static let formats = "Tests/Fixtures/formats/"
    static let acceptance = "Tests/Fixtures/acceptance/"

    /// `bytes` compressed by the system's `gzip -n` (Debian has it on
    /// every machine: it is an essential package).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let scratch = try ScratchFolder()
        let plain = try scratch.write("plain", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", plain]
        try process.run()
        process.waitUntilExit()
        return try contents(plain + ".gz")
    }

    static func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path.hasPrefix("/") ? path : CLI.root + "/" + path)))
    }

    /// Scores `variant` (with `options`) and `canonical`: the same output,
    /// and the same reports once the file names are swapped.
    func expectSameScores(_ variant: String, _ options: [String] = [], as canonical: String, format: String = "csv") throws {
        let expected = try CLI.run(["score", canonical, "--format", format, "--jobs", "2"])
        let result = try CLI.run(["score", variant, "--format", format, "--jobs", "2"] + options)
        #expect(result.status == expected.status, "\(variant): \(result.stderr)")
        #expect(result.stdout == expected.stdout, "\(variant)")
        #expect(result.stderr.replacingOccurrences(of: variant, with: canonical) == expected.stderr, "\(variant)")
        #expect(!expected.stdout.isEmpty)
    }

    // MARK: Read like the canonical file

    @Test func semicolonsWithTheOption() throws {
        try expectSameScores(Self.formats + "edge-cases.semicolon.csv", ["--delimiter", ";"], as: Self.acceptance + "edge-cases.csv")
    }

    @Test func tabsByNameAndByOption() throws {
        try expectSameScores(Self.formats + "edge-cases.tsv", as: Self.acceptance + "edge-cases.csv")
        try expectSameScores(Self.formats + "edge-cases.tsv", ["--delimiter", "tab"], as: Self.acceptance + "edge-cases.csv")
    }

    @Test func utf8ByteOrderMark() throws {
        let scratch = try ScratchFolder()
        let file = try scratch.write("bom.csv", [0xEF, 0xBB, 0xBF] + Self.contents(Self.acceptance + "reference-2k.csv"))
        try expectSameScores(file, as: Self.acceptance + "reference-2k.csv")
        let ndjson = try scratch.write("bom.ndjson", [0xEF, 0xBB, 0xBF] + Self.contents(Self.acceptance + "reference-1k.ndjson"))
        try expectSameScores(ndjson, as: Self.acceptance + "reference-1k.ndjson")
    }

    @Test func gzipFilesAndConcatenatedMembers() throws {
        try expectSameScores(Self.formats + "intake.csv.gz", as: "Samples/intake.csv")
        // Two gzip members one after the other (`cat a.gz b.gz`), split
        // in the middle of the population.
        try expectSameScores(Self.formats + "reference-2k.concat.csv.gz", as: Self.acceptance + "reference-2k.csv")
    }

    @Test func everyFormatMayBeCompressed() throws {
        let scratch = try ScratchFolder()
        let ndjson = try Self.contents(Self.acceptance + "reference-1k.ndjson")
        let array = Array(("[" + String(decoding: ndjson, as: UTF8.self).split(separator: "\n").joined(separator: ",\n") + "]\n").utf8)
        let cases: [(String, [UInt8], String)] = [
            ("r.ndjson.gz", ndjson, Self.acceptance + "reference-1k.ndjson"),
            ("r.JSONL.GZ", ndjson, Self.acceptance + "reference-1k.ndjson"),
            ("r.json.gz", array, Self.acceptance + "reference-1k.ndjson"),
            ("e.tsv.gz", try Self.contents(Self.formats + "edge-cases.tsv"), Self.acceptance + "edge-cases.csv"),
        ]
        for (name, bytes, canonical) in cases {
            try expectSameScores(try scratch.write(name, try Self.gzip(bytes)), as: canonical)
        }
    }

    @Test func jsonArrays() throws {
        let scratch = try ScratchFolder()
        let lines = try String(decoding: Self.contents(Self.acceptance + "reference-1k.ndjson"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        // Each record on the line it has in the NDJSON file: the same reports.
        let sameLines = try scratch.write("same-lines.json", Array(("[" + lines.joined(separator: ",\n") + "]\n").utf8))
        try expectSameScores(sameLines, as: Self.acceptance + "reference-1k.ndjson")
        try expectSameScores(sameLines, as: Self.acceptance + "reference-1k.ndjson", format: "ndjson")
        // What `score --format json` writes: `[` on a line of its own, so
        // each record is one line further down.
        let written = try scratch.write("written.json", Array(("[\n" + lines.joined(separator: ",\n") + "\n]\n").utf8))
        let result = try CLI.run(["score", written, "--format", "csv"])
        #expect(result.stdout == (try CLI.run(["score", Self.acceptance + "reference-1k.ndjson", "--format", "csv"]).stdout))
        #expect(result.stderr.contains(written + ":131: record 130 (patient_id P0000130): gad7_total: 22 is above the maximum 21"))
        // A JSON array on standard input gives JSON output by default.
        let sample = try String(decoding: Self.contents("Samples/intake.ndjson"), as: UTF8.self)
            .split(separator: "\n").joined(separator: ",\n")
        let again = try CLI.run(["score", "-", "--input-format", "json"], stdin: "[" + sample + "]\n")
        #expect(again.status == 1)
        #expect(again.stdout.hasPrefix("[{\"patient_id\":\"P0000001\","))
        #expect(again.stderr.hasSuffix("11 scored, 1 rejected\n"))
        // Score output is not intake: fed back, it is refused, never scored on nothing.
        let scored = try CLI.run(["score", "Samples/intake.csv", "--format", "json"])
        let refused = try CLI.run(["score", "-", "--input-format", "json"], stdin: scored.stdout)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is an input of the rules but 'patient_id', so every record would be scored on nothing"))
    }

    @Test func standardInputIsToldByItsFirstBytes() throws {
        let canonical = try CLI.run(["score", "Samples/intake.csv"])
        let expectedErrors = canonical.stderr.replacingOccurrences(of: "Samples/intake.csv:", with: "-:")
        let csv = try Self.contents("Samples/intake.csv")
        let gz = try Self.contents(Self.formats + "intake.csv.gz")
        for (what, input) in [("CSV", csv), ("CSV with a byte-order mark", [0xEF, 0xBB, 0xBF] + csv), ("gzip CSV", gz)] {
            let result = try CLI.run(["score", "-"], stdinBytes: input)
            #expect(result.stdout == canonical.stdout, "\(what)")
            #expect(result.stderr == expectedErrors, "\(what)")
            #expect(result.status == 1, "\(what)")
        }
        let ndjson = try CLI.run(["score", "-"], stdinBytes: Self.contents("Samples/intake.ndjson"))
        #expect(ndjson.stdout == String(decoding: try Self.contents("Samples/intake.scored.ndjson"), as: UTF8.self))
        let empty = try CLI.run(["score", "-"], stdin: "")
        #expect(empty.status == 0)
        #expect(empty.stderr == "warning: no records in standard input\n0 scored, 0 rejected\n")
    }

    @Test func otherCommandsReadTheSameFormats() throws {
        let canonical = try CLI.run(["diff", "--candidate", "Rules/default.yaml", Self.acceptance + "edge-cases.csv"])
        let tsv = try CLI.run(["diff", "--candidate", "Rules/default.yaml", Self.formats + "edge-cases.tsv"])
        #expect(tsv.stdout == canonical.stdout)
        #expect(tsv.status == 0)
        let explained = try CLI.run(["explain", Self.formats + "intake.csv.gz", "--patient", "P0000012"])
        let plain = try CLI.run(["explain", "Samples/intake.csv", "--patient", "P0000012"])
        #expect(explained.stdout == plain.stdout)
        #expect(!plain.stdout.isEmpty)
    }

    // MARK: Refused, with the reason

    @Test func utf16IsRefusedWithTheCommandThatConvertsIt() throws {
        let scratch = try ScratchFolder()
        let text = try String(decoding: Self.contents("Samples/intake.csv"), as: UTF8.self)
        let little = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let cases: [(String, [UInt8], String)] = [
            ("le.csv", little, "LE"), ("le-bom.csv", [0xFF, 0xFE] + little, "LE"),
            ("be.csv", big, "BE"), ("be-bom.csv", [0xFE, 0xFF] + big, "BE"),
        ]
        for (name, bytes, order) in cases {
            let file = try scratch.write(name, bytes)
            let result = try CLI.run(["score", file])
            #expect(result.status == 2, "\(name)")
            #expect(result.stdout.isEmpty)
            let utf8Name = file.replacingOccurrences(of: ".csv", with: ".utf8.csv")
            #expect(
                result.stderr
                    == "\(file): error: the file is UTF-16 \(order) text, not UTF-8: convert it with iconv -f UTF-16\(order) -t UTF-8 \(file) > \(utf8Name)\n",
                "\(name)")
            let piped = try CLI.run(["score", "-"], stdinBytes: bytes)
            #expect(piped.status == 2)
            #expect(piped.stderr == "-: error: standard input is UTF-16 \(order) text, not UTF-8: convert it with iconv -f UTF-16\(order) -t UTF-8\n")
        }
    }

    @Test func aDelimiterThatWouldFindTheIdentifierIsNamed() throws {
        let semicolons = try CLI.run(["score", Self.formats + "edge-cases.semicolon.csv"])
        #expect(semicolons.status == 2)
        #expect(semicolons.stdout.isEmpty)
        #expect(
            semicolons.stderr
                == "\(Self.formats)edge-cases.semicolon.csv:1: error: the header has no 'patient_id' column; split on ';' it would have one: use --delimiter ';'\n"
        )
        let scratch = try ScratchFolder()
        let tabs = try scratch.write("tabs.csv", Self.contents(Self.formats + "edge-cases.tsv"))
        let result = try CLI.run(["score", tabs])
        #expect(result.status == 2)
        #expect(result.stderr == "\(tabs):1: error: the header has no 'patient_id' column; split on tabs it would have one: use --delimiter tab\n")
        let commas = try CLI.run(["score", Self.acceptance + "edge-cases.csv", "--delimiter", ";"])
        #expect(commas.stderr.contains("split on ',' it would have one: use --delimiter ','"))
        // A spreadsheet export with both problems: title-case names and ';'.
        let exported = try scratch.write("export.csv", Array(("Patient Id;Age;PHQ9-Total\nP1;40;12\n").utf8))
        let both = try CLI.run(["score", exported])
        #expect(both.status == 2)
        #expect(both.stderr == "\(exported):1: error: the header has no 'patient_id' column; split on ';' it would have one: use --delimiter ';'\n")
        let fixed = try CLI.run(["score", exported, "--delimiter", ";"])
        #expect(fixed.stdout.hasPrefix("patient_id,clinical_score,"))
        #expect(fixed.stderr.contains("warning: 3 columns read as inputs after normalising their names"))
    }

    @Test func aLatin1ByteNamesTheEncoding() throws {
        let scratch = try ScratchFolder()
        let file = try scratch.write("latin1.csv", Array("patient_id,age,insurance\nP1,40,private\nP2,41,m".utf8) + [0xE9] + Array("dicaid\n".utf8))
        let result = try CLI.run(["score", file])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "\(file):3: record 2 (patient_id P2): insurance: is not valid UTF-8 (byte 0xE9 at position 2; the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)"
            ))
        let ndjson = try CLI.run(["score", "-"], stdinBytes: Array(#"{"patient_id":"P1","insurance":"m"#.utf8) + [0xE9] + Array("\"}\n".utf8))
        #expect(ndjson.stderr.contains("-:1: record 1: column 34: invalid UTF-8 (byte 0xE9; the file looks like Latin-1 / Windows-1252"))
    }

    @Test func brokenGzipIsRefusedWithItsOffset() throws {
        let scratch = try ScratchFolder()
        let gz = try Self.contents(Self.formats + "intake.csv.gz")
        let truncated = try scratch.write("truncated.csv.gz", Array(gz[..<300]))
        let result = try CLI.run(["score", truncated])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix("\(truncated): error: truncated gzip data: the file ends at byte offset 300 inside a compressed member\n"))
        let piped = try CLI.run(["score", "-"], stdinBytes: Array(gz[..<300]))
        #expect(piped.status == 2)
        #expect(piped.stderr.hasSuffix("-: error: truncated gzip data: the file ends at byte offset 300 inside a compressed member\n"))
        let plain = try scratch.write("plain.csv.gz", Self.contents("Samples/intake.csv"))
        let notGzip = try CLI.run(["score", plain])
        #expect(notGzip.status == 2)
        #expect(notGzip.stderr == "\(plain): error: the name ends in .gz but the file is not gzip data (it does not start with the bytes 1F 8B)\n")
    }

    @Test func malformedJSONArraysAreRefusedWithTheirPlace() throws {
        let cases: [(String, String)] = [
            (
                "{\"patient_id\":\"A\"}\n",
                "-: error: line 1, column 1: expected '[' (a .json intake file is one JSON array of records), found '{'; for one JSON object per line, name the file .ndjson or give --input-format ndjson"
            ),
            ("[{\"patient_id\":\"A\"},\n]", "-: error: line 2, column 1: expected a record, found ']'"),
            ("[{\"patient_id\":\"A\"}", "-: error: the JSON array is not closed: the file ends at line 1 before its ']'"),
            ("[{\"patient_id\":\"A\"}]\n{}", "-: error: line 2, column 1: expected nothing after the array's closing ']', found '{'"),
        ]
        for (input, message) in cases {
            let result = try CLI.run(["score", "-", "--input-format", "json"], stdin: input)
            #expect(result.status == 2, "\(input)")
            if input.hasPrefix("{") { #expect(result.stdout.isEmpty, "refused before any output") }
            #expect(result.stderr.contains(message), "\(input): \(result.stderr)")
        }
    }

    // MARK: Output

    @Test func theOutputFormatFollowsTheOutputName() throws {
        let scratch = try ScratchFolder()
        let scoredJSON = try CLI.run(["score", "Samples/intake.csv", "--format", "json"]).stdout
        let scoredNDJSON = try CLI.run(["score", "Samples/intake.csv", "--format", "ndjson"]).stdout
        let scoredCSV = String(decoding: try Self.contents("Samples/intake.scored.csv"), as: UTF8.self)
        #expect(scoredJSON.hasPrefix("[{") && scoredNDJSON.hasPrefix("{") && scoredCSV.hasPrefix("patient_id,"))
        for (name, expected) in [("out.json", scoredJSON), ("out.jsonl", scoredNDJSON), ("out.ndjson", scoredNDJSON), ("out.CSV", scoredCSV)] {
            let path = scratch.path + "/" + name
            let result = try CLI.run(["score", "Samples/intake.csv", "--output", path])
            #expect(result.status == 1)
            #expect(String(decoding: try Self.contents(path), as: UTF8.self) == expected, "\(name)")
        }
        let forced = scratch.path + "/forced.txt"
        let result = try CLI.run(["score", "Samples/intake.csv", "--output", forced, "--format", "csv"])
        #expect(result.status == 1)
        #expect(String(decoding: try Self.contents(forced), as: UTF8.self) == scoredCSV)
        let unknown = try CLI.run(["score", "Samples/intake.csv", "--output", scratch.path + "/x.txt"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("cannot tell the output format from '\(scratch.path)/x.txt': name it .csv, .ndjson, .jsonl or .json, or give --format"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/x.txt"))
    }

    @Test func anOutputThatCannotBeWrittenIsNamedAsGiven() throws {
        let missing = "/nonexistent-\(UUID().uuidString)"
        let cases: [([String], String)] = [
            (["score", "Samples/intake.csv", "--output", missing + "/scored.csv"], missing + "/scored.csv"),
            (["score", "Samples/intake.csv", "--errors", missing + "/rejected.csv"], missing + "/rejected.csv"),
            (["explain", "Samples/intake.csv", "--output", missing + "/explained.txt"], missing + "/explained.txt"),
            (["diff", "--candidate", "Rules/default.yaml", "Samples/intake.csv", "--changes", missing + "/changes.csv"], missing + "/changes.csv"),
        ]
        for (arguments, shown) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr == "error: cannot open '\(shown)': no such file or directory\n", "\(arguments)")
        }
        // A write that fails names the destination too.
        let full = try CLI.run(["score", "Samples/intake.csv", "--output", "/dev/full"])
        #expect(full.status == 2)
        #expect(full.stderr == "error: cannot write '/dev/full': no space left on device\n")
    }
}
