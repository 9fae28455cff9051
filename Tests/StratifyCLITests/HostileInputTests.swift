import StratifyTestSupport
import Foundation
import Testing

/// The hostile rule files and intake files of issue 6, generated here and
/// given to the built `stratify` as a user would: each is refused (exit 2)
/// or has its good records scored and its bad ones reported (exit 1),
/// within seconds, without a crash and without flooding the terminal.
@Suite(.serialized) struct HostileInputTests {
    /// Generous for a debug build on a busy machine; the real runs take
    /// well under a second (see the issue's note).
    static let timeLimit = 20.0

    // MARK: - Rule files

    @Test func billionLaughs() throws {
        var text = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        try refusesRules(Array(text.utf8), saying: "more than 1000000 nodes once aliases are expanded")
    }

    @Test func flowNesting200kDeep() throws {
        let bytes =
            Array("x: ".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 200_000) + [10]
        let result = try refusesRules(bytes, saying: "nests mappings and lists deeper than 64 levels")
        // The 400 KB line is shown as a window around the caret.
        #expect(result.stderr.utf8.count < 1000)
        #expect(result.stderr.contains("…"))
    }

    @Test func blockMapping3000Deep() throws {
        var text = ""
        for level in 0..<3000 {
            text += String(repeating: " ", count: level) + "k\(level):\n"
        }
        text += String(repeating: " ", count: 3000) + "v\n"
        try refusesRules(Array(text.utf8), saying: "nests mappings and lists deeper than 64 levels")
    }

