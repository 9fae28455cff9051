import StratifyBatch
import StratifyCore
import StratifyIO

/// The contacts file of `worklist --contacts`: the rule set's identifier
/// and `last_contact` (a date) per row, CSV or NDJSON. With several rows
/// for a patient the latest date counts; an empty date records no contact.
package enum ContactsReader {
    /// Last contact per identifier, in days since 1970-01-01 (nil: the
    /// patient has rows, none with a date).
    package static func read(path: String, format: IntakeFormat?, identifierName: String) throws(BatchError) -> [String: Int?] {
        let reader = RowReader(path: path, format: format)
        if (format ?? IntakeFormat.detect(path: path)) == .csv {
            let names = try reader.columnNames()
            for needed in [identifierName, "last_contact"] where !names.contains(needed) {
                throw BatchError.file(path, line: 1, "a contacts file needs the columns \(identifierName) and last_contact; it has no '\(needed)' column")
            }
        }
        var contacts: [String: Int?] = [:]
        try reader.forEach { row throws(BatchError) in
            guard let identifier = row.values[identifierName], !identifier.isEmpty else {
                throw BatchError.file(path, line: row.line, "the row has no \(identifierName)")
            }
            var date: Int?
            if let text = row.values["last_contact"], !text.isEmpty {
                guard let days = ISODate.parse(text) else {
                    throw BatchError.file(
                        path, line: row.line,
                        "\(identifierName) \(DisplayText.escaped(identifier)): last_contact '\(DisplayText.escaped(text))' is not a date (YYYY-MM-DD)")
                }
                date = days
            }
            let earlier = contacts[identifier] ?? nil
            contacts[identifier] = [earlier, date].compactMap { $0 }.max()
        }
        return contacts
    }
}
