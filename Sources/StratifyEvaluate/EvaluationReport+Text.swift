import StratifyCore

/// `evaluate --format text`: the figures for people, in aligned columns;
/// a hidden small cell shows as `<N` (N the minimum cell).
extension EvaluationReport {
    package func text() -> String {
        var out = ""
        let r = records
        out += "records: \(r.scored) scored, \(r.withOutcome) with an outcome, \(r.withoutOutcome) without"
        out += ", \(r.outcomesUnmatched) outcome rows unmatched, \(r.rejected) rejected\n"
        if candidate != nil {
            out +=
                "  rejected by the current rules only \(r.rejectedCurrentOnly), by the candidate only \(r.rejectedCandidateOnly), by both \(r.rejectedBoth)\n"
        }
        out += "outcome: \(outcomeName) (\(outcomeType.rawValue))"
        out += minCell > 0 ? "; counts under \(minCell) hidden (\(hidden))\n" : "\n"
        if let candidate {
            out += "\n== current rules (\(rulesFile))\n"
            out += side(current)
            out += "\n== candidate rules (\(candidateFile ?? ""))\n"
            out += side(candidate)
            if let comparison { out += "\n" + text(comparison) }
        } else {
            out += side(current)
        }
        return out
    }

    var hidden: String { "<\(minCell)" }

    func count(_ value: Int?) -> String { value.map(String.init) ?? hidden }
    func number(_ value: Double?, _ digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "-" }
        return fixed(value, digits)
    }
    func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return fixed(value * 100, 1) + "%"
    }
    func interval(_ value: (Double, Double)?, percent: Bool = false) -> String {
        guard let value else { return "-" }
        let (low, high) = percent ? (self.percent(value.0), self.percent(value.1)) : (number(value.0), number(value.1))
        // A dash between two negative numbers would read as a minus.
        return value.0 < 0 ? "\(low) to \(high)" : "\(low)–\(high)"
    }

    /// `digits` decimals, rounded half away from zero, no exponent.
    func fixed(_ value: Double, _ digits: Int) -> String {
        NumberText.fixed(value, decimals: digits)
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { c, cell in
                c == 0 ? cell.padding(widths[c]) : String(repeating: " ", count: widths[c] - cell.count) + cell
            }
            return "  " + padded.joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    func side(_ side: SideReport) -> String {
        var out = figures(side.figures, indent: "")
        for group in side.groups {
            out += "\n-- \(group.by) = \(group.value ?? "(missing)")\n"
            out += figures(group.figures, indent: "")
        }
        return out
    }

    func cLine(_ name: String, _ c: CStatistic?) -> String {
        guard let c else { return "c-statistic of \(name): -\n" }
        return "c-statistic of \(name): \(number(c.value)) (95% CI \(interval(c.ci95)))\n"
    }

    func figures(_ f: Figures, indent: String) -> String {
        var out = ""
        if outcomeType == .binary {
            out += "patients \(count(f.n)), events \(count(f.events)), base rate \(percent(f.rate))\n"
            out += cLine("total_score", f.cTotalScore) + cLine("tier", f.cTier)
            out += "\nby tier\n" + table(["tier", "n", "events", "rate", "95% CI"], f.tiers.map(eventCells))
            out +=
                "\nthresholds\n"
                + table(
                    ["at least", "flagged", "share", "sensitivity", "specificity", "PPV", "lift"],
                    f.thresholds.map { t in
                        [t.atLeast, count(t.flagged), percent(t.share), percent(t.sensitivity), percent(t.specificity), percent(t.ppv), number(t.lift, 2)]
                    })
            out += "\nby model\n" + table(["model", "n", "events", "rate", "95% CI"], f.models.map(eventCells))
            out +=
                "\nrules\n"
                + table(
                    ["rule", "fired", "rate fired", "rate not fired", "lift"],
                    f.rules.map { [$0.rule, count($0.fired), percent($0.rateFired), percent($0.rateNotFired), number($0.lift, 2)] })
            out +=
                "\ncalibration by score band\n"
                + table(
                    ["band", "n", "events", "rate", "95% CI"],
                    f.bands.map { band in
                        var cells = eventCells(band)
                        cells[0] = "\(band.name) \(band.lower ?? 0)\(band.upper.map { "–\($0)" } ?? "+")"
                        return cells
                    })
            out += "\ncalibration by total_score\n" + table(["total_score", "n", "events", "rate", "95% CI"], f.scores.map(eventCells))
        } else {
            out += "patients \(count(f.n)), mean \(number(f.mean, 2)), median \(number(f.median, 2)), total \(number(f.total, 2))\n"
            out += "Spearman correlation of total_score with \(outcomeName): \(number(f.spearman))\n"
            out += "\nby tier\n" + table(["tier", "n", "mean", "median", "total", "share"], f.tiers.map(numericCells))
            out += "\nby model\n" + table(["model", "n", "mean", "median", "total", "share"], f.models.map(numericCells))
            out +=
                "\nrules\n"
                + table(
                    ["rule", "fired", "mean fired", "mean not fired"],
                    f.rules.map { [$0.rule, count($0.fired), number($0.meanFired, 2), number($0.meanNotFired, 2)] })
        }
        return out
    }

    func eventCells(_ row: Row) -> [String] {
        [row.name, count(row.n), count(row.events), percent(row.rate), interval(row.ci95, percent: true)]
    }

    func numericCells(_ row: Row) -> [String] {
        [row.name, count(row.n), number(row.mean, 2), number(row.median, 2), number(row.total, 2), percent(row.share)]
    }

    func text(_ comparison: Comparison) -> String {
        var out = "== candidate minus current\n"
        func difference(_ name: String, _ d: CStatisticDifference?) -> String {
            guard let d else { return "c-statistic of \(name): -\n" }
            let p = d.p.map { $0 < 0.0001 ? "p < 0.0001" : "p = \(number($0, 4))" } ?? "p -"
            return "c-statistic of \(name): \(d.value >= 0 ? "+" : "")\(number(d.value)) (95% CI \(interval(d.ci95)), \(p))\n"
        }
        if outcomeType == .binary {
            out += difference("total_score", comparison.cStatisticDifference)
            out += difference("tier", comparison.cStatisticDifferenceTier)
            if let nri = comparison.nri {
                out += "net reclassification improvement across tiers: \(number(nri.total))\n"
                out += "  events: \(nri.eventsUp) up, \(nri.eventsDown) down: \(number(nri.events))\n"
                out += "  non-events: \(nri.nonEventsDown) down, \(nri.nonEventsUp) up: \(number(nri.nonEvents))\n"
            }
        } else {
            out += "Spearman correlation: \(number(current.figures.spearman)) current, \(number(candidate?.figures.spearman)) candidate\n"
        }
        return out
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
