import StratifyIO

/// `track --format text|json`, and the `--changes` file.
extension TrackReport {
    package func json() -> String {
        let out = OutputBuffer(capacity: 4096)
        func key(_ name: String) {
            out.appendJSONString(name)
            out.append(UInt8(ascii: ":"))
        }
        func object(_ pairs: [(String, Int)]) {
            out.append(UInt8(ascii: "{"))
            for (index, (name, value)) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                key(name)
                out.append(decimal: value)
            }
            out.append(UInt8(ascii: "}"))
        }
        func matrix(_ m: Matrix) {
            out.append(UInt8(ascii: "{"))
            for (r, row) in m.rows.enumerated() {
                if r > 0 { out.append(UInt8(ascii: ",")) }
                key(row)
                object(zip(m.columns, m.counts[r]).map { ($0, $1) })
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "{"))
        key("records")
        object([
            ("both", records.both), ("new", records.new), ("departed", records.departed),
            ("rejected_previous", records.rejectedPrevious), ("rejected_current", records.rejectedCurrent),
            ("duplicate_previous", records.duplicatePrevious), ("duplicate_current", records.duplicateCurrent),
        ])
        out.append(UInt8(ascii: ","))
        key("tier_transitions")
        matrix(tierTransitions)
        out.append(UInt8(ascii: ","))
        key("model_transitions")
        matrix(modelTransitions)
        out.append(UInt8(ascii: ","))
        key("direction")
        object([("up", direction.up), ("down", direction.down), ("same", direction.same)])
        out.append(UInt8(ascii: ","))
        key("domains")
        out.append(UInt8(ascii: "{"))
        for (index, domain) in domains.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            key(domain.name)
            object([("up", domain.direction.up), ("down", domain.direction.down), ("same", domain.direction.same)])
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: ","))
        key("flags")
        out.append(UInt8(ascii: "{"))
        for (index, flag) in flags.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            key(flag.flag)
            object([("gained", flag.gained), ("lost", flag.lost)])
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: ","))
        key("persistent_top")
        out.append(UInt8(ascii: "{"))
        key("tiers")
        out.append(UInt8(ascii: "["))
        for (index, tier) in topTiers.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSONString(tier)
        }
        out.append("],\"patients\":" as StaticString)
        out.append(decimal: persistentTop)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: ","))
        key("highest_tier_fell")
        object([("patients", previousHighest), ("fell", highestFell)])
        out.append("}\n" as StaticString)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    package func text() -> String {
        var lines: [String] = []
        lines.append(
            "Patients: \(records.both) in both, \(records.new) new, \(records.departed) departed"
                + "; records rejected: \(records.rejectedPrevious) previous, \(records.rejectedCurrent) current")
        if records.duplicatePrevious + records.duplicateCurrent > 0 {
            lines.append("Repeated identifiers left out of the join: \(records.duplicatePrevious) previous, \(records.duplicateCurrent) current")
        }
        let moved = records.both
        func share(_ n: Int) -> String { moved == 0 ? "" : " (\(Int((100 * Double(n) / Double(moved)).rounded()))%)" }
        lines.append(
            "Tier since the previous assessment: \(direction.up) up\(share(direction.up)), "
                + "\(direction.down) down\(share(direction.down)), \(direction.same) unchanged\(share(direction.same))")
        lines.append("At \(topTiers.joined(separator: " or ")) both times: \(persistentTop)")
        if let caution = regressionCaution { lines.append("Caution: " + caution) }
        lines.append("")
        lines.append("Tier transitions (rows: previous, columns: current)")
        lines += Self.table(tierTransitions)
        lines.append("")
        lines.append("Model transitions (rows: previous, columns: current)")
        lines += Self.table(modelTransitions)
        if !domains.isEmpty {
            lines.append("")
            lines.append("Domain tiers (patients in both)")
            lines += Self.aligned(domains.map { ($0.name, "\($0.direction.up) up, \($0.direction.down) down") })
        }
        if !flags.isEmpty {
            lines.append("")
            lines.append("Flags (patients in both)")
            lines += Self.aligned(flags.map { ($0.flag, "\($0.gained) gained, \($0.lost) lost") })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `  name  text` lines, the texts aligned after the longest name.
    static func aligned(_ rows: [(name: String, text: String)]) -> [String] {
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + "  " + $0.text }
    }

    static func table(_ m: Matrix) -> [String] {
        let cells = [[""] + m.columns] + zip(m.rows, m.counts).map { [$0] + $1.map(String.init) }
        let widths = (0..<(m.columns.count + 1)).map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            "  "
                + row.enumerated().map { column, cell in
                    let pad = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 0 ? cell + pad : pad + cell
                }.joined(separator: "  ")
        }
    }
}

/// Writes ``TrackChange`` rows as CSV (with a header) or NDJSON.
package struct TrackChangeWriter {
    package let ndjson: Bool
    package let identifierName: String
    private let columns: [String]

    package init(ndjson: Bool, identifierName: String) {
        self.ndjson = ndjson
        self.identifierName = identifierName
        columns = [
            identifierName, "previous_tier", "current_tier", "previous_model", "current_model", "direction",
            "flags_gained", "flags_lost", "domains_up",
        ]
    }

    package func header(into out: OutputBuffer) {
        guard !ndjson else { return }
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendCSVField(column)
        }
        out.append(10)
    }

    package func write(_ change: TrackChange, into out: OutputBuffer) {
        let texts: [String?] = [
            change.identifier, change.previousTier, change.currentTier, change.previousModel,
            change.currentModel, change.direction,
        ]
        let lists = [change.flagsGained, change.flagsLost, change.domainsUp]
        if ndjson {
            out.append(UInt8(ascii: "{"))
            for (index, text) in texts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendJSONString(columns[index])
                out.append(UInt8(ascii: ":"))
                if let text { out.appendJSONString(text) } else { out.append("null" as StaticString) }
            }
            for (offset, list) in lists.enumerated() {
                out.append(UInt8(ascii: ","))
                out.appendJSONString(columns[texts.count + offset])
                out.append(":[" as StaticString)
                for (index, item) in list.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.appendJSONString(item)
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append("}\n" as StaticString)
        } else {
            for (index, text) in texts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendCSVField(text ?? "")
            }
            for list in lists {
                out.append(UInt8(ascii: ","))
                out.appendCSVField(list.joined(separator: ";"))
            }
            out.append(10)
        }
    }
}
