import StratifyEngine
import StratifyIO
import StratifyRules

/// Which input each column of a CSV header feeds. Columns the schema does
/// not know are ignored; inputs without a column are missing in every record.
struct ColumnMap: Sendable {
    /// Input index per column, or -1 for an ignored column.
    var inputs: [Int]
    /// The header's names, for messages about a column.
    var names: [String]
    /// The column of the record identifier, or -1.
    var identifierColumn: Int
    /// The columns grouped for decoding.
    var plan: InputDecoder.CSVColumnPlan

    /// Reads the header. A duplicate name, or no column for a required input
    /// (the identifier), is an error for the whole file.
    init(header: CSVHeader, program: Program, file: String) throws(BatchError) {
        let names = header.names
        var byName: [String: Int] = [:]
        for (index, input) in program.inputs.enumerated() { byName[input.name] = index }
        var seen: [String: Int] = [:]
        var inputs: [Int] = []
        for (column, name) in names.enumerated() {
            if let first = seen[name] {
                throw BatchError.file(file, line: header.line, "the header names column '\(DisplayText.escaped(name))' twice (columns \(first + 1) and \(column + 1))")
            }
            seen[name] = column
            inputs.append(byName[name] ?? -1)
        }
        for input in program.inputs where input.required && seen[input.name] == nil {
            throw BatchError.file(file, line: header.line, "the header has no '\(input.name)' column, which every record needs",
                                  notes: ["columns found: \(DisplayText.escaped(names.prefix(12).joined(separator: ", ")))\(names.count > 12 ? ", …" : "")"])
        }
        self.inputs = inputs
        self.names = names
        identifierColumn = inputs.firstIndex(of: program.identifier) ?? -1
        plan = InputDecoder.plan(columns: inputs, program: program)
    }
}
