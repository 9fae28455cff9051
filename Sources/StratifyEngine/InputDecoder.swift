import StratifyIO
import StratifyRules

/// Reads intake values into an evaluator's input registers, checking each
/// against the schema: the type, the range or allowed values. A value that
/// fails is reported and the record is not scored, so bad data is never
/// scored as if it were low risk.
///
/// Text formats (spec section 1): integers are ASCII digits with an optional
/// leading `-`; numbers may have a fraction and an exponent; booleans are
/// `true`/`false`, `yes`/`no` or `1`/`0` in any case; enum values match in
/// any case; dates are `YYYY-MM-DD`. An empty value is missing.
public struct InputDecoder: Sendable {
    private enum Kind: Sendable {
        case integer, number, boolean, date, string
        case enumeration([[UInt8]])
    }

    private struct Field: Sendable {
        var kind: Kind
        var minimum: Double
        var maximum: Double
    }

    private let fields: [Field]
    private let program: Program

    public init(program: Program) {
        self.program = program
        fields = program.inputs.map { input in
            let kind: Kind = switch input.type {
            case .integer: .integer
            case .number: .number
            case .boolean: .boolean
            case .date: .date
            case .string: .string
            case .enumeration(let type): .enumeration(type.values.map { Array($0.utf8) })
            }
            return Field(kind: kind, minimum: input.minimum ?? -.infinity, maximum: input.maximum ?? .infinity)
        }
    }

    /// Reads one value into `registers[input]` (NaN when empty). Returns nil
    /// when the value is valid, or what is wrong with it.
    @inline(__always)
    public func decode(_ bytes: UnsafeRawBufferPointer, input: Int, into registers: UnsafeMutableBufferPointer<Double>) -> FieldError? {
        if bytes.isEmpty {
            registers[input] = .nan
            return nil
        }
        let field = fields[input]
        let value: Double
        switch field.kind {
        case .integer:
            guard let parsed = ValueParsing.integer(bytes) else { return .init(.notInteger, bytes) }
            value = parsed
        case .number:
            guard let parsed = ValueParsing.number(bytes) else { return .init(.notNumber, bytes) }
            value = parsed
        case .boolean:
            guard let parsed = ValueParsing.boolean(bytes) else { return .init(.notBoolean, bytes) }
            registers[input] = parsed ? 1 : 0
            return nil
        case .date:
            guard let parsed = ValueParsing.date(bytes) else { return .init(.notDate, bytes) }
            value = Double(parsed)
        case .string:
            registers[input] = 0
            return nil
        case .enumeration(let values):
            guard let index = ValueParsing.enumIndex(bytes, values) else { return .init(.notAllowed, bytes) }
            registers[input] = Double(index)
            return nil
        }
        if value < field.minimum { return .init(.belowMinimum, bytes) }
        if value > field.maximum { return .init(.aboveMaximum, bytes) }
        registers[input] = value
        return nil
    }

    /// The sentence for a problem with input `input`.
    public func message(for error: FieldError, input: Int) -> String {
        let field = program.inputs[input]
        let shown = error.shownValue
        switch error.problem {
        case .notInteger: return "'\(shown)' is not a whole number"
        case .notNumber: return "'\(shown)' is not a number"
        case .notBoolean: return "'\(shown)' is not true or false (true/false, yes/no, 1/0)"
        case .notDate: return "'\(shown)' is not a date written YYYY-MM-DD"
        case .notAllowed:
            if case .enumeration(let type) = field.type {
                return "'\(shown)' is not one of: \(type.values.joined(separator: ", "))"
            }
            return "'\(shown)' is not allowed"
        case .belowMinimum: return "\(shown) is below the minimum \(Self.bound(field.minimum, field.type))"
        case .aboveMaximum: return "\(shown) is above the maximum \(Self.bound(field.maximum, field.type))"
        case .required: return "a value is required"
        case .notSingleValue: return "must be a single value, not \(shown)"
        }
    }

    private static func bound(_ value: Double?, _ type: ValueType) -> String {
        guard let value else { return "" }
        if type == .date { return ISODate.format(daysSince1970: Int(value)) }
        return value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// What is wrong with one intake value; the value itself is kept, shortened,
/// for the message.
public struct FieldError: Sendable, Error {
    public enum Problem: Sendable {
        case notInteger, notNumber, notBoolean, notDate, notAllowed
        case belowMinimum, aboveMaximum
        case required
        /// An NDJSON array or object where a field needs one value.
        case notSingleValue
    }

    public var problem: Problem
    /// The offending value as shown in messages: at most 40 characters, with
    /// control characters escaped.
    public var shownValue: String

    public init(_ problem: Problem, shownValue: String) {
        self.problem = problem
        self.shownValue = shownValue
    }

    init(_ problem: Problem, _ bytes: UnsafeRawBufferPointer) {
        self.problem = problem
        self.shownValue = Self.show(bytes)
    }

    static func show(_ bytes: UnsafeRawBufferPointer) -> String {
        let limit = 40
        var text = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if text.unicodeScalars.count >= limit {
                text += "…"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
