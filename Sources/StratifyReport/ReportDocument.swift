import StratifyEvaluate
import StratifyIO
import StratifyMonitor
import StratifyRules

/// What makes a printed report traceable: the rule set, the inputs, the date.
package struct Traceability: Sendable {
    package struct Input: Sendable {
        package var path: String
        package var bytes: Int?
        package var records: Int
        package var scored: Int
        package var rejected: Int

        package init(path: String, bytes: Int?, records: Int, scored: Int, rejected: Int) {
            self.path = path
            self.bytes = bytes
            self.records = records
            self.scored = scored
            self.rejected = rejected
        }
    }

    package var ruleSetName: String
    package var ruleFile: String
    package var sha256: String
    package var inputs: [Input]
    /// YYYY-MM-DD.
    package var date: String
    /// Where the date came from (`--as-of`, SOURCE_DATE_EPOCH, today).
    package var dateSource: String
    package var version: String

    package init(ruleSetName: String, ruleFile: String, sha256: String, inputs: [Input], date: String, dateSource: String, version: String) {
        self.ruleSetName = ruleSetName
        self.ruleFile = ruleFile
        self.sha256 = sha256
        self.inputs = inputs
        self.date = date
        self.dateSource = dateSource
        self.version = version
    }
}

/// The HTML page around the sections: one inline stylesheet (screen and
/// print), no script, no external resource.
package enum ReportPage {
    static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#111;background:#fff;max-width:720px;margin:0 auto;padding:16px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #08306b;padding-bottom:2px;margin-top:28px}
        p.lead{color:#333;margin:0 0 12px}
        figure{margin:14px 0 20px;break-inside:avoid;page-break-inside:avoid}
        figcaption{font-weight:600;margin-bottom:4px}
        svg{max-width:100%;height:auto;display:block}svg text{font-size:12px}
        table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid #bbb;padding:2px 6px;text-align:right}
        th[scope=row],thead th{text-align:left;background:#f2f2f2}
        details summary{cursor:pointer;color:#08306b;font-size:13px}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
        .note{font-size:12px;color:#444}
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
        article.card+article.card{break-before:page;page-break-before:always}
        .big{font-size:18px;margin:6px 0}.warn{border-left:4px solid #08306b;padding:4px 8px;background:#f2f6fb}
        ul.rules li{margin-bottom:6px}ul.rules q{display:block;color:#333}
        @page{size:auto;margin:12mm}
        @media print{body{max-width:none;padding:0}details>summary{display:none}h2{break-after:avoid}}
        @media print{details::details-content{content-visibility:visible;display:block}}
        """

    /// The whole document.
    package static func render(title: String, lead: String, body: (inout HTMLWriter) -> Void) -> String {
        var html = HTMLWriter()
        head(&html, title: title)
        html.element("h1", title)
        html.element("p", [("class", "lead")], lead)
        body(&html)
        html.raw(tail)
        return html.text
    }

    /// Everything up to the opening `<body>`.
    package static func head(_ html: inout HTMLWriter, title: String) {
        html.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        html.element("title", title)
        html.raw("<style>\(style)</style></head><body>")
    }

    package static let tail = "</body></html>\n"

    /// The rule sets compared, with their SHA-256, for a printed copy.
    package static func ruleSets(_ html: inout HTMLWriter, _ programs: [Program]) {
        html.open("section", [("id", "traceability")])
        html.element("h2", "Where these numbers come from")
        let rows = programs.map { program in
            let digest = SHA256.hex(program.source.bytes)
            return DataTable.Row([program.source.path, program.name ?? "unnamed", digest], attributes: [("data-kind", "rule-set"), ("data-sha256", digest)])
        }
        DataTable(header: ["Rule file", "Name", "SHA-256"], rows: rows).write(to: &html)
        html.close("section")
    }

    /// The traceability block, at the end of every report.
    package static func traceability(_ html: inout HTMLWriter, _ trace: Traceability) {
        html.open("section", [("id", "traceability")])
        html.element("h2", "Where these numbers come from")
        html.open("dl", [("class", "facts")])
        func fact(_ name: String, _ value: String, code: Bool = false) {
            html.element("dt", name)
            html.open("dd")
            if code { html.element("code", value) } else { html.escaped(value) }
            html.close("dd")
        }
        fact("Rule set", trace.ruleSetName)
        fact("Rule file", trace.ruleFile)
        html.element("dt", "SHA-256")
        html.open("dd")
        html.element("code", [("data-sha256", trace.sha256)], trace.sha256)
        html.close("dd")
        fact("Date", "\(trace.date) (\(trace.dateSource))")
        fact("Made by", "stratify \(trace.version)")
        html.close("dl")
        let rows = trace.inputs.map { input in
            DataTable.Row(
                [input.path, input.bytes.map(String.init) ?? "(standard input)", String(input.records), String(input.scored), String(input.rejected)],
                attributes: [("data-kind", "input"), ("data-key", input.path), ("data-records", String(input.records))])
        }
        DataTable(header: ["Input", "Bytes", "Records", "Scored", "Rejected"], rows: rows).write(to: &html)
        html.close("section")
    }
}
