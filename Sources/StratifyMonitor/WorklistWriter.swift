import StratifyCore
import StratifyIO

/// Writes worklist rows as CSV (a header, then a row per patient), NDJSON
/// or a text table for people.
package struct WorklistWriter: Sendable {
    package enum Format: String, Sendable, CaseIterable {
        case csv, ndjson, text
    }

    package let format: Format
    private let columns: [String]
    /// Each column's name as a JSON key and its colon, made once.
    private let jsonKeys: [[UInt8]]

    package init(format: Format, identifierName: String) {
        self.format = format
        columns = [identifierName, "priority", "reason", "tier", "model", "review_by", "days_overdue", "last_contact", "next_contact"]
        let key = OutputBuffer(capacity: 64)
        jsonKeys = columns.map { name in
            key.removeAll()
            key.appendJSONString(name)
            key.append(UInt8(ascii: ":"))
            return key.bytes
        }
    }

    /// The whole list (for a small one, or tests).
    package func bytes(_ entries: [WorklistEntry]) -> [UInt8] {
        let out = OutputBuffer(capacity: 256 + entries.count * 128)
        header(into: out)
        for entry in entries { write(entry, into: out) }
        if entries.isEmpty { empty(into: out) }
        return out.bytes
    }

    /// The CSV header line (nothing for the other formats).
    package func header(into out: OutputBuffer) {
        guard format == .csv else { return }
        out.append(columns.joined(separator: ","))
        out.append(10)
    }

    /// What an empty list says: a line for people, nothing for programs.
    package func empty(into out: OutputBuffer) {
        if format == .text { out.append("No patient needs anything in this window.\n") }
    }

    /// One row's cells, the text ones as UTF-8 bytes.
    package struct Cells {
        package var identifier: UnsafeRawBufferPointer
        package var priority: Int
        package var reason: UnsafeRawBufferPointer
        package var tier: UnsafeRawBufferPointer
        package var model: UnsafeRawBufferPointer
        package var reviewBy: Int?
        package var daysOverdue: Int
        package var lastContact: Int?
        package var nextContact: Int?
    }

    package func write(_ entry: WorklistEntry, into out: OutputBuffer) {
        guard format != .text else {
            let dates = [("review by", entry.reviewBy), ("next contact", entry.nextContact)]
                .compactMap { label, day in day.map { "\(label) \(ISODate.format(daysSince1970: $0))" } }
            out.append(
                "\(entry.priority). \(entry.identifier)  \(entry.tierName), \(entry.model)"
                    + (dates.isEmpty ? "" : "  (\(dates.joined(separator: ", ")))") + "\n")
            out.append("   \(entry.reason)\n")
            return
        }
        var identifier = entry.identifier, reason = entry.reason, tier = entry.tierName, model = entry.model
        identifier.withUTF8 { identifier in
            reason.withUTF8 { reason in
                tier.withUTF8 { tier in
                    model.withUTF8 { model in
                        write(
                            Cells(
                                identifier: UnsafeRawBufferPointer(identifier), priority: entry.priority, reason: UnsafeRawBufferPointer(reason),
                                tier: UnsafeRawBufferPointer(tier), model: UnsafeRawBufferPointer(model), reviewBy: entry.reviewBy,
                                daysOverdue: entry.daysOverdue, lastContact: entry.lastContact, nextContact: entry.nextContact),
                            into: out)
                    }
                }
            }
        }
    }

    /// Writes a CSV or NDJSON row (the text format needs a ``WorklistEntry``);
    /// `dates`, when given, writes the dates (one per thread).
    package func write(_ cells: Cells, into out: OutputBuffer, dates: DateTexts? = nil) {
        precondition(format != .text, "a text row is written from a WorklistEntry")
        let csv = format == .csv
        func name(_ index: Int) {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if !csv { out.append(bytes: jsonKeys[index]) }
        }
        func text(_ index: Int, _ value: UnsafeRawBufferPointer) {
            name(index)
            if csv { out.appendCSVField(value) } else { out.appendJSONString(value) }
        }
        // priority and days_overdue are numbers in NDJSON too.
        func number(_ index: Int, _ value: Int) {
            name(index)
            out.append(decimal: value)
        }
        func date(_ index: Int, _ day: Int?) {
            name(index)
            guard let day else {
                if !csv { out.append("null" as StaticString) }
                return
            }
            if !csv { out.append(UInt8(ascii: "\"")) }
            if let dates { dates.append(day, to: out) } else { out.appendDate(daysSince1970: day) }
            if !csv { out.append(UInt8(ascii: "\"")) }
        }
        if !csv { out.append(UInt8(ascii: "{")) }
        text(0, cells.identifier)
        number(1, cells.priority)
        text(2, cells.reason)
        text(3, cells.tier)
        text(4, cells.model)
        date(5, cells.reviewBy)
        number(6, cells.daysOverdue)
        date(7, cells.lastContact)
        date(8, cells.nextContact)
        out.append(csv ? "\n" as StaticString : "}\n" as StaticString)
    }
}

/// The text of recent dates, for writing three dates a row for a million
/// rows: a worklist's dates crowd around its as-of day, and formatting each
/// again (a calendar conversion) cost more than the rest of the row.
/// Direct-mapped by day; one per thread.
package final class DateTexts {
    /// The day each slot holds (`Int.min`: none) and its ten bytes.
    // One thread, three times a row: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var days = [Int](repeating: .min, count: DateTexts.slots)
    @exclusivity(unchecked) private var texts = [UInt8](repeating: 0, count: DateTexts.slots * 10)
    private static let slots = 1 << 12

    package init() {}

    /// Appends `day` as `YYYY-MM-DD` (or as ``ISODate`` writes a year
    /// outside 0…9999, not kept).
    package func append(_ day: Int, to out: OutputBuffer) {
        let slot = day & (Self.slots - 1)
        if days[slot] != day {
            var length = 0
            texts.withUnsafeMutableBufferPointer { texts in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ISODate.maxBytes) { buffer in
                    length = ISODate.write(daysSince1970: day, to: buffer.baseAddress!) - buffer.baseAddress!
                    if length == 10 { (texts.baseAddress! + slot * 10).update(from: buffer.baseAddress!, count: 10) }
                }
            }
            guard length == 10 else { return out.appendDate(daysSince1970: day) }
            days[slot] = day
        }
        texts.withUnsafeBytes { out.append(bytes: UnsafeRawBufferPointer(rebasing: $0[(slot * 10)..<(slot * 10 + 10)])) }
    }
}
