/// The type of a value in the rule language.
public enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case integer
    case number
    case boolean
    case date
    /// Free text, such as an identifier. Conditions cannot use it.
    case string
    case enumeration(EnumType)

    public var isNumeric: Bool {
        self == .integer || self == .number
    }

    public var description: String {
        switch self {
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .date: "date"
        case .string: "string"
        case .enumeration(let type): "\(type.name) (one of \(type.values.joined(separator: ", ")))"
        }
    }

    /// The type's name as the schema spells it.
    public var keyword: String {
        switch self {
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .date: "date"
        case .string: "string"
        case .enumeration: "enum"
        }
    }
}

/// A closed set of values in a declared order. Values are compared by their
/// position, so `tier >= elevated` and `frequency >= weekly` mean what they say.
public struct EnumType: Sendable, Hashable {
    /// What the values belong to: a field, a derived value, or `tier`.
    public let name: String
    public let values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    public func index(of value: String) -> Int? {
        values.firstIndex(of: value)
    }
}
