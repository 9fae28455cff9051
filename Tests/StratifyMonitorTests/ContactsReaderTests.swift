import StratifyBatch
import StratifyCore
@testable import StratifyMonitor
import StratifyTestSupport
import Testing

/// The contacts file of `worklist --contacts`, read in place (CSV) or row
/// by row (NDJSON) into a table looked up by identifier bytes.
@Suite struct ContactsReaderTests {
    func day(_ text: String) -> Int { ISODate.parse(text)! }

    func lookup(_ table: ContactTable, _ identifier: String) -> Int?? { table.lastContact(of: identifier) }

    /// The latest date of a patient's rows counts, an empty date records no
    /// contact, and a quoted identifier (escaped quotes, a comma) is its value.
    @Test(arguments: ["csv", "ndjson"])
    func latestDateCountsAndEmptyDatesRecordNone(format: String) throws {
        let folder = try ScratchFolder()
        let path: String
        if format == "csv" {
            path = try folder.write(
                "contacts.csv",
                """
                last_contact,patient_id
                2026-10-01,A
                2026-11-05,A
                2026-09-30,A
                ,B
                ,C
                2026-08-01,C
                2026-07-04,"Q""1,2"

                """)
        } else {
            path = try folder.write(
                "contacts.ndjson",
                """
                {"patient_id":"A","last_contact":"2026-10-01"}
                {"patient_id":"A","last_contact":"2026-11-05"}
                {"patient_id":"A","last_contact":"2026-09-30"}
                {"patient_id":"B","last_contact":""}
                {"patient_id":"C","last_contact":null}
                {"patient_id":"C","last_contact":"2026-08-01"}
                {"patient_id":"Q\\"1,2","last_contact":"2026-07-04"}

                """)
        }
        let table = try ContactsReader.read(path: path, format: nil, identifierName: "patient_id")
        #expect(table.count == 4)
        #expect(lookup(table, "A") == .some(day("2026-11-05")))
        #expect(lookup(table, "B") == .some(nil))
        #expect(lookup(table, "C") == .some(day("2026-08-01")))
        #expect(lookup(table, "Q\"1,2") == .some(day("2026-07-04")))
        #expect(lookup(table, "D") == nil)
    }

    @Test func badRowsNameTheFileAndLine() throws {
        let folder = try ScratchFolder()
        func error(_ text: String) throws -> String {
            let path = try folder.write("c.csv", text)
            do {
                _ = try ContactsReader.read(path: path, format: nil, identifierName: "patient_id")
                return "no error"
            } catch {
                return error.description.replacingOccurrences(of: path, with: "c.csv")
            }
        }
        #expect(try error("patient_id,last_contact\nA,2026-13-01\n") == "c.csv:2: error: patient_id A: last_contact '2026-13-01' is not a date (YYYY-MM-DD)")
        #expect(try error("patient_id,last_contact\nA,2026-01-01\n,2026-01-01\n") == "c.csv:3: error: the row has no patient_id")
        #expect(
            try error("patient_id,contacted\nA,2026-01-01\n")
                == "c.csv:1: error: a contacts file needs the columns patient_id and last_contact; it has no 'last_contact' column")
        #expect(try error("patient_id,last_contact\nA,2026-01-01,x\n") == "c.csv:2: error: the row has 3 fields, the header has 2")
    }

    /// The table answers a record read in place (by its hash and bytes) as
    /// it answers the identifier, and repeats keep the latest date.
    @Test func recordsAreLookedUpByTheirBytes() {
        let table: ContactTable = ["P1": day("2026-01-02"), "P2": nil]
        Array("P1".utf8).withUnsafeBytes { table.add($0, day: day("2025-12-31")) }
        let record = Assessment(identifier: "P1", tier: 0, model: 0, domainTiers: [], flags: 0, totalScore: nil, reviewBy: nil)
        #expect(table.lastContact(of: record) == .some(day("2026-01-02")))
        AssessmentRecord.with(record, domains: 0) { #expect(table.lastContact(of: $0) == .some(day("2026-01-02"))) }
        #expect(table.count == 2)
    }
}
