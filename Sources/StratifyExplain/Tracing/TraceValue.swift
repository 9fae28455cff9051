/// One value in a trace: an input, a derived value or an operand.
public enum TraceValue: Sendable, Hashable, CustomStringConvertible {
    /// Missing, or not computable from what the record has.
    case unknown
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    /// An enum value or a tier, by name.
    case name(String)
    /// `YYYY-MM-DD`.
    case date(String)

    public var isUnknown: Bool { self == .unknown }

    /// As a person reads it: `17`, `96.5`, `true`, `band_b`, `2026-03-01`, `unknown`.
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .integer(let value): String(value)
        case .number(let value): ValueKind.numberText(value)
        case .boolean(let value): value ? "true" : "false"
        case .name(let value): value
        case .date(let value): value
        }
    }
}
