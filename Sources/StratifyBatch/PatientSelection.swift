import Synchronization

/// The identifiers `explain --patient` asks for. Records with other
/// identifiers are scored (and counted, and their errors reported) but not
/// written. Shared by the worker threads; remembers which were seen.
public final class PatientSelection: Sendable {
    private let identifiers: [[UInt8]]
    private let names: [String]
    private let seen: Mutex<[Bool]>

    public init(_ identifiers: [String]) {
        names = identifiers
        self.identifiers = identifiers.map { Array($0.utf8) }
        seen = Mutex(Array(repeating: false, count: identifiers.count))
    }

    /// True when the record is one asked for.
    public func selects(_ identifier: UnsafeRawBufferPointer) -> Bool {
        for (index, wanted) in identifiers.enumerated()
        where wanted.count == identifier.count && wanted.withUnsafeBytes({ $0.elementsEqual(identifier) }) {
            seen.withLock { $0[index] = true }
            return true
        }
        return false
    }

    /// The identifiers asked for that no scored record had, in the order given.
    public var notFound: [String] {
        let seen = seen.withLock { $0 }
        return names.indices.filter { !seen[$0] }.map { names[$0] }
    }
}
