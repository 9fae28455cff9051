import StratifyCore
import StratifyIO

/// `caseload --format text|json|csv`, and the wait list file.
extension CaseloadReport {
    /// A figure to one decimal.
    static func oneDecimal(_ value: Double) -> String {
        NumberText.fixed(value, decimals: 1)
    }

    static let columns = ["model", "patients", "caseload", "needed", "contacts_per_month", "staff", "capacity", "gap", "waitlisted"]

    /// Each column's text; nil for a figure that does not apply.
    static func cells(_ row: Row) -> [String?] {
        [
            row.model, String(row.patients), row.caseload.map(String.init), row.needed.map(String.init),
            row.contactsPerMonth.map(oneDecimal), row.staff.map(String.init), row.capacity.map(String.init),
            row.gap.map(String.init), row.waitlisted.map(String.init),
        ]
    }

    package func json() -> String {
        let out = OutputBuffer(capacity: 1024)
        func object(_ row: Row, includeModel: Bool) {
            out.append(UInt8(ascii: "{"))
            var first = true
            for (column, cell) in zip(Self.columns, Self.cells(row)) {
                if column == "model" && !includeModel { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.appendJSONString(column)
                out.append(UInt8(ascii: ":"))
                if column == "model" {
                    out.appendJSONString(row.model)
                } else {
                    out.append(cell ?? "null")
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append("{\"models\":[" as StaticString)
        for (index, row) in models.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            object(row, includeModel: true)
        }
        out.append("],\"total\":" as StaticString)
        object(total, includeModel: false)
        out.append("}\n" as StaticString)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    package func csv() -> String {
        var lines = [Self.columns.joined(separator: ",")]
        for row in models + [total] {
            let out = OutputBuffer(capacity: 128)
            for (index, cell) in Self.cells(row).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendCSVField(cell ?? "")
            }
            lines.append(String(decoding: out.bytes, as: UTF8.self))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A table for people, with a line per model over capacity.
    package func text() -> String {
        let headings = ["model", "patients", "caseload", "needed", "contacts/month", "staff", "capacity", "gap", "wait-listed"]
        let staffGiven = total.staff != nil
        let shown = staffGiven ? headings.indices.map { $0 } : Array(0..<5)
        let rows = (models + [total]).map { row in Self.cells(row).map { $0 ?? "-" } }
        var widths = shown.map { headings[$0].count }
        for row in rows {
            for (slot, column) in shown.enumerated() { widths[slot] = max(widths[slot], row[column].count) }
        }
        func line(_ cells: [String]) -> String {
            shown.enumerated().map { slot, column in
                let cell = cells[column]
                let pad = String(repeating: " ", count: widths[slot] - cell.count)
                return slot == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var text = [line(headings)]
        text += rows.map(line)
        let unknown = models.filter { $0.caseload == nil }.map(\.model)
        if !unknown.isEmpty {
            text.append("No caseload in the rule set for: \(unknown.joined(separator: ", ")) (case managers needed not counted).")
        }
        for row in models {
            if let gap = row.gap, gap > 0 {
                text.append(
                    "\(row.model): \(gap) case manager\(gap == 1 ? "" : "s") short; \(row.waitlisted ?? 0) patient\(row.waitlisted == 1 ? "" : "s") beyond capacity."
                )
            }
        }
        return text.joined(separator: "\n") + "\n"
    }

    static let waitlistColumns = ["model", "position", "identifier", "tier", "total_score", "review_by"]

    /// The wait list as CSV (a header, then a row per patient) or NDJSON,
    /// with the rule set's identifier name for the identifier column.
    package func waitlistBytes(ndjson: Bool, identifierName: String) -> [UInt8] {
        let out = OutputBuffer(capacity: 256 + waitlist.count * 64)
        var columns = Self.waitlistColumns
        columns[2] = identifierName
        if !ndjson {
            for (index, column) in columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendCSVField(column)
            }
            out.append(10)
        }
        for entry in waitlist {
            // Text of each column, and whether JSON writes it as a number.
            let cells: [(text: String?, number: Bool)] = [
                (entry.model, false), (String(entry.position), true), (entry.identifier, false), (entry.tier, false),
                (entry.totalScore.map { String(Int($0)) }, true),
                (entry.reviewBy.map { ISODate.format(daysSince1970: $0) }, false),
            ]
            if ndjson { out.append(UInt8(ascii: "{")) }
            for (index, cell) in cells.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if ndjson {
                    out.appendJSONString(columns[index])
                    out.append(UInt8(ascii: ":"))
                    if let text = cell.text {
                        if cell.number { out.append(text) } else { out.appendJSONString(text) }
                    } else {
                        out.append("null" as StaticString)
                    }
                } else {
                    out.appendCSVField(cell.text ?? "")
                }
            }
            out.append(ndjson ? "}\n" as StaticString : "\n" as StaticString)
        }
        return out.bytes
    }
}
