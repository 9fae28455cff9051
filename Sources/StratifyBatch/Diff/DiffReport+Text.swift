extension DiffReport {
    /// The report for people: counts, the tier and model migration matrices,
    /// score changes per domain, the domain tier changes, and each rule's
    /// fired counts before and after. Fits in 100 columns for the default
    /// rule set.
    public func text(oldName: String, newName: String) -> String {
        var out: [String] = []
        out.append("Old rules: \(oldName)")
        out.append("New rules: \(newName)")
        out.append("")
        out.append("\(read) record\(read == 1 ? "" : "s") read, \(records) scored by both rule files.")
        let rejectedAny = rejected.both + rejected.oldOnly + rejected.newOnly
        if rejectedAny > 0 {
            out.append("Rejected: \(rejected.both) by both, \(rejected.oldOnly) by the old rules only, \(rejected.newOnly) by the new rules only.")
        }
        out.append(
            "Changed tier or model: \(changed) (\(Self.percent(changed, of: records)))."
                + " Any output field: \(outputsChanged). Any rule outcome: \(rulesChanged).")
        out.append("")
        out.append("Tier migration (rows: old tier, columns: new tier)")
        out += Self.matrix(
            tierMigration, rejectedRow: newTiers.map { rejected.oldOnlyByNewTier[$0] ?? 0 },
            rejectedColumn: oldTiers.map { rejected.newOnlyByOldTier[$0] ?? 0 }, both: rejected.both,
            showRejected: rejectedAny > 0)
        out.append("")
        out.append("Model migration (rows: old model, columns: new model)")
        out += Self.matrix(
            modelMigration, rejectedRow: newModels.map { rejected.oldOnlyByNewModel[$0] ?? 0 },
            rejectedColumn: oldModels.map { rejected.newOnlyByOldModel[$0] ?? 0 }, both: rejected.both,
            showRejected: rejectedAny > 0)
        out.append("")
        if !demand.isEmpty {
            out += demandTable()
            out.append("")
        }
        out += scores()
        let moved = domains.filter { domain in
            guard let tiers = domain.tiers else { return false }
            return tiers.rows.indices.contains { r in tiers.columns.indices.contains { c in tiers.rows[r] != tiers.columns[c] && tiers.counts[r][c] > 0 } }
        }
        for domain in moved {
            out.append("")
            out.append("\(domain.name) tier migration (rows: old tier, columns: new tier)")
            out += Self.matrix(domain.tiers!, rejectedRow: [], rejectedColumn: [], both: 0, showRejected: false)
        }
        if moved.isEmpty, domains.contains(where: { $0.tiers != nil }) {
            out.append("")
            out.append("No domain tier changed.")
        }
        out.append("")
        out += rulesTable()
        return out.joined(separator: "\n") + "\n"
    }

    private func scores() -> [String] {
        func label(_ change: ScoreChange) -> String {
            change.name + (!change.inNew ? " (old only)" : (!change.inOld ? " (new only)" : ""))
        }
        let width = max(12, ((domains + [totalScore]).map { label($0).count }.max() ?? 0) + 3)
        var lines = ["Scores" + Self.pad("", width - 6) + Self.left(["up", "down", "same", "mean change"], [8, 8, 8, 13])]
        for change in domains + [totalScore] {
            let name = label(change)
            let mean = DiffJSON.numberText(change.meanChange)
            let signed = change.meanChange > 0 ? "+" + mean : mean
            lines.append("  " + Self.pad(name, width - 2) + Self.left([String(change.up), String(change.down), String(change.same), signed], [8, 8, 8, 13]))
        }
        return lines
    }

    /// Case managers needed per model under each file, with the change
    /// (`+3`) where both give a caseload.
    private func demandTable() -> [String] {
        let width = max(12, (demand.map(\.model.count).max() ?? 0) + 4)
        var lines = ["Case managers needed (patients ÷ caseload, rounded up)"]
        lines.append("  " + Self.pad("model", width - 2) + Self.left(["patients old", "new", "needed old", "new", "change"], [14, 8, 12, 8, 8]))
        for row in demand {
            let change = row.change.map { $0 > 0 ? "+\($0)" : String($0) } ?? "-"
            lines.append(
                "  " + Self.pad(row.model, width - 2)
                    + Self.left(
                        [
                            String(row.patientsOld), String(row.patientsNew), row.neededOld.map(String.init) ?? "-", row.neededNew.map(String.init) ?? "-",
                            change,
                        ],
                        [14, 8, 12, 8, 8]))
        }
        let moved = demand.compactMap { row -> String? in
            guard let change = row.change, change != 0 else { return nil }
            return "\(change > 0 ? "+" : "")\(change) \(row.model) case manager\(abs(change) == 1 ? "" : "s") needed"
        }
        if !moved.isEmpty { lines.append("  " + moved.joined(separator: "; ")) }
        return lines
    }

    private func rulesTable() -> [String] {
        let width = max(20, (rules.map(\.id.count).max() ?? 0) + 4)
        var lines = ["Rules (fired, in records scored by both)"]
        lines.append("  " + Self.pad("rule", width - 2) + Self.left(["old", "new", "change", "outcome changed"], [8, 8, 8, 17]))
        for rule in rules {
            let delta = rule.firedNew - rule.firedOld
            let old = rule.inOld ? String(rule.firedOld) : "-"
            let new = rule.inNew ? String(rule.firedNew) : "-"
            lines.append(
                "  " + Self.pad(rule.id, width - 2)
                    + Self.left([old, new, delta > 0 ? "+\(delta)" : String(delta), String(rule.changed)], [8, 8, 8, 17]))
        }
        return lines
    }

    /// An aligned matrix with totals; with `showRejected`, a `rejected` row
    /// (records only the new rules scored) and column (only the old).
    private static func matrix(_ matrix: Matrix, rejectedRow: [Int], rejectedColumn: [Int], both: Int, showRejected: Bool) -> [String] {
        var columns = matrix.columns
        var rows = matrix.rows
        var counts = matrix.counts
        if showRejected {
            columns.append("rejected")
            for r in counts.indices { counts[r].append(rejectedColumn[r]) }
            rows.append("rejected")
            counts.append(rejectedRow + [both])
        }
        columns.append("total")
        for r in counts.indices { counts[r].append(counts[r].reduce(0, +)) }
        rows.append("total")
        counts.append(columns.indices.map { c in counts.reduce(0) { $0 + $1[c] } })
        let labelWidth = max(12, (rows.map(\.count).max() ?? 0) + 4)
        let widths = columns.indices.map { c in max(columns[c].count, counts.map { String($0[c]).count }.max() ?? 1) + 2 }
        var lines = ["  " + pad("old \\ new", labelWidth - 2) + left(columns, widths)]
        for (r, row) in rows.enumerated() {
            lines.append("  " + pad(row, labelWidth - 2) + left(counts[r].map(String.init), widths))
        }
        return lines
    }

    /// Values right-aligned in columns of the given widths.
    private static func left(_ values: [String], _ widths: [Int]) -> String {
        zip(values, widths).map { value, width in String(repeating: " ", count: max(0, width - value.count)) + value }.joined()
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }

    private static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
