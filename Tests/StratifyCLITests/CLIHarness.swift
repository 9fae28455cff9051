import Foundation
import StratifyTestSupport

/// Runs the built `stratify` executable, as a user would.
enum CLI {
    static let root = RepositoryFixtures.root

    /// The executable next to the test bundle.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var directory = Bundle.main.bundleURL
        for candidate in [bundle, directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("stratify")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        directory = URL(fileURLWithPath: root).appendingPathComponent(".build/debug")
        return directory.appendingPathComponent("stratify")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The SHA-256 of a file, as `sha256sum` prints it (the tool to
    /// compare with, not stratify's own).
    static func sha256(ofFile path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    static func run(
        _ arguments: [String], stdin: String? = nil, stdinBytes: [UInt8]? = nil, directory: String? = nil, environment: [String: String] = [:],
        executable program: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = program.map { URL(fileURLWithPath: $0) } ?? executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        if let stdinBytes { input.fileHandleForWriting.write(Data(stdinBytes)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `text` without the warnings that name inputs an intake file has no
    /// column or key for: true of the small files that tests about other
    /// things write (`patient_id,age`), and checked in `HeaderTests`.
    static func withoutAbsentInputWarnings(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.range(of: #": warning: \d+ inputs? ha(s|ve) no (column|key)[ ,]"#, options: .regularExpression) == nil }
            .joined(separator: "\n")
    }
}
