#if canImport(Glibc)
import Glibc
#endif
import StratifyIO
import StratifyRules
import StratifyCore

/// Reads intake values into an evaluator's input registers, checking each
/// against the schema: the type, the range or allowed values. A value that
/// fails is reported and the record is not scored, so bad data is never
/// scored as if it were low risk.
///
/// Text formats (spec section 1): integers are ASCII digits with an optional
/// leading `-`; numbers may have a fraction and an exponent; booleans are
/// `true`/`false`, `yes`/`no` or `1`/`0` in any case; enum values match in
/// any case; dates are `YYYY-MM-DD`. An empty value is missing.
public final class InputDecoder: Sendable {
    // Immutable after init, hence safe to share; laid out flat so that
    // decoding a value touches no reference-counted storage.
    // `read` is inlined into the batch's record loop (another module), so
    // what it touches is `@usableFromInline`.
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case integer, number, boolean, date, string, enumeration
    }

    @usableFromInline
    struct Field: Sendable {
        @usableFromInline var kind: Kind
        @usableFromInline var minimum: Double
        @usableFromInline var maximum: Double
        /// The field's enum values in `enumValues`.
        @usableFromInline var valueStart: Int
        @usableFromInline var valueCount: Int
    }

    @usableFromInline let fields: FixedBuffer<Field>
    /// Every enum value of every field, lower-case, as (offset, length) into `enumBytes`.
    @usableFromInline let enumValues: FixedBuffer<(offset: Int, count: Int)>
    @usableFromInline let enumBytes: FixedBuffer<UInt8>
    /// Each enum value as ``ValueParsing/lowercasedWord(_:)`` of it, and its
    /// length; -1 for a value longer than 8 bytes, which no word matches
    /// (those are compared byte by byte).
    @usableFromInline let enumWords: FixedBuffer<(word: UInt64, count: Int)>
    private let program: Program

    public init(program: Program) {
        self.program = program
        var fields: [Field] = []
        var values: [(offset: Int, count: Int)] = []
        var bytes: [UInt8] = []
        for input in program.inputs {
            let kind = Self.kind(of: input.type)
            let start = values.count
            if case .enumeration(let type) = input.type {
                for value in type.values {
                    values.append((bytes.count, value.utf8.count))
                    bytes += value.utf8
                }
            }
            fields.append(
                Field(
                    kind: kind, minimum: input.minimum ?? -.infinity, maximum: input.maximum ?? .infinity,
                    valueStart: start, valueCount: values.count - start))
        }
        self.fields = FixedBuffer(fields)
        enumValues = FixedBuffer(values)
        enumBytes = FixedBuffer(bytes)
        enumWords = FixedBuffer(
            values.map { value in
                let word =
                    value.count >= 1 && value.count <= 8
                    ? bytes[value.offset..<(value.offset + value.count)].withUnsafeBytes { ValueParsing.lowercasedWord($0) }
                    : 0
                return (word, value.count >= 1 && value.count <= 8 ? value.count : -1)
            })
    }

    static func kind(of type: ValueType) -> Kind {
        switch type {
        case .integer: .integer
        case .number: .number
        case .boolean: .boolean
        case .date: .date
        case .string: .string
        case .enumeration: .enumeration
        }
    }

    /// Reads one value into `registers[input]` (NaN when empty). Returns nil
    /// when the value is valid, or what is wrong with it.
    public func decode(_ bytes: UnsafeRawBufferPointer, input: Int, into registers: UnsafeMutableBufferPointer<Double>) -> FieldError? {
        guard let problem = read(bytes, input: input, into: registers) else { return nil }
        return FieldError(problem, bytes)
    }

    /// `decode` for the hot path: the problem alone, a trivial value, so that
    /// a valid value costs no more than parsing it. Build the message with
    /// `FieldError(problem, bytes)` on the rare path.
    @inlinable @inline(__always)
    public func read(_ bytes: UnsafeRawBufferPointer, input: Int, into registers: UnsafeMutableBufferPointer<Double>) -> FieldError.Problem? {
        if bytes.isEmpty {
            registers[input] = .nan
            return nil
        }
        return read(bytes, as: fields[input].kind, input: input, into: registers)
    }

    /// `read` of a value that is not empty, for an input of kind `kind`.
    @inlinable @inline(__always)
    func read(_ bytes: UnsafeRawBufferPointer, as kind: Kind, input: Int, into registers: UnsafeMutableBufferPointer<Double>) -> FieldError.Problem? {
        let field = fields[input]
        let value: Double
        switch kind {
        case .integer:
            guard let parsed = ValueParsing.integer(bytes) else { return .notInteger }
            value = parsed
        case .number:
            guard let parsed = ValueParsing.number(bytes) else { return .notNumber }
            value = parsed
        case .boolean:
            guard let parsed = ValueParsing.boolean(bytes) else { return .notBoolean }
            registers[input] = parsed ? 1 : 0
            return nil
        case .date:
            guard let parsed = ValueParsing.date(bytes) else { return .notDate }
            value = Double(parsed)
        case .string:
            registers[input] = 0
            return nil
        case .enumeration:
            guard let index = enumIndex(bytes, field) else { return .notAllowed }
            registers[input] = Double(index)
            return nil
        }
        if value < field.minimum { return .belowMinimum }
        if value > field.maximum { return .aboveMaximum }
        registers[input] = value
        return nil
    }

    /// The columns of a CSV header that feed inputs, grouped by the kind of
    /// input they feed (every integer column, then every boolean one, …),
    /// for ``InputDecoder/readCSVRecord(_:in:scanner:plan:into:problems:)``.
    public struct CSVColumnPlan: Sendable {
        /// Columns and the inputs they feed, ordered by kind, then column.
        let columns: [Int]
        let inputs: [Int]
        let groups: [(kind: Kind, range: Range<Int>)]
    }

    /// The plan for a header whose column `i` feeds input `columns[i]` of
    /// `program` (-1: none).
    public static func plan(columns: [Int], program: Program) -> CSVColumnPlan {
        let kinds = program.inputs.map { kind(of: $0.type) }
        let used = columns.indices.filter { columns[$0] >= 0 }
            .sorted { (kinds[columns[$0]].rawValue, $0) < (kinds[columns[$1]].rawValue, $1) }
        var groups: [(kind: Kind, range: Range<Int>)] = []
        for (position, column) in used.enumerated() {
            let kind = kinds[columns[column]]
            if let last = groups.last, last.kind == kind {
                groups[groups.count - 1].range = last.range.lowerBound..<(position + 1)
            } else {
                groups.append((kind, position..<(position + 1)))
            }
        }
        return CSVColumnPlan(columns: used, inputs: used.map { columns[$0] }, groups: groups)
    }

    /// Reads every field of a CSV record whose bytes are clean (no NUL, all
    /// ASCII) into the registers, as `plan` maps them. Each problem is
    /// appended as (column, problem), in column order; the record is valid
    /// when none are.
    ///
    /// The loop lives here so that `read` is inlined into it (a call per
    /// field across modules costs more than most values take to parse), and
    /// it goes kind by kind: choosing a parser per field, in a pattern as
    /// long as the header, is a jump the branch predictor often misses.
    public func readCSVRecord(
        _ fields: CSVFieldList, in chunk: UnsafeRawBufferPointer, scanner: CSVRecordScanner,
        plan: CSVColumnPlan, into registers: UnsafeMutableBufferPointer<Double>,
        problems: inout [(column: Int, problem: FieldError.Problem)]
    ) {
        let found = problems.count
        plan.columns.withUnsafeBufferPointer { columns in
            plan.inputs.withUnsafeBufferPointer { inputs in
                for group in plan.groups {
                    for k in group.range {
                        let column = columns[k]
                        let input = inputs[k]
                        let value = scanner.value(of: fields[column], in: chunk)
                        if value.isEmpty {
                            registers[input] = .nan
                        } else if let problem = read(value, as: group.kind, input: input, into: registers) {
                            problems.append((column, problem))
                        }
                    }
                }
            }
        }
        if problems.count - found > 1 {
            problems[found...].sort { $0.column < $1.column }
        }
    }

    /// Reads every member of the NDJSON line `parser` has just parsed whose
    /// key is an input (the parser was made with the inputs' names as its
    /// keys) into the registers. Each problem is appended as (member index,
    /// problem), in member order; the record is valid when none are. `null`
    /// and `""` are missing; an array or object is ``FieldError/Problem/notSingleValue``.
    ///
    /// The loop lives here, like ``readCSVRecord(_:in:scanner:plan:into:problems:)``,
    /// so that `read` is inlined into it.
    public func readJSONRecord(
        _ parser: JSONLineParser, line: UnsafeRawBufferPointer, into registers: UnsafeMutableBufferPointer<Double>,
        problems: inout [(member: Int, problem: FieldError.Problem)]
    ) {
        let members = parser.members
        for index in 0..<members.count {
            let member = members[index]
            let input = Int(member.keyIndex)
            guard input >= 0 else { continue }
            var value = UnsafeRawBufferPointer(rebasing: line[member.valueStart..<member.valueEnd])
            switch member.kind {
            case .string:
                if member.hasEscapes {
                    // Validated by the parser, so unescaping cannot fail.
                    value = (try? parser.stringValue(of: member, in: line)) ?? value
                    if let base = value.baseAddress, memchr(base, 0, value.count) != nil {
                        problems.append((index, .containsNUL))
                        continue
                    }
                }
            case .number, .true, .false:
                break
            case .null:
                registers[input] = .nan
                continue
            case .array, .object:
                problems.append((index, .notSingleValue))
                continue
            }
            if value.isEmpty {
                registers[input] = .nan
            } else if let problem = read(value, as: fields[input].kind, input: input, into: registers) {
                problems.append((index, problem))
            }
        }
    }

    /// The position of the value among the field's values, in any case.
    @inlinable @inline(__always)
    func enumIndex(_ bytes: UnsafeRawBufferPointer, _ field: Field) -> Int? {
        if bytes.count <= 8 {
            // Most values are short: one word compared per allowed value.
            let word = ValueParsing.lowercasedWord(bytes)
            for position in 0..<field.valueCount {
                let candidate = enumWords[field.valueStart + position]
                if candidate.word == word && candidate.count == bytes.count { return position }
            }
            return nil
        }
        outer: for position in 0..<field.valueCount {
            let value = enumValues[field.valueStart + position]
            guard value.count == bytes.count else { continue }
            for index in 0..<bytes.count {
                var byte = bytes[index]
                if byte &- UInt8(ascii: "A") < 26 { byte |= 0x20 }
                if byte != enumBytes[value.offset + index] { continue outer }
            }
            return position
        }
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
        case .containsNUL: return "contains a NUL character"
        }
    }

    private static func bound(_ value: Double?, _ type: ValueType) -> String {
        guard let value else { return "" }
        if type == .date { return ISODate.format(daysSince1970: Int(value)) }
        return NumberText.plain(value)
    }
}

/// What is wrong with one intake value; the value itself is kept, shortened,
/// for the message.
public struct FieldError: Sendable, Error {
    public enum Problem: Sendable, Equatable {
        case notInteger, notNumber, notBoolean, notDate, notAllowed
        case belowMinimum, aboveMaximum
        case required
        /// An NDJSON array or object where a field needs one value.
        case notSingleValue
        /// An NDJSON string with an escaped NUL (`\u0000`).
        case containsNUL
    }

    public var problem: Problem
    /// The offending value as shown in messages: at most 40 characters, with
    /// control characters escaped.
    public var shownValue: String

    public init(_ problem: Problem, shownValue: String) {
        self.problem = problem
        self.shownValue = shownValue
    }

    /// The problem with the offending value, shortened for messages.
    public init(_ problem: Problem, _ bytes: UnsafeRawBufferPointer) {
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
