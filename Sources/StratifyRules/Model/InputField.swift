import StratifyCore

/// One field of the intake schema (`inputs:`). A record is valid when every
/// field present has the right type and lies in its range or allowed values,
/// and every required field is present.
public struct InputField: Sendable {
    public let name: String
    public let type: ValueType
    /// Inclusive bounds for integer, number and date fields (dates as days
    /// since 1970-01-01).
    public let minimum: Double?
    public let maximum: Double?
    public let required: Bool
    public let description: String?
    public let location: SourceLocation

    public init(name: String, type: ValueType, minimum: Double?, maximum: Double?, required: Bool, description: String?, location: SourceLocation) {
        self.name = name
        self.type = type
        self.minimum = minimum
        self.maximum = maximum
        self.required = required
        self.description = description
        self.location = location
    }
}
