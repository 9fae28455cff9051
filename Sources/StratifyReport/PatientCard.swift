import StratifyBatch
import StratifyEngine
import StratifyExplain
import StratifyIO
import StratifyRules

/// `explain --patient ID --format html`: a one-page card per patient,
/// written for a nurse: the result in words, each domain's score on its
/// bands, the reasons, what is missing and what would change the result.
/// It renders the ``Trace`` that `explain` builds; nothing is recomputed.
package struct PatientCardRenderer: Sendable {
    let program: Program
    let ruleSetDigest: String

    package init(program: Program, ruleSetDigest: String) {
        self.program = program
        self.ruleSetDigest = ruleSetDigest
    }

    package func render(_ trace: Trace) -> String {
        var html = HTMLWriter()
        html.open(
            "article", [("class", "card"), ("data-kind", "patient"), ("data-key", trace.identifier), ("data-tier", trace.tier), ("data-model", trace.model)])
        html.element("h1", "\(trace.identifierName) \(trace.identifier)")
        summary(&html, trace)
        domains(&html, trace)
        reasons(&html, trace)
        missing(&html, trace)
        changes(&html, trace)
        html.element(
            "p", [("class", "note")],
            "Rule set \(program.name ?? program.source.path), SHA-256 \(ruleSetDigest). Made by stratify explain; "
                + "the tier is a prompt for clinical judgement, not a replacement for it.")
        html.close("article")
        return html.text
    }

    private func summary(_ html: inout HTMLWriter, _ trace: Trace) {
        let chosen = trace.modelCandidates.first(where: \.chosen)
        html.open("p", [("class", "big")])
        html.escaped("Tier: ")
        html.element("strong", trace.tier.replacingUnderscores)
        html.escaped(". Care model: ")
        html.element("strong", trace.model.replacingUnderscores)
        if let chosen { html.escaped(" (\(chosen.contact))") }
        html.escaped(". ")
        html.escaped(trace.reviewBy.map { "Next review by \($0)." } ?? "No review date: the date it counts from is missing.")
        html.close("p")
        if let chosen { html.element("p", "Why this model: \(chosen.because)") }
        let raised = trace.tier != trace.overall.band.tier
        html.element(
            "p",
            "Total score \(trace.totalScore), which is in the \(trace.overall.band.tier.replacingUnderscores) band"
                + (raised ? "; a safety rule raised the tier to \(trace.tier.replacingUnderscores)." : ".")
                + (trace.flags.isEmpty ? "" : " Flags: \(trace.flags.map(\.replacingUnderscores).joined(separator: ", "))."))
    }

    private func domains(_ html: inout HTMLWriter, _ trace: Trace) {
        let tiers = program.tiers.values
        let width = 640.0, label = 130.0, row = 30.0, bar = 14.0
        let plot = width - label - 110
        let rows = trace.domains.enumerated().map { index, domain in
            DataTable.Row(
                [domain.name, String(domain.score), domain.tier, "\(domain.scale.band.range)"],
                attributes: [("data-kind", "domain-score"), ("data-key", domain.name), ("data-score", String(domain.score)), ("data-tier", domain.tier)])
        }
        let summary = trace.domains.map { "\($0.name) \($0.score), \($0.tier)" }.joined(separator: "; ")
        Charts.figure(
            &html, title: "Each area's score on its bands", summary: summary, height: Double(trace.domains.count) * row + 14,
            table: DataTable(header: ["Area", "Score", "Tier", "Band"], rows: rows)
        ) { html in
            for (index, domain) in trace.domains.enumerated() {
                guard let bands = program.domains.first(where: { $0.name == domain.name })?.bands.bands else { continue }
                let layout = BandScaleLayout(lowers: bands.map(\.lower), score: domain.score, width: plot, height: bar)
                let y = Double(index) * row + 12
                Charts.text(&html, x: label - 8, y: y + 12, anchor: "end", domain.name.replacingUnderscores)
                for (band, segment) in zip(bands, layout.segments) {
                    let step = Palette.step(band.tier, of: tiers.count)
                    Charts.rect(&html, Rect(x: label + segment.x, y: y, width: segment.width, height: segment.height), fill: Palette.ramp[step], stroke: true)
                }
                let x = label + layout.marker
                html.open("path", [("d", "M\(SVGNumber.text(x)),\(SVGNumber.text(y - 3))l-5,-6h10z"), ("fill", "#000")])
                html.close("path")
                html.open(
                    "line",
                    [
                        ("x1", SVGNumber.text(x)), ("y1", SVGNumber.text(y - 3)), ("x2", SVGNumber.text(x)), ("y2", SVGNumber.text(y + bar + 2)),
                        ("stroke", "#000"), ("stroke-width", "2"),
                    ])
                html.close("line")
                let raised = domain.tier != domain.scale.band.tier ? " (raised)" : ""
                Charts.text(&html, x: label + plot + 8, y: y + 12, "\(domain.score) → \(domain.tier.replacingUnderscores)\(raised)")
            }
        }
    }

    private func reasons(_ html: inout HTMLWriter, _ trace: Trace) {
        let fired = trace.fired
        html.element("h2", fired.isEmpty ? "No rule applied" : "Why: what applied (\(fired.count))")
        guard !fired.isEmpty else { return }
        html.open("ul", [("class", "rules")])
        for rule in fired {
            html.open("li", [("data-kind", "fired"), ("data-key", rule.id)])
            html.element("strong", rule.because)
            let parts = rule.condition.held.isEmpty ? rule.condition.checks.map(\.sentence) : rule.condition.held.map(\.sentence)
            html.element("q", "\(parts.joined(separator: "; ")) — \(signed(rule.points)) points to \(rule.domain.replacingUnderscores)")
            html.close("li")
        }
        for escalation in trace.escalations where escalation.applied {
            html.open("li", [("data-kind", "escalation"), ("data-key", escalation.id)])
            html.element("strong", escalation.because)
            html.element("q", "so the tier is at least \(escalation.atLeast.replacingUnderscores)")
            html.close("li")
        }
        html.close("ul")
        let floors = trace.domains.flatMap { domain in domain.floors.filter(\.applied).map { (domain.name, $0) } }
        if !floors.isEmpty {
            html.element(
                "p",
                "Raised areas: "
                    + floors.map { "\($0.0.replacingUnderscores) at least \($0.1.atLeast.replacingUnderscores): \($0.1.because)" }.joined(separator: "; "))
        }
    }

    private func missing(_ html: inout HTMLWriter, _ trace: Trace) {
        html.element("h2", "What we do not know")
        guard !trace.missing.isEmpty else {
            html.element("p", "Nothing is missing: every question was answered.")
            return
        }
        html.open("div", [("class", "warn"), ("data-kind", "missing"), ("data-count", String(trace.missing.count))])
        html.element("p", "Not recorded (\(trace.missing.count) of \(trace.inputsTotal)): \(trace.missing.joined(separator: ", ")).")
        if trace.overall.exact || trace.overall.reachable == trace.tier {
            html.element("p", "Whatever the answers, the tier would stay \(trace.tier.replacingUnderscores).")
        } else {
            html.element(
                "p",
                "With the answers, the tier could be as high as \(trace.overall.reachable.replacingUnderscores). "
                    + "The scores count only what is known: please ask about these at the next contact.")
        }
        let unknown = trace.rules.filter { $0.outcome == .unknown }
        if !unknown.isEmpty {
            html.element(
                "p",
                "Checks that could not be made: " + unknown.map { "\($0.because) (needs \($0.missing.joined(separator: ", ")))" }.joined(separator: "; ") + ".")
        }
        html.close("div")
    }

    private func changes(_ html: inout HTMLWriter, _ trace: Trace) {
        html.element("h2", "What would change the result")
        html.open("ul")
        // A tier raised by a safety rule stays at least there: only a band
        // above the tier itself would change it.
        let rank = { (tier: String) in self.program.tiers.values.firstIndex(of: tier) ?? -1 }
        if let up = trace.overall.up, rank(up.tier) > rank(trace.tier) {
            html.element("li", "\(points(up.points)) more in total would make the tier \(up.tier.replacingUnderscores).")
        } else if trace.overall.up == nil {
            html.element("li", "The total is in the highest band.")
        } else if let next = program.overall.bands.bands.first(where: { $0.tier > rank(trace.tier) }) {
            let tier = program.tiers.values[next.tier]
            html.element(
                "li",
                "A safety rule holds the tier at \(trace.tier.replacingUnderscores); "
                    + "\(points(next.lower - trace.totalScore)) more in total would make it \(tier.replacingUnderscores).")
        } else {
            html.element("li", "A safety rule holds the tier at \(trace.tier.replacingUnderscores), the highest the total can reach.")
        }
        if let down = trace.overall.down, trace.tier == trace.overall.band.tier {
            html.element("li", "\(points(down.points)) fewer would make it \(down.tier.replacingUnderscores).")
        }
        for change in (trace.modelChanges ?? []).prefix(4) {
            let from = change.from.isUnknown ? "not recorded" : change.from.description
            html.element("li", "If \(change.field) were \(change.to) (now \(from)), the care model would be \(change.model.replacingUnderscores).")
        }
        html.close("ul")
    }

    private func points(_ count: Int) -> String { count == 1 ? "1 point" : "\(count) points" }
    private func signed(_ points: Int) -> String { points >= 0 ? "+\(points)" : "\(points)" }
}

extension String {
    /// `very_high` → `very high`, for sentences.
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

/// Writes a card per selected patient into one HTML document.
package struct PatientCardFormatter: RecordFormatter {
    private let selection: PatientSelection?
    private var builder: TraceBuilder
    private let renderer: PatientCardRenderer

    package init(plan: TracePlan, selection: PatientSelection?, ruleSetDigest: String) {
        self.selection = selection
        builder = TraceBuilder(plan: plan, whatIf: true)
        renderer = PatientCardRenderer(program: plan.program, ruleSetDigest: ruleSetDigest)
    }

    package func header(into out: inout OutputBuffer) {
        var html = HTMLWriter()
        ReportPage.head(&html, title: "Patient card")
        out.append(html.text)
    }

    package func footer(into out: inout OutputBuffer) {
        out.append(ReportPage.tail)
    }

    package mutating func write(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if let selection, !selection.selects(identifier) { return }
        let trace = builder.trace(e, identifier: String(decoding: identifier, as: UTF8.self))
        out.append(renderer.render(trace))
    }
}
