import StratifyIO
import StratifyRules

/// Matches the names an intake file gives its fields (``IntakeFieldNames``)
/// to the inputs of a program, once per file and program, before scoring,
/// so that a header that does not fit the rules is never scored silently:
///
/// - a name that is an input's name only once normalised (`Assessed On`,
///   ` age `, `PHQ9-Total`: ``FieldNameMatching``) is read as that input,
///   with a warning;
/// - an unknown name close to an input that has no field is a likely typo
///   (did you mean), other unknown names are listed once;
/// - inputs with no field are named, as they are missing in every record;
/// - two CSV columns for one input, no column for a required input (the
///   identifier), or no field for any input but the identifier stop the
///   batch (``BatchError/file(_:line:_:notes:)``, exit status 2);
/// - with `strict`, every warning stops the batch instead.
///
/// Used for every command that reads intake (`score`, `explain`, and both
/// rule files of `diff`). NDJSON records are matched key by key as they
/// are parsed (``JSONLineParser`` with `normalizingKeys`) by the same rule.
struct HeaderReconciliation {
    /// For a CSV file, which input each column feeds.
    let columns: ColumnMap?
    /// `file:line: warning: …` lines, in a stable order, for standard error.
    let warnings: [String]

    /// At most this many unknown names are listed one by one.
    static let listedUnknownNames = 10
    /// Only the first unknown names, and those no longer than this, are
    /// checked for a likely typo.
    static let typoCheckedNames = 100
    static let typoCheckedLength = 128

