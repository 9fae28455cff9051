import StratifyCore
import StratifyIO
import StratifyRules

/// How a register's number reads as a value of its type: what the trace
/// prints for it.
public enum ValueKind: Sendable {
    case integer
    case number
    case boolean
    /// Days since 1970-01-01, printed `YYYY-MM-DD`.
    case date
    /// Text, which the registers do not keep (only present or missing).
    case text
    /// A position in a list of names: an enum's values or the tier scale.
    case names(NameTable)

    public init(_ type: ValueType) {
        switch type {
        case .integer: self = .integer
        case .number: self = .number
        case .boolean: self = .boolean
        case .date: self = .date
        case .string: self = .text
        case .enumeration(let type): self = .names(NameTable(type.values))
        }
    }

    /// The value for the `Trace`.
    public func value(_ raw: Double) -> TraceValue {
        if raw.isNaN { return .unknown }
        switch self {
        case .integer: return .integer(Int(raw))
        case .number: return NumberText.isWhole(raw) ? .integer(Int(raw)) : .number(raw)
        case .boolean: return .boolean(raw == 1)
        case .date: return .date(ISODate.format(daysSince1970: Int(raw)))
        case .text: return .name("")
        case .names(let table):
            let index = Int(raw)
            return table.names.indices.contains(index) ? .name(table.names[index]) : .integer(index)
        }
    }

    /// Appends the value as JSON: a number, `true`/`false`, a quoted name or
    /// date, or `null` when unknown.
    @inline(__always)
    public func appendJSON(_ raw: Double, into out: inout OutputBuffer) {
        if raw.isNaN {
            out.appendStatic("null")
            return
        }
        switch self {
        case .integer: out.append(decimal: Int(raw))
        case .number: out.append(number: raw)
        case .boolean: raw == 1 ? out.appendStatic("true") : out.appendStatic("false")
        case .date:
            out.append(UInt8(ascii: "\""))
            out.appendDate(daysSince1970: Int(raw))
            out.append(UInt8(ascii: "\""))
        case .text: out.appendStatic("null")
        case .names(let table):
            let index = Int(raw)
            if table.quoted.indices.contains(index) {
                out.append(bytes: table.quoted[index])
            } else {
                out.append(decimal: index)
            }
        }
    }

    /// Appends the value as plain text; `unknown` when it is unknown.
    @inline(__always)
    public func appendText(_ raw: Double, into out: inout OutputBuffer) {
        if raw.isNaN {
            out.appendStatic("unknown")
            return
        }
        switch self {
        case .integer: out.append(decimal: Int(raw))
        case .number: out.append(number: raw)
        case .boolean: raw == 1 ? out.appendStatic("true") : out.appendStatic("false")
        case .date: out.appendDate(daysSince1970: Int(raw))
        case .text: break
        case .names(let table):
            let index = Int(raw)
            if table.names.indices.contains(index) {
                out.append(bytes: table.plain[index])
            } else {
                out.append(decimal: index)
            }
        }
    }

    /// A number as the JSON output writes it (`NumberText.shortest`).
    public static func numberText(_ value: Double) -> String {
        NumberText.shortest(value)
    }
}

/// The names of an enum or tier scale, prepared once as bytes: plain and
/// quoted JSON strings.
public final class NameTable: Sendable {
    public let names: [String]
    public let plain: [[UInt8]]
    public let quoted: [[UInt8]]

    public init(_ names: [String]) {
        self.names = names
        plain = names.map { Array($0.utf8) }
        quoted = names.map(JSONBytes.quoted)
    }
}

/// JSON fragments made once at start, so that writing a record only copies.
public enum JSONBytes {
    /// `"text"`, escaped.
    public static func quoted(_ text: String) -> [UInt8] {
        let buffer = OutputBuffer(capacity: text.utf8.count * 2 + 8)
        buffer.appendJSONString(text)
        return buffer.bytes
    }
}

extension OutputBuffer {
    /// Appends literal text. (Called with a literal, `append(_:)` would pick
    /// its `String` overload, which is slower.)
    @inline(__always)
    public func appendStatic(_ text: StaticString) {
        append(text)
    }
}
