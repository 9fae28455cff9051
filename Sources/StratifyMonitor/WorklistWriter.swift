import StratifyCore
import StratifyIO

/// Writes worklist rows as CSV (a header, then a row per patient), NDJSON
/// or a text table for people.
public struct WorklistWriter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, ndjson, text
    }

    public let format: Format
    private let columns: [String]

    public init(format: Format, identifierName: String) {
        self.format = format
        columns = [identifierName, "priority", "reason", "tier", "model", "review_by", "days_overdue", "last_contact", "next_contact"]
    }

    /// The whole list (for a small one, or tests).
    public func bytes(_ entries: [WorklistEntry]) -> [UInt8] {
        let out = OutputBuffer(capacity: 256 + entries.count * 128)
        header(into: out)
        for entry in entries { write(entry, into: out) }
        if entries.isEmpty { empty(into: out) }
        return out.bytes
    }

    /// The CSV header line (nothing for the other formats).
    public func header(into out: OutputBuffer) {
        guard format == .csv else { return }
        out.append(columns.joined(separator: ","))
        out.append(10)
    }

    /// What an empty list says: a line for people, nothing for programs.
    public func empty(into out: OutputBuffer) {
        if format == .text { out.append("No patient needs anything in this window.\n") }
    }

    public func write(_ entry: WorklistEntry, into out: OutputBuffer) {
        switch format {
        case .csv:
            for (index, cell) in cells(entry).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendCSVField(cell ?? "")
            }
            out.append(10)
        case .ndjson:
            out.append(UInt8(ascii: "{"))
            for (index, cell) in cells(entry).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendJSONString(columns[index])
                out.append(UInt8(ascii: ":"))
                if let cell {
                    // priority and days_overdue are numbers.
                    if index == 1 || index == 6 { out.append(cell) } else { out.appendJSONString(cell) }
                } else {
                    out.append("null" as StaticString)
                }
            }
            out.append("}\n" as StaticString)
        case .text:
            let dates = [("review by", entry.reviewBy), ("next contact", entry.nextContact)]
                .compactMap { label, day in day.map { "\(label) \(ISODate.format(daysSince1970: $0))" } }
            out.append(
                "\(entry.priority). \(entry.identifier)  \(entry.tierName), \(entry.model)"
                    + (dates.isEmpty ? "" : "  (\(dates.joined(separator: ", ")))") + "\n")
            out.append("   \(entry.reason)\n")
        }
    }

    private func cells(_ entry: WorklistEntry) -> [String?] {
        func date(_ day: Int?) -> String? { day.map { ISODate.format(daysSince1970: $0) } }
        return [
            entry.identifier, String(entry.priority), entry.reason, entry.tierName, entry.model,
            date(entry.reviewBy), String(entry.daysOverdue), date(entry.lastContact), date(entry.nextContact),
        ]
    }
}
