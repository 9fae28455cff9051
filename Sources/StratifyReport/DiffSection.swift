import StratifyBatch
import StratifyCore
import StratifyIO

/// `diff --format html`: two rule sets on the same patients, from the
/// `DiffReport` that `diff` computes.
package enum DiffSection {
    package static func write(_ html: inout HTMLWriter, _ report: DiffReport, oldName: String, newName: String, cells: SmallCells) {
        func shown(_ count: Int) -> String { cells.shown(count).map(String.init) ?? "suppressed" }
        html.open("section", [("id", "diff")])
        html.element("h2", "\(oldName) → \(newName)")
        html.element(
            "p", [("data-kind", "diff-records"), ("data-records", String(report.records)), ("data-changed", String(report.changed))],
            "\(report.records) patients scored by both rule sets; \(report.changed) change tier or model, "
                + "\(report.outputsChanged) change some output, \(report.rulesChanged) have some rule outcome changed. "
                + "Rejected by both: \(report.rejected.both); by \(oldName) only: \(report.rejected.oldOnly); by \(newName) only: \(report.rejected.newOnly).")
        let tiers = report.tierMigration, models = report.modelMigration
        MigrationSection.matrix(
            &html, rows: tiers.rows, columns: tiers.columns, counts: tiers.counts, title: "Tier migration", kind: "tier-transition", cells: cells)
        MigrationSection.matrix(
            &html, rows: models.rows, columns: models.columns, counts: models.counts, title: "Model migration", kind: "model-transition",
            cells: cells, sankey: false)

        let scores = report.domains + [report.totalScore]
        let directions = ["down", "same", "up"]
        Charts.heatmap(
            &html, title: "Score changes per domain (patients)", rows: scores.map(\.name), columns: directions,
            counts: scores.map { [$0.down, $0.same, $0.up] }, cells: cells,
            table: DataTable(
                header: ["Score", "Down", "Same", "Up", "Mean change"],
                rows: scores.map { change in
                    DataTable.Row(
                        [
                            change.name, cells.text(change.down), cells.text(change.same), cells.text(change.up),
                            NumberText.fixed(change.meanChange, decimals: 2),
                        ],
                        attributes: [
                            ("data-kind", "score-change"), ("data-key", change.name), ("data-up", shown(change.up)), ("data-down", shown(change.down)),
                        ])
                }))

        let rules = report.rules
        Charts.heatmap(
            &html, title: "Rule firing before and after (patients)", rows: rules.map(\.id), columns: ["before", "after", "changed"],
            counts: rules.map { [$0.firedOld, $0.firedNew, $0.changed] }, cells: cells,
            table: DataTable(
                header: ["Rule", "Fired before", "Fired after", "Outcome changed"],
                rows: rules.map { rule in
                    DataTable.Row(
                        [rule.id, rule.inOld ? cells.text(rule.firedOld) : "–", rule.inNew ? cells.text(rule.firedNew) : "–", cells.text(rule.changed)],
                        attributes: [
                            ("data-kind", "rule-firing"), ("data-key", rule.id), ("data-before", shown(rule.firedOld)), ("data-after", shown(rule.firedNew)),
                        ])
                }))

        if !report.demand.isEmpty {
            Charts.heatmap(
                &html, title: "Capacity: patients per model, before and after", rows: report.demand.map(\.model), columns: ["before", "after"],
                counts: report.demand.map { [$0.patientsOld, $0.patientsNew] }, cells: cells,
                table: DataTable(
                    header: ["Model", "Patients before", "Patients after", "Case managers before", "after", "Change"],
                    rows: report.demand.map { demand in
                        DataTable.Row(
                            [
                                demand.model, cells.text(demand.patientsOld), cells.text(demand.patientsNew), demand.neededOld.map(String.init) ?? "–",
                                demand.neededNew.map(String.init) ?? "–", demand.change.map { $0 > 0 ? "+\($0)" : String($0) } ?? "–",
                            ],
                            attributes: [("data-kind", "demand"), ("data-key", demand.model)] + (demand.change.map { [("data-change", String($0))] } ?? []))
                    }))
        }
        html.close("section")
    }
}