    @Test func badUTF8() throws {
        try refusesRules(
            Array("identifier: patient_id\nname: \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8),
            saying: "2:8: error: the rule file is not valid UTF-8: byte 0xFF here cannot be decoded")
    }

    @Test func scalar64MB() throws {
        let bytes = Array("name: \"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 20) + Array("\"\n".utf8)
        try refusesRules(bytes, saying: "the rule file is over the limit of 16777216 bytes (16 MiB)")
    }

    @Test func scalarOverOneMiBInASmallFile() throws {
        let bytes = Array("name: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20) + [10]
        let result = try refusesRules(bytes, saying: "a scalar of 2097152 bytes is over the limit of 1048576 bytes")
        #expect(result.stderr.utf8.count < 1000)
    }

    @Test func randomBytes() throws {
        var generator = SplitMix64(seed: 6)
        for _ in 0..<5 {
            let bytes = (0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let result = try refusesRules(bytes, saying: "error:")
            #expect(result.stderr.utf8.count < 2000)
            // No raw control characters reach the terminal.
            #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        }
    }

    @Test func duplicateKeys() throws {
        try refusesRules(
            Array("identifier: patient_id\nidentifier: x\n".utf8),
            saying: "2:1: error: duplicate key 'identifier' (first defined on line 1)")
    }

    @Test func undefinedAlias() throws {
        try refusesRules(
            Array("identifier: *nope\n".utf8),
            saying: "1:13: error: undefined alias '*nope': no anchor '&nope' comes before it")
    }

    @Test func manyDocuments() throws {
        let text = String(repeating: "---\na: 1\n", count: 100_000)
        try refusesRules(Array(text.utf8), saying: "3:1: error: a rule file holds one YAML document; found a second at 3:1")
    }

    @Test func emptyRuleFile() throws {
        for text in ["", "\n\n", "# only a comment\n"] {
            try refusesRules(
                Array(text.utf8),
                saying: """
                    the rule file is empty: a rule file is a YAML mapping with at least the keys `identifier`, \
                    `inputs`, `tiers`, `domains`, `overall` and `models`
                    """)
        }
    }

    // MARK: - Intake files

    static let header = "patient_id,age\n"

    @Test func unterminatedQuote() throws {
        let result = try score(Self.header + "P1,40\nP2,\"41\nP3,42\nP4,43\n", name: "quote.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("quote.csv:3: record 2: line 3, column 4: unterminated quoted field"))
        // The rest of the file is not swallowed into the open field.
        #expect(scoredIDs(result) == ["P1", "P3", "P4"])
        #expect(result.stderr.hasSuffix("3 scored (3 with more than half of the inputs missing), 1 rejected\n"))
    }

    @Test func nulBytes() throws {
        let result = try score(
            Array((Self.header + "P1,40\nP").utf8) + [0] + Array("2,41\nP3,4".utf8) + [0] + Array("2\nP4,43\n".utf8),
            name: "nul.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("nul.csv:3: record 2: patient_id: contains a NUL byte at position 2"))
        #expect(result.stderr.contains("nul.csv:4: record 3 (patient_id P3): age: contains a NUL byte at position 2"))
        #expect(scoredIDs(result) == ["P1", "P4"])
    }

    @Test func badUTF8InIntake() throws {
        let result = try score(
            Array((Self.header + "P1,40\nP").utf8) + [0xFF] + Array("2,41\nP3,4".utf8) + [0xC0] + Array("2\nP4,43\n".utf8),
            name: "utf8.csv")
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "utf8.csv:3: record 2: patient_id: is not valid UTF-8 (byte 0xFF at position 2; the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)"
            ))
        #expect(
            result.stderr.contains(
                "utf8.csv:4: record 3 (patient_id P3): age: is not valid UTF-8 (byte 0xC0 at position 2; the file looks like Latin-1 / Windows-1252: convert it with iconv -f WINDOWS-1252 -t UTF-8)"
            ))
        #expect(scoredIDs(result) == ["P1", "P4"])
    }

    @Test func raggedRows() throws {
        let result = try score(Self.header + "P1,40\nP2,41,extra\nP3\nP4,43\n", name: "ragged.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("ragged.csv:3: record 2 (patient_id P2): the row has 3 fields, the header has 2"))
        #expect(result.stderr.contains("ragged.csv:4: record 3 (patient_id P3): the row has 1 field, the header has 2"))
        #expect(scoredIDs(result) == ["P1", "P4"])
    }

    @Test func duplicateHeader() throws {
        let result = try score("patient_id,age,age\nP1,1,2\n", name: "header.csv")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("header.csv:1: error: the header names column 'age' twice (columns 2 and 3)"))
    }

    @Test func noIdentifierColumn() throws {
        let result = try score("age\n40\n", name: "noid.csv")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("noid.csv:1: error: the header has no 'patient_id' column, which every record needs"))
    }

    @Test func emptyAndHeaderOnlyIntake() throws {
        let empty = try score("", name: "empty.csv")
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("the file is empty: a CSV intake file starts with a header row naming its columns"))
        let headerOnly = try score(Self.header, name: "header-only.csv")
        #expect(headerOnly.status == 0)
        #expect(CLI.withoutAbsentInputWarnings(headerOnly.stderr) == "warning: no records in header-only.csv\n0 scored, 0 rejected\n")
    }

    @Test func field8MB() throws {
        let big = [UInt8](repeating: UInt8(ascii: "9"), count: 8 << 20)
        let plain = try score(Array((Self.header + "P1,40\nP2,").utf8) + big + Array("\nP3,42\n".utf8), name: "big.csv")
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("big.csv:3: record 2: line 3: record longer than 1048576 bytes"))
        #expect(scoredIDs(plain) == ["P1", "P3"])
        let quoted = try score(Array((Self.header + "P1,40\nP2,\"").utf8) + big + Array("\"\nP3,42\n".utf8), name: "bigq.csv")
        #expect(quoted.status == 1)
        #expect(quoted.stderr.contains("bigq.csv:3: record 2: line 3, column 4: unterminated quoted field: the quote is not closed within 1048576 bytes"))
        #expect(scoredIDs(quoted) == ["P1", "P3"])
    }

