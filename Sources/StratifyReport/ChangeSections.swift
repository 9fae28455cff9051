import StratifyCore
import StratifyEvaluate
import StratifyIO
import StratifyMonitor

/// `--previous`: the tier migration as a Sankey diagram and its matrix.
package enum MigrationSection {
    package static func write(_ html: inout HTMLWriter, _ report: TrackReport, cells: SmallCells, previousName: String) {
        html.open("section", [("id", "migration")])
        html.element("h2", "Movement since the previous assessment")
        let records = report.records
        html.open(
            "p",
            [
                ("data-kind", "track-records"), ("data-both", String(records.both)), ("data-new", String(records.new)),
                ("data-departed", String(records.departed)),
            ])
        html.escaped(
            "Against \(previousName): \(records.both) patients in both, \(records.new) new, \(records.departed) departed; "
                + "of those in both, \(report.direction.up) moved up a tier, \(report.direction.down) down and \(report.direction.same) stayed.")
        html.close("p")
        if let caution = report.regressionCaution { html.element("p", [("class", "note")], caution) }
        let tiers = report.tierTransitions, models = report.modelTransitions
        matrix(&html, rows: tiers.rows, columns: tiers.columns, counts: tiers.counts, title: "Tier migration", kind: "tier-transition", cells: cells)
        matrix(
            &html, rows: models.rows, columns: models.columns, counts: models.counts, title: "Model migration", kind: "model-transition",
            cells: cells, sankey: false)
        html.close("section")
    }

    /// A transition matrix (rows before, with `new`; columns after, with
    /// `departed`) as a Sankey diagram and a table.
    package static func matrix(
        _ html: inout HTMLWriter, rows: [String], columns: [String], counts: [[Int]], title: String, kind: String, cells: SmallCells,
        sankey: Bool = true
    ) {
        let table = DataTable(
            header: ["Before ＼ after"] + columns,
            rows: rows.enumerated().map { r, row in
                DataTable.Row(
                    [row] + counts[r].map(cells.text),
                    attributes: [("data-kind", kind), ("data-key", row)]
                        + zip(columns, counts[r]).map { ("data-to-\(PopulationSection.attributeName($0))", cells.shown($1).map(String.init) ?? "suppressed") })
            })
        if sankey {
            Charts.sankey(&html, title: title + " (before → after)", left: rows, right: columns, counts: counts, cells: cells, table: table)
        } else {
            Charts.heatmap(&html, title: title + " (rows before, columns after)", rows: rows, columns: columns, counts: counts, cells: cells, table: table)
        }
    }
}

/// `--outcomes`: the tiers against what happened next, from `evaluate`'s figures.
package enum OutcomeSection {
    package static func write(_ html: inout HTMLWriter, _ report: EvaluationReport, roc: [EvaluationAccumulator.ROCPoint]) {
        let figures = report.current.figures
        html.open("section", [("id", "outcomes")])
        html.element("h2", "Against the outcome \(report.outcomeName)")
        let records = report.records
        html.element(
            "p", [("data-kind", "outcome-records"), ("data-with-outcome", String(records.withOutcome))],
            "\(records.withOutcome) scored patients have an outcome, \(records.withoutOutcome) have none (not counted below). "
                + (report.minCell > 1
                    ? "Counts under \(report.minCell) are hidden, with every figure computed from them." : "No count is hidden (--min-cell \(report.minCell)).")
        )
        if report.outcomeType == .binary {
            let rows = figures.tiers
            Charts.rates(
                &html, title: "\(report.outcomeName): event rate per tier, with 95% interval", labels: rows.map(\.name), rates: rows.map(\.rate),
                intervals: rows.map(\.ci95), table: rateTable(rows, kind: "outcome-tier", first: "Tier"))
            if let c = figures.cTotalScore {
                let interval = c.ci95.map { " (95% interval \(fixed($0.0))–\(fixed($0.1)))" } ?? ""
                // diff's paired evaluation gives the c-statistic, not the curve.
                if !roc.isEmpty {
                    Charts.curve(
                        &html, title: "ROC curve of total_score", summary: "c-statistic \(fixed(c.value))\(interval)",
                        points: roc.map { ($0.falsePositiveRate, $0.truePositiveRate) }, xLabel: "1 − specificity", yLabel: "sensitivity",
                        table: DataTable(
                            header: ["total_score at least", "1 − specificity", "Sensitivity"],
                            rows: roc.dropFirst().map {
                                DataTable.Row([NumberText.plain($0.score), fixed($0.falsePositiveRate), fixed($0.truePositiveRate)])
                            }))
                }
                html.element(
                    "p", [("data-kind", "c-statistic"), ("data-c", fixed(c.value))],
                    "c-statistic \(fixed(c.value))\(interval): the chance that a patient with the event scored higher than one without (0.5 is chance, 1 perfect)."
                )
            }
            let bands = figures.bands
            if !bands.isEmpty {
                Charts.rates(
                    &html, title: "Calibration: event rate per score band", labels: bands.map(bandName), rates: bands.map(\.rate),
                    intervals: bands.map(\.ci95), table: rateTable(bands, kind: "outcome-band", first: "Score band", names: bands.map(bandName)))
            }
        } else {
            let rows = figures.tiers
            Charts.bars(
                &html, title: "\(report.outcomeName): share of the total per tier", labels: rows.map(\.name),
                counts: rows.map { Int((($0.share ?? 0) * 1000).rounded()) }, cells: SmallCells(minCell: 0),
                table: DataTable(
                    header: ["Tier", "Patients", "Mean", "Total", "Share of the total"],
                    rows: rows.map { row in
                        DataTable.Row(
                            [
                                row.name, row.n.map(String.init) ?? "<\(report.minCell)", row.mean.map { fixed($0) } ?? "–",
                                row.total.map { NumberText.fixed($0, decimals: 1) } ?? "–", row.share.map(Charts.percent) ?? "–",
                            ],
                            attributes: [("data-kind", "outcome-tier"), ("data-key", row.name)]
                                + (row.n.map { [("data-n", String($0))] } ?? [("data-suppressed", "true")]))
                    }))
            html.element("p", [("class", "note")], "Bar lengths are the share per thousand of the outcome's total.")
        }
        html.close("section")
    }

    static func rateTable(_ rows: [Row], kind: String, first: String, names: [String]? = nil) -> DataTable {
        DataTable(
            header: [first, "Patients", "Events", "Rate", "95% interval"],
            rows: rows.enumerated().map { index, row in
                let name = names?[index] ?? row.name
                var attributes = [("data-kind", kind), ("data-key", name)]
                if let n = row.n { attributes.append(("data-n", String(n))) }
                if let events = row.events { attributes.append(("data-events", String(events))) }
                if row.suppressed { attributes.append(("data-suppressed", "true")) }
                return DataTable.Row(
                    [
                        name, row.n.map(String.init) ?? "hidden", row.events.map(String.init) ?? "hidden", row.rate.map(Charts.percent) ?? "–",
                        row.ci95.map { "\(Charts.percent($0.0))–\(Charts.percent($0.1))" } ?? "–",
                    ], attributes: attributes)
            })
    }

    static func bandName(_ row: Row) -> String {
        guard let lower = row.lower else { return row.name }
        return row.upper.map { "\(row.name) (\(lower)–\($0))" } ?? "\(row.name) (\(lower)+)"
    }

    static func fixed(_ value: Double) -> String { NumberText.fixed(value, decimals: 3) }
}
