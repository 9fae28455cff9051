import StratifyCore
import StratifyEvaluate
import StratifyIO
import StratifyMonitor
import StratifyRules

/// Everything the population section of `stratify report` draws; every
/// figure was computed elsewhere (the batch pipeline, `CaseloadCounter`).
package struct PopulationFigures {
    package var program: Program
    package var counts: PopulationCounts
    package var rejected: Int
    package var caseload: CaseloadReport
    /// Per rule, in program order.
    package var fired: [Int]
    /// Per input of `program.missingOrder`.
    package var missing: [Int]

    package init(program: Program, counts: PopulationCounts, rejected: Int, caseload: CaseloadReport, fired: [Int], missing: [Int]) {
        self.program = program
        self.counts = counts
        self.rejected = rejected
        self.caseload = caseload
        self.fired = fired
        self.missing = missing
    }
}

package enum PopulationSection {
    package static func write(_ html: inout HTMLWriter, _ figures: PopulationFigures, cells: SmallCells) {
        let counts = figures.counts
        let tiers = counts.vocabulary.tiers
        html.open("section", [("id", "population")])
        html.element("h2", "The population")
        html.open("p", [("data-kind", "records"), ("data-scored", String(counts.scored)), ("data-rejected", String(figures.rejected))])
        html.escaped("\(counts.scored) patients scored, \(figures.rejected) records rejected (not scored: see the error report of the run).")
        html.close("p")

        // The pyramid: the highest tier on top.
        let order = Array(tiers.indices.reversed())
        Charts.bars(
            &html, title: "Patients per tier", labels: order.map { tiers[$0] }, counts: order.map { counts.tiers[$0] }, cells: cells,
            shades: order.map { Palette.step($0, of: tiers.count) }, centred: true,
            table: DataTable(
                header: ["Tier", "Patients", "Share"],
                rows: order.map { tier in
                    let n = counts.tiers[tier]
                    return DataTable.Row(
                        [tiers[tier], cells.text(n), share(cells.shown(n), of: counts.scored)],
                        attributes: [("data-kind", "tier"), ("data-key", tiers[tier])] + cells.attributes(n))
                }))

        let domains = counts.vocabulary.domains
        Charts.heatmap(
            &html, title: "Patients per domain and tier", rows: domains, columns: tiers, counts: counts.domainTiers, cells: cells,
            table: DataTable(
                header: ["Domain"] + tiers,
                rows: domains.enumerated().map { index, domain in
                    DataTable.Row(
                        [domain] + counts.domainTiers[index].map(cells.text),
                        attributes: [("data-kind", "domain"), ("data-key", domain)]
                            + zip(tiers, counts.domainTiers[index]).map { ("data-tier-\(attributeName($0))", cells.shown($1).map(String.init) ?? "suppressed") }
                    )
                }))

        writeModels(&html, figures.caseload, cells: cells)

        let flags = counts.vocabulary.flags
        if !flags.isEmpty {
            Charts.bars(
                &html, title: "Flags raised", labels: flags, counts: counts.flags, cells: cells,
                table: DataTable(
                    header: ["Flag", "Patients"],
                    rows: flags.enumerated().map { index, flag in
                        DataTable.Row(
                            [flag, cells.text(counts.flags[index])],
                            attributes: [("data-kind", "flag"), ("data-key", flag)] + cells.attributes(counts.flags[index]))
                    }))
        }

        // The inputs most often missing first; ties by name (missingOrder's order).
        let inputs = figures.program.missingOrder.map { figures.program.inputs[$0].name }
        let missingOrder = inputs.indices.sorted { figures.missing[$0] != figures.missing[$1] ? figures.missing[$0] > figures.missing[$1] : $0 < $1 }
        Charts.bars(
            &html, title: "Missing data per input (most often missing first)", labels: missingOrder.map { inputs[$0] },
            counts: missingOrder.map { figures.missing[$0] }, cells: cells,
            table: DataTable(
                header: ["Input", "Records without a value", "Share"],
                rows: missingOrder.map { index in
                    let n = figures.missing[index]
                    return DataTable.Row(
                        [inputs[index], cells.text(n), share(cells.shown(n), of: counts.scored)],
                        attributes: [("data-kind", "missing"), ("data-key", inputs[index])] + cells.attributes(n))
                }))

        let rules = figures.program.rules.map(\.id)
        Charts.bars(
            &html, title: "How often each rule fired", labels: rules, counts: figures.fired, cells: cells,
            table: DataTable(
                header: ["Rule", "Patients", "Share"],
                rows: rules.enumerated().map { index, rule in
                    let n = figures.fired[index]
                    return DataTable.Row(
                        [rule, cells.text(n), share(cells.shown(n), of: counts.scored)],
                        attributes: [("data-kind", "rule"), ("data-key", rule)] + cells.attributes(n))
                }))

        var weekLabels: [String] = ["overdue"]
        var weekCounts = [counts.reviewsOverdue]
        for week in 0..<PopulationCounts.weeks {
            weekLabels.append("week of " + ISODate.format(daysSince1970: counts.asOf + 7 * week))
            weekCounts.append(counts.reviewWeeks[week])
        }
        weekLabels += ["later", "no review date"]
        weekCounts += [counts.reviewsLater, counts.reviewsNone]
        Charts.bars(
            &html, title: "Reviews falling due per week, from \(ISODate.format(daysSince1970: counts.asOf))", labels: weekLabels,
            counts: weekCounts, cells: cells,
            table: DataTable(
                header: ["Week", "Reviews due"],
                rows: zip(weekLabels, weekCounts).map { label, n in
                    DataTable.Row([label, cells.text(n)], attributes: [("data-kind", "review"), ("data-key", label)] + cells.attributes(n))
                }))
        html.close("section")
    }

    static func writeModels(_ html: inout HTMLWriter, _ caseload: CaseloadReport, cells: SmallCells) {
        let staffGiven = caseload.total.staff != nil
        var header = ["Model", "Patients", "Caseload", "Case managers needed"]
        if staffGiven { header += ["Staff", "Gap (+ short)", "Waiting"] }
        func row(_ r: CaseloadReport.Row, kind: String) -> DataTable.Row {
            var cellsText = [r.model, cells.text(r.patients), r.caseload.map(String.init) ?? "–", r.needed.map(String.init) ?? "–"]
            var attributes = [("data-kind", kind), ("data-key", r.model)] + cells.attributes(r.patients)
            if let needed = r.needed { attributes.append(("data-needed", String(needed))) }
            if staffGiven {
                cellsText += [r.staff.map(String.init) ?? "–", r.gap.map { $0 > 0 ? "+\($0)" : String($0) } ?? "–", r.waitlisted.map(String.init) ?? "–"]
                if let staff = r.staff { attributes.append(("data-staff", String(staff))) }
                if let gap = r.gap { attributes.append(("data-gap", String(gap))) }
            }
            return DataTable.Row(cellsText, attributes: attributes)
        }
        let rows = caseload.models.map { row($0, kind: "model") } + [row(caseload.total, kind: "model-total")]
        Charts.bars(
            &html, title: "Case-management model mix", labels: caseload.models.map(\.model), counts: caseload.models.map(\.patients), cells: cells,
            table: DataTable(header: header, rows: rows))
        var note = "Case managers needed: patients ÷ the model's caseload, rounded up"
        if let needed = caseload.total.needed { note += "; \(needed) in all" }
        if staffGiven, let staff = caseload.total.staff, let gap = caseload.total.gap {
            note += "; \(staff) in post, gap \(gap > 0 ? "+\(gap) (short)" : String(gap))"
        }
        html.element("p", [("class", "note")], note + ".")
    }

    static func share(_ n: Int?, of total: Int) -> String {
        guard let n, total > 0 else { return "–" }
        return Charts.percent(Double(n) / Double(total))
    }

    /// A tier name as part of a `data-` attribute name.
    static func attributeName(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