    @Test func fieldOver64KiB() throws {
        let long = String(repeating: "9", count: 100 << 10)
        let result = try score(Self.header + "P1,40\nP2,\(long)\nP3,\"\(long)\"\nP4,42\n", name: "field.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("field.csv:3: record 2 (patient_id P2): age: field 2 is longer than 65536 bytes"))
        #expect(result.stderr.contains("field.csv:4: record 3 (patient_id P3): age: field 2 is longer than 65536 bytes"))
        #expect(scoredIDs(result) == ["P1", "P4"])
    }

    @Test func malformedNDJSON() throws {
        let lines = [
            #"{"patient_id":"P1","age":40}"#, "[1,2]", #"{"patient_id":"P3","#, "42", "not json",
            #"{"patient_id":"P6","age":41}"#,
        ]
        let result = try score(lines.joined(separator: "\n") + "\n", name: "bad.ndjson")
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.ndjson:2: record 2: column 1: expected a JSON object, found an array"))
        #expect(result.stderr.contains("bad.ndjson:3: record 3: column 20: unexpected end of record: expected a key in double quotes"))
        #expect(result.stderr.contains("bad.ndjson:4: record 4: column 1: expected a JSON object, found a number"))
        #expect(result.stderr.contains("bad.ndjson:5: record 5: column 1: expected a JSON object, found a literal"))
        #expect(result.stderr.hasSuffix("2 scored (2 with more than half of the inputs missing), 4 rejected\n"))
    }

    @Test func badNDJSONValuesAreReportedInMemberOrder() throws {
        // Keys are matched after unescaping and whatever their order; each
        // bad value is reported, in the order of the line, under the
        // identifier (itself unescaped).
        let lines = [
            #"{"patient_id":"P1","age":40}"#,
            #"{"patient_id":"P\u0032","age":[40]}"#,
            #"{"age":41,"patient_id":"P3","substance_use":"no\u0000ne"}"#,
            #"{"patient_id":"P4","phq9_total":500,"\u0061ge":"abc","gad7_total":{"x":1}}"#,
            #"{"patient_id":"P5","\u0061ge":42}"#,
        ]
        let result = try score(lines.joined(separator: "\n") + "\n", name: "values.ndjson")
        #expect(result.status == 1)
        let reports = CLI.withoutAbsentInputWarnings(result.stderr).split(separator: "\n").filter { $0.hasPrefix("values.ndjson:") }
        #expect(
            reports == [
                "values.ndjson:2: record 2 (patient_id P2): age: must be a single value, not an array",
                "values.ndjson:3: record 3 (patient_id P3): substance_use: contains a NUL character",
                "values.ndjson:4: record 4 (patient_id P4): phq9_total: 500 is above the maximum 27",
                "values.ndjson:4: record 4 (patient_id P4): age: 'abc' is not a whole number",
                "values.ndjson:4: record 4 (patient_id P4): gad7_total: must be a single value, not an object",
            ])
        #expect(scoredIDs(result) == ["P1", "P5"])
    }

    @Test func deeplyNestedJSON() throws {
        let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let text =
            #"{"patient_id":"P1","age":40}"# + "\n"
            + #"{"patient_id":"P2","age":"# + arrays + "}\n"
            + #"{"patient_id":"P3","age":"# + objects + "}\n"
            + #"{"patient_id":"P4","age":41}"# + "\n"
        let result = try score(text, name: "deep.ndjson")
        #expect(result.status == 1)
        #expect(result.stderr.contains("deep.ndjson:2: record 2: column 57: values nested more than 32 deep"))
        #expect(result.stderr.contains("deep.ndjson:3: record 3: column 181: values nested more than 32 deep"))
        #expect(result.stderr.hasSuffix("2 scored (2 with more than half of the inputs missing), 2 rejected\n"))
    }

    @Test func randomBytesAfterAHeader() throws {
        var generator = SplitMix64(seed: 66)
        let noise = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for name in ["noise.csv", "noise.ndjson"] {
            let first = name.hasSuffix(".csv") ? Self.header + "P1,40\n" : #"{"patient_id":"P1","age":40}"# + "\n"
            let last = name.hasSuffix(".csv") ? "\nP9,41\n" : "\n" + #"{"patient_id":"P9","age":41}"# + "\n"
            let result = try score(Array(first.utf8) + noise + Array(last.utf8), name: name, errors: "rejected.csv")
            #expect(result.status == 1)
            let ids = scoredIDs(result)
            #expect(ids.first == "P1")
            #expect(ids.last == "P9")
            #expect(result.stderr.hasSuffix(" rejected\n"))
        }
    }

