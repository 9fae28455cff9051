import StratifyEngine
import StratifyIO
import StratifyRules

/// Which input each column of a CSV header feeds, as ``HeaderReconciliation``
/// matched them. Columns the schema does not know are ignored; inputs
/// without a column are missing in every record.
struct ColumnMap: Sendable {
    /// Input index per column, or -1 for an ignored column.
    var inputs: [Int]
    /// The header's names, for messages about a column.
    var names: [String]
    /// The column of the record identifier, or -1.
    var identifierColumn: Int
    /// The columns grouped for decoding.
    var plan: InputDecoder.CSVColumnPlan

    init(names: [String], inputs: [Int], program: Program) {
        self.inputs = inputs
        self.names = names
        identifierColumn = inputs.firstIndex(of: program.identifier) ?? -1
        plan = InputDecoder.plan(columns: inputs, program: program)
    }
}
