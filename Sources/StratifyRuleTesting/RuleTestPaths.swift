#if canImport(Glibc)
import Glibc
#endif

/// Finds test files: a path may be a file (taken whatever its name) or a
/// folder (its `*.test.yaml` files, not its sub-folders, sorted by name).
package enum RuleTestPaths {
    package static let suffix = ".test.yaml"

    /// The test files `paths` name, in order; an error message for a path
    /// that does not exist or a folder without test files.
    package static func expand(_ paths: [String]) -> (files: [String], errors: [String]) {
        var files: [String] = []
        var errors: [String] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                errors.append("\(path): error: no such file or folder")
                continue
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                files.append(path)
                continue
            }
            let found = testFiles(in: path)
            if found.isEmpty {
                errors.append("\(path): error: the folder has no *\(suffix) files")
            }
            files += found
        }
        return (files, errors)
    }

    /// The `*.test.yaml` files directly in `folder`, sorted by name.
    package static func testFiles(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(suffix), !name.hasPrefix(".") { names.append(name) }
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { prefix + $0 }
    }
}