    init(_ fields: IntakeFieldNames, program: Program, file: String, strict: Bool) throws(BatchError) {
        let inputs = program.inputs
        var exact: [String: Int] = [:]
        for (index, input) in inputs.enumerated() where exact[input.name] == nil { exact[input.name] = index }
        var normalized: [String: Int] = [:]
        for (index, form) in FieldNameMatching.normalizedNames(inputs.map(\.name)).enumerated() {
            if let form { normalized[form] = index }
        }
        var headerLine: Int?
        var isCSV = false
        if case .header(let line) = fields.origin {
            headerLine = line
            isCSV = true
        }
        let noun = isCSV ? "column" : "key"
        func refusal(_ message: String, notes: [String] = []) -> BatchError {
            .file(file, line: headerLine, message, notes: notes)
        }

        // Each name's input: exact, else by normalised name.
        var inputOfName: [Int] = []
        var fieldOfInput = [Int](repeating: -1, count: inputs.count)
        var renamed: [(name: String, input: Int)] = []
        var unknown: [String] = []
        var seen: [String: Int] = [:]
        for (column, name) in fields.names.enumerated() {
            if let first = seen[name] {
                throw refusal("the header names column '\(Self.shown(name))' twice (columns \(first + 1) and \(column + 1))")
            }
            seen[name] = column
            let input = exact[name] ?? normalized[FieldNameMatching.normalized(name)] ?? -1
            inputOfName.append(input)
            guard input >= 0 else {
                unknown.append(name)
                continue
            }
            if exact[name] == nil { renamed.append((name, input)) }
            let first = fieldOfInput[input]
            if first < 0 {
                fieldOfInput[input] = column
            } else if isCSV {
                // (NDJSON keys are distinct; two spellings on one line are
                // a repeated key of that record.)
                throw refusal(
                    "columns '\(Self.shown(fields.names[first]))' (column \(first + 1)) and '\(Self.shown(name))' (column \(column + 1)) "
                        + "are both read as input '\(inputs[input].name)'")
            }
        }

        // Unknown names close to an input that has no field: likely typos.
        let absent = inputs.indices.filter { fieldOfInput[$0] < 0 }.map { inputs[$0].name }
        var typos: [(name: String, input: String)] = []
        var ignored: [String] = []
        for (index, name) in unknown.enumerated() {
            // Edit distances cost length × length: a hostile header (huge
            // or countless names) is only listed.
            let normalizedName = FieldNameMatching.normalized(name)
            if index < Self.typoCheckedNames, normalizedName.utf8.count <= Self.typoCheckedLength,
                let input = Suggestions.closest(to: normalizedName, in: absent)
            {
                typos.append((name, input))
            } else {
                ignored.append(name)
            }
        }
        func typoNotes(for input: String? = nil) -> [String] {
            typos.filter { input == nil || $0.input == input }.map { "\(noun) '\(Self.shown($0.name))': did you mean '\($0.input)'?" }
        }
        let found = "\(noun)s found: \(Self.list(fields.names.map { Self.shown($0) }, limit: 12))"

        for index in inputs.indices where isCSV && inputs[index].required && fieldOfInput[index] < 0 {
            let name = inputs[index].name
            throw refusal("the header has no '\(name)' column, which every record needs", notes: [found] + typoNotes(for: name))
        }

        // A file with nothing but the identifier would score every record on nothing.
        let others = inputs.indices.filter { $0 != program.identifier }
        var objects = 1
        if case .sample(_, let count, _) = fields.origin { objects = count }
        if objects > 0, !others.isEmpty, !others.contains(where: { fieldOfInput[$0] >= 0 }) {
            let identifier = inputs[program.identifier].name
            let expected = others.map { inputs[$0].name }
            throw refusal(
                "no \(noun) of \(Self.firstRecords(fields.origin)) is an input of the rules but '\(identifier)', so every record would be scored on nothing",
                notes: [
                    "expected: \(expected.count) input\(expected.count == 1 ? "" : "s") besides '\(identifier)', such as \(Self.list(expected, limit: 5))",
                    found,
                ]
                    + typoNotes())
        }

        var texts: [String] = []
        if renamed.count == 1 {
            texts.append(
                "\(noun) '\(Self.shown(renamed[0].name))' read as input '\(inputs[renamed[0].input].name)' (its name normalised: case, spaces, hyphens)")
        } else if renamed.count > 1 {
            texts.append(
                "\(renamed.count) \(noun)s read as inputs after normalising their names (case, spaces, hyphens): "
                    + renamed.map { "'\(Self.shown($0.name))' as \(inputs[$0.input].name)" }.joined(separator: ", "))
        }
        for typo in typos {
            texts.append("\(noun) '\(Self.shown(typo.name))' matches no input and is ignored: did you mean '\(typo.input)'?")
        }
        if ignored.count == 1 {
            texts.append("\(noun) '\(Self.shown(ignored[0]))' matches no input and is ignored")
        } else if ignored.count > 1 {
            texts.append(
                "\(ignored.count) \(noun)s match no input and are ignored: "
                    + Self.list(ignored.map { "'\(Self.shown($0))'" }, limit: Self.listedUnknownNames))
        }
        if !absent.isEmpty, objects > 0 {
            let names = absent.sorted().joined(separator: ", ")
            let one = absent.count == 1
            let have = "\(absent.count) input\(one ? " has" : "s have")"
            let they = one ? "it is" : "they are"
            switch fields.origin {
            case .header:
                texts.append("\(have) no column, so \(they) missing for every record: \(names)")
            case .sample(_, _, true):
                texts.append("\(have) no key in any record, so \(they) missing for every record: \(names)")
            case .sample:
                texts.append("\(have) no key in \(Self.firstRecords(fields.origin)), so \(they) missing for those records: \(names)")
            }
        }

        if strict, !texts.isEmpty {
            let subject = isCSV ? "the header's columns" : "the keys of \(Self.firstRecords(fields.origin))"
            throw refusal("\(subject) are not exactly the inputs of the rules (--strict-columns)", notes: texts)
        }
        let place = headerLine.map { "\(file):\($0)" } ?? file
        warnings = texts.map { "\(place): warning: \($0)" }
        columns = isCSV ? ColumnMap(names: fields.names, inputs: inputOfName, program: program) : nil
    }

    /// `the first 1000 records`, `the 24 records` (the whole file).
    private static func firstRecords(_ origin: IntakeFieldNames.Origin) -> String {
        guard case .sample(let records, _, let wholeFile) = origin else { return "the header" }
        if wholeFile { return records == 1 ? "the record" : "the \(records) records" }
        return records == 1 ? "the first record" : "the first \(records) records"
    }

    /// A name from the file, safe for a terminal and at most 64 characters.
    private static func shown(_ name: String) -> String {
        let escaped = DisplayText.escaped(name)
        return escaped.count > 64 ? escaped.prefix(64) + "…" : escaped
    }

    /// `a, b, c`, or `a, b, …, and 7 more` past `limit`.
    private static func list(_ items: [String], limit: Int) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + ", and \(items.count - limit) more"
    }
}
