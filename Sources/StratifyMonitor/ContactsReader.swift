import StratifyBatch
import StratifyCore
import StratifyIO

/// The last contact of each patient in the contacts file of `worklist
/// --contacts`, by identifier: looked up once per current record, as its
/// bytes (no String per record), through the hash the worker threads made.
///
/// Built on a ``PatientTable`` of identifiers (rows in file order: a
/// contacts file listed in the intake's order is looked up by the table's
/// next-row guess, without touching its hash table), beside one day per
/// patient.
package final class ContactTable: ExpressibleByDictionaryLiteral {
    private let identifiers = PatientTable(vocabulary: AssessmentVocabulary(tiers: [], models: [], domains: [], flags: []))
    /// Days since 1970-01-01 per patient; `noDate` when its rows have none.
    // One thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var days: [Int32] = []
    private static let noDate = Int32.min

    package init() {}

    /// For tests: the last contact per identifier (nil: rows without a date).
    package convenience init(dictionaryLiteral elements: (String, Int?)...) {
        self.init()
        for (identifier, day) in elements {
            var identifier = identifier
            identifier.withUTF8 { add(UnsafeRawBufferPointer($0), day: day) }
        }
    }

    /// Patients with at least one row.
    package var count: Int { identifiers.count }
    package var isEmpty: Bool { identifiers.count == 0 }

    /// Adds a row: the latest date of a patient's rows counts; a row
    /// without one (`day` nil) records no contact.
    package func add(_ identifier: UnsafeRawBufferPointer, day: Int?) {
        let new = day.map { Int32(clamping: $0) } ?? Self.noDate
        if let index = identifiers.insert(identifier: identifier) {
            days[index] = max(days[index], new)
        } else {
            days.append(new)
        }
    }

    /// The patient's last contact: nil when the file has no row for it,
    /// `.some(nil)` when its rows have no date.
    package func lastContact(of patient: some AssessmentFields) -> Int?? {
        lastContact(at: identifiers.index(of: patient))
    }

    /// As `lastContact(of:)`, by identifier.
    package func lastContact(of identifier: String) -> Int?? {
        lastContact(at: identifiers.index(of: identifier))
    }

    private func lastContact(at index: Int?) -> Int?? {
        guard let index else { return nil }
        return .some(days[index] == Self.noDate ? nil : Int(days[index]))
    }
}

/// The contacts file of `worklist --contacts`: the rule set's identifier
/// and `last_contact` (a date) per row, CSV or NDJSON. With several rows
/// for a patient the latest date counts; an empty date records no contact.
package enum ContactsReader {
    package static func read(path: String, format: IntakeFormat?, identifierName: String) throws(BatchError) -> ContactTable {
        let reader = RowReader(path: path, format: format)
        let contacts = ContactTable()
        func add(_ identifier: UnsafeRawBufferPointer, _ date: UnsafeRawBufferPointer?, line: Int) throws(BatchError) {
            guard identifier.count > 0 else { throw BatchError.file(path, line: line, "the row has no \(identifierName)") }
            var day: Int?
            if let date, date.count > 0 {
                guard let days = ISODate.parse(date) else {
                    let id = DisplayText.escaped(String(decoding: identifier, as: UTF8.self))
                    let text = DisplayText.escaped(String(decoding: date, as: UTF8.self))
                    throw BatchError.file(path, line: line, "\(identifierName) \(id): last_contact '\(text)' is not a date (YYYY-MM-DD)")
                }
                day = days
            }
            contacts.add(identifier, day: day)
        }
        // CSV, what a contacts file mostly is, is read in place: two
        // fields of each record, no String or dictionary per row.
        var columns: (identifier: Int, date: Int) = (0, 0)
        var copied: [UInt8] = []
        try reader.forEach(
            csvHeader: { names throws(BatchError) in
                for needed in [identifierName, "last_contact"] where !names.contains(needed) {
                    throw BatchError.file(
                        path, line: 1, "a contacts file needs the columns \(identifierName) and last_contact; it has no '\(needed)' column")
                }
                columns = (names.firstIndex(of: identifierName)!, names.firstIndex(of: "last_contact")!)
            },
            csvRecord: { scanner, buffer, line in
                // A quoted field with escaped quotes is unescaped into the
                // scanner's scratch space, which the next such field reuses:
                // then the identifier is copied before the date is read.
                func addRow(_ identifier: UnsafeRawBufferPointer) -> BatchError? {
                    let date = scanner.value(of: scanner[field: columns.date], in: buffer)
                    do throws(BatchError) { try add(identifier, date, line: line) } catch { return error }
                    return nil
                }
                let field = scanner[field: columns.identifier]
                guard field.hasEscapedQuotes else { return addRow(scanner.value(of: field, in: buffer)) }
                copied.removeAll(keepingCapacity: true)
                copied.append(contentsOf: scanner.value(of: field, in: buffer))
                return copied.withUnsafeBytes(addRow)
            },
            row: { row throws(BatchError) in
                let identifier = Array((row.values[identifierName] ?? "").utf8)
                let date = Array((row.values["last_contact"] ?? "").utf8)
                let failure: BatchError? = identifier.withUnsafeBytes { id in
                    date.withUnsafeBytes { text in
                        do throws(BatchError) { try add(id, text, line: row.line) } catch { return error }
                        return nil
                    }
                }
                if let failure { throw failure }
            })
        return contacts
    }
}
