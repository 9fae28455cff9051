import Glibc
import StratifyCore
import StratifyYAML

enum Fixtures {
    /// The repository's root, found from this file's path.
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 {
            path = String(path[..<path.lastIndex(of: "/")!])
        }
        return path
    }()

    static func read(_ relativePath: String) throws -> [UInt8] {
        let path = root + "/" + relativePath
        guard let file = fopen(path, "rb") else { throw FixtureError.missing(path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    static func defaultRules() throws -> SourceFile {
        SourceFile(path: "Rules/default.yaml", bytes: try read("Rules/default.yaml"))
    }

    enum FixtureError: Error {
        case missing(String)
    }
}
