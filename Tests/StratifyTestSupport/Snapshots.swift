import Foundation

/// Output a user reads, compared byte for byte with a file under
/// `Tests/Fixtures/snapshots/`. When the output changes on purpose, run the
/// tests with `STRATIFY_UPDATE_SNAPSHOTS=1` to rewrite the files, and review
/// the change with `git diff` before committing it.
package enum Snapshots {
    /// Whether this run rewrites the snapshot files instead of comparing.
    package static let updating = ProcessInfo.processInfo.environment["STRATIFY_UPDATE_SNAPSHOTS"] == "1"

    /// The stored snapshot `name` (a path under `Tests/Fixtures/snapshots/`),
    /// to compare `actual` with; when updating, `actual` is stored first.
    package static func expected(_ name: String, actual: String) throws -> String {
        let path = RepositoryFixtures.fixture("snapshots/" + name)
        if updating {
            try FileManager.default.createDirectory(
                atPath: String(path[..<path.lastIndex(of: "/")!]), withIntermediateDirectories: true)
            RepositoryFixtures.write(actual, to: path)
        }
        return try RepositoryFixtures.text("Tests/Fixtures/snapshots/" + name)
    }
}
