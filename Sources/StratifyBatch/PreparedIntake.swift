import StratifyIO

/// Intake made in memory before a batch starts (FHIR input turned into CSV
/// records by StratifyFHIR), handed to ``IntakeOpening`` under a name that
/// stands for it in messages, so that every command reads it like a file.
public enum PreparedIntake {
    // Set on the main thread before any batch opens its inputs, then only read.
    nonisolated(unsafe) private static var prepared: [String: [UInt8]] = [:]

    public static func register(_ bytes: [UInt8], as name: String) {
        prepared[name] = bytes
    }

    public static func contains(_ name: String) -> Bool {
        prepared[name] != nil
    }

    static func source(for name: String) -> ByteSource? {
        prepared[name].map { ByteSource(bytes: $0) }
    }
}

/// A problem with the input that is not a record (a FHIR resource that is
/// not JSON, or points at no Patient): written to the errors output with
/// its location in the `record` column.
public struct InputProblemReport: Sendable, Equatable {
    /// `PATH:LINE`, `PATH:LINE entry[N]`.
    public var location: String
    /// The patient concerned, when known; else empty.
    public var identifier: String
    public var message: String

    public init(location: String, identifier: String, message: String) {
        self.location = location
        self.identifier = identifier
        self.message = message
    }
}
