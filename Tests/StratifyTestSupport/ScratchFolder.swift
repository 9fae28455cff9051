import Foundation

/// A folder for the files one test makes, removed with the value.
package final class ScratchFolder {
    package let path: String

    package init(prefix: String = "stratify-test") throws {
        path = RepositoryFixtures.temporaryPath(prefix: prefix, suffix: "")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The path of the file `name` in the folder.
    package func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Writes `bytes` to the file `name` in the folder; returns its path.
    package func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    package func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}