    // MARK: - Output

    @Test func headEndsQuietly() throws {
        let directory = try ScratchFolder()
        let intake = try directory.write("many.ndjson", Array(Self.ndjson(records: 200_000).utf8))
        let shell =
            "\(CLI.executable.path) score \(intake) 2>\(directory.path)/stderr.txt | head -1; "
            + "echo \"${PIPESTATUS[0]}\" > \(directory.path)/status.txt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", shell]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let first = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(first.hasPrefix(#"{"patient_id":"P0","#))
        #expect(first.split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: directory.path + "/status.txt", encoding: .utf8) == "0\n")
        #expect(CLI.withoutAbsentInputWarnings(try String(contentsOfFile: directory.path + "/stderr.txt", encoding: .utf8)) == "")
    }

    @Test func repeatedIdentifiersAreWarnedAboutAndScored() throws {
        let result = try score(Self.header + "A,1\nB,2\nA,3\nC,4\nB,5\nA,x\n", name: "dup.csv")
        #expect(result.status == 1)
        #expect(scoredIDs(result) == ["A", "B", "A", "C", "B"])
        #expect(
            CLI.withoutAbsentInputWarnings(result.stderr) == """
                dup.csv:4: warning: record 3 (patient_id A) repeats the patient_id of record 1; both are scored
                dup.csv:6: warning: record 5 (patient_id B) repeats the patient_id of record 2; both are scored
                dup.csv:7: record 6 (patient_id A): age: 'x' is not a whole number
                5 scored (5 with more than half of the inputs missing), 1 rejected, 2 duplicate identifiers

                """)
        // With --errors, the warnings still go to standard error, and the
        // errors file lists only the rejected record.
        let withFile = try score(Self.header + "A,1\nA,2\n", name: "dup2.csv", errors: "rejected.csv")
        #expect(withFile.status == 0)
        #expect(
            CLI.withoutAbsentInputWarnings(withFile.stderr) == """
                dup2.csv:3: warning: record 2 (patient_id A) repeats the patient_id of record 1; both are scored
                2 scored (2 with more than half of the inputs missing), 0 rejected, 1 duplicate identifier

                """)
    }

    @Test func sigtermStopsTheRunAndRemovesTemporaryFiles() throws {
        let directory = try ScratchFolder()
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["score", "-", "--output", "scored.ndjson", "--errors", "rejected.csv", "--jobs", "2"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let input = Pipe()
        let errorPath = directory.path + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        // Feed an endless stream of records until the process is gone.
        let writer = Thread {
            signal(SIGPIPE, SIG_IGN)
            let fd = input.fileHandleForWriting.fileDescriptor
            var start = 0
            while true {
                let block = Data(Self.ndjson(records: 20_000, from: start).utf8)
                start += 20_000
                let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 { break }
            }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        // Wait until the temporary output exists and has something in it.
        let started = Date()
        while Date().timeIntervalSince(started) < 60 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if let partial = names.first(where: { $0.hasPrefix(".scored.ndjson.partial-") }),
                let size = (try? FileManager.default.attributesOfItem(atPath: directory.path + "/" + partial))?[.size] as? Int,
                size > 0
            {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let signalled = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let stopTime = Date().timeIntervalSince(signalled)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(stopTime < Self.timeLimit)
        let stderr = CLI.withoutAbsentInputWarnings(try String(contentsOfFile: errorPath, encoding: .utf8))
        #expect(stderr.hasPrefix("interrupted by SIGTERM"))
        #expect(stderr.hasSuffix("scored.ndjson and rejected.csv were not written\n"))
        // Nothing is left behind: no output, no temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["stderr.txt"])
    }

    /// `--output /dev/stdout` must write to standard output, not rename a
    /// file over the link or device (which as root would replace it).
    @Test func outputToADeviceIsWrittenInPlace() throws {
        // Standard output is a pipe here.
        let result = try CLI.run(["score", "Samples/intake.csv", "--output", "/dev/stdout"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("patient_id,clinical_score,"))
        #expect(result.stdout.split(separator: "\n").count == 24)
        var info = stat()
        #expect(lstat("/dev/stdout", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/dev").allSatisfy { !$0.contains(".partial-") })
    }

    /// A symbolic link as `--output` stays a link; the file it names gets the output.
    @Test func outputThroughASymbolicLinkKeepsTheLink() throws {
        let directory = try ScratchFolder()
        let target = try directory.write("target.csv", Array("old\n".utf8))
        let link = directory.path + "/link.csv"
        #expect(symlink(target, link) == 0)
        let result = try run(["score", CLI.root + "/Samples/intake.csv", "--output", link], in: directory)
        #expect(result.status == 1)
        var info = stat()
        #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.hasPrefix("patient_id,clinical_score,"))
        #expect(written.split(separator: "\n").count == 24)
    }

    @Test func helpDocumentsTheSignalStatuses() throws {
        let result = try CLI.run(["score", "--help"])
        #expect(result.stdout.contains("130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM"))
    }

    // MARK: - Helpers

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs `score --rules <bytes> Samples/intake.csv` and expects a refusal
    /// (exit 2, nothing on standard output) whose message contains `message`.
    @discardableResult
    func refusesRules(_ bytes: [UInt8], saying message: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let directory = try ScratchFolder()
        let rules = try directory.write("rules.yaml", bytes)
        let result = try run(["score", "--rules", rules, CLI.root + "/Samples/intake.csv"], in: directory)
        #expect(result.status == 2, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("nothing was scored\n"), sourceLocation: sourceLocation)
        #expect(result.seconds < Self.timeLimit, sourceLocation: sourceLocation)
        return result
    }

    func score(_ text: String, name: String, errors: String? = nil) throws -> Result {
        try score(Array(text.utf8), name: name, errors: errors)
    }

    /// Scores an intake file called `name` with the default rules, from its
    /// directory (so messages name it as `name`).
    func score(_ bytes: [UInt8], name: String, errors: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let directory = try ScratchFolder()
        _ = try directory.write(name, bytes)
        var arguments = ["score", name, "--format", "csv"]
        if let errors { arguments += ["--errors", errors] }
        let result = try run(arguments, in: directory)
        #expect(result.seconds < Self.timeLimit, sourceLocation: sourceLocation)
        return result
    }

    /// The identifiers in a CSV output, in order.
    func scoredIDs(_ result: Result) -> [String] {
        result.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
    }

    static func ndjson(records: Int, from start: Int = 0) -> String {
        var text = ""
        for index in start..<(start + records) {
            text += #"{"patient_id":"P\#(index)","age":\#(index % 100)}"# + "\n"
        }
        return text
    }

    /// Runs the executable with standard output and error in files (not
    /// pipes, which a large report could fill), and times it.
    func run(_ arguments: [String], in directory: ScratchFolder) throws -> Result {
        let outPath = directory.path + "/.stdout"
        let errPath = directory.path + "/.stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let start = Date()
        try process.run()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
            seconds: seconds)
    }

}

extension HostileInputTests {
    /// An identifier holding an escape sequence is shown escaped in the
    /// text report, in rejections and in warnings alike.
    @Test func controlCharactersInIdentifiersAreEscaped() throws {
        let result = try score("patient_id,age\nA\u{1B}[31m,x\nA\u{1B}[31m,1\nA\u{1B}[31m,2\n", name: "esc.csv")
        #expect(!result.stderr.unicodeScalars.contains("\u{1B}"))
        #expect(result.stderr.contains("esc.csv:2: record 1 (patient_id A\\u{1b}[31m): age:"))
        #expect(result.stderr.contains("esc.csv:4: warning: record 3 (patient_id A\\u{1b}[31m) repeats the patient_id of record 2"))
    }
}
