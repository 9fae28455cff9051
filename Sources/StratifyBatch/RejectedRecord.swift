/// A record that was not scored, and why. A record with several bad fields
/// gives one `RejectedRecord` per field.
public struct RejectedRecord: Sendable, Equatable {
    /// The data record's number, from 1, counted across all inputs of a batch.
    public var record: Int
    /// The input file, as the user named it.
    public var file: String
    /// The line the record starts on (CSV and NDJSON), from 1.
    public var line: Int
    /// The record's identifier, when it has a readable one; empty otherwise.
    public var identifier: String
    /// The field at fault; empty when the record as a whole is (a ragged row,
    /// a line that is not a JSON object).
    public var field: String
    public var message: String

    public init(record: Int, file: String, line: Int, identifier: String, field: String, message: String) {
        self.record = record
        self.file = file
        self.line = line
        self.identifier = identifier
        self.field = field
        self.message = message
    }
}
