import StratifyCore
import StratifyIO

/// A plain table of a chart's numbers, shown under it in a `<details>`
/// element (for screen readers and copy-paste). Each row carries its
/// figures as data attributes (`data-kind`, `data-key`, `data-n`...) so that
/// a test can read them from the page's DOM.
package struct DataTable {
    package struct Row {
        package var cells: [String]
        package var attributes: [(String, String)]

        package init(_ cells: [String], attributes: [(String, String)] = []) {
            self.cells = cells
            self.attributes = attributes
        }
    }

    package var header: [String]
    package var rows: [Row]

    package init(header: [String], rows: [Row]) {
        self.header = header
        self.rows = rows
    }

    func write(to html: inout HTMLWriter) {
        html.open("table")
        html.open("thead")
        html.open("tr")
        for name in header { html.element("th", [("scope", "col")], name) }
        html.close("tr")
        html.close("thead")
        html.open("tbody")
        for row in rows {
            html.open("tr", row.attributes)
            for (index, cell) in row.cells.enumerated() {
                if index == 0 { html.element("th", [("scope", "row")], cell) } else { html.element("td", cell) }
            }
            html.close("tr")
        }
        html.close("tbody")
        html.close("table")
    }
}

/// Counts as people see them: a small cell (1 to minCell − 1) is hidden.
package struct SmallCells: Sendable {
    package var minCell: Int

    package init(minCell: Int) { self.minCell = minCell }

    /// The count, or nil when it is hidden.
    package func shown(_ count: Int) -> Int? {
        count > 0 && count < minCell ? nil : count
    }

    package func text(_ count: Int) -> String {
        shown(count).map(String.init) ?? "<\(minCell)"
    }

    /// `data-n` for a shown count, `data-suppressed` for a hidden one.
    package func attributes(_ count: Int) -> [(String, String)] {
        shown(count).map { [("data-n", String($0))] } ?? [("data-suppressed", "true")]
    }
}

/// Each chart as a `<figure>`: a heading, the inline SVG (with `role="img"`,
/// an `aria-label` and a `<title>`), and the `<details>` table.
package enum Charts {
    static let width = 640.0
    static let labelWidth = 170.0

    static func figure(_ html: inout HTMLWriter, title: String, summary: String, height: Double, table: DataTable, svg: (inout HTMLWriter) -> Void) {
        html.open("figure")
        html.element("figcaption", title)
        let h = SVGNumber.text(height)
        html.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(SVGNumber.text(width)) \(h)"),
                ("width", SVGNumber.text(width)), ("height", h), ("role", "img"), ("aria-label", "\(title): \(summary)"),
            ])
        html.element("title", title)
        svg(&html)
        html.close("svg")
        html.open("details")
        html.element("summary", "The numbers (table)")
        table.write(to: &html)
        html.close("details")
        html.close("figure")
    }

    static func text(_ html: inout HTMLWriter, x: Double, y: Double, anchor: String = "start", fill: String? = nil, _ content: String) {
        var attributes = [("x", SVGNumber.text(x)), ("y", SVGNumber.text(y))]
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        if let fill { attributes.append(("fill", fill)) }
        html.element("text", attributes, content)
    }

    static func rect(_ html: inout HTMLWriter, _ r: Rect, fill: String, stroke: Bool = false) {
        var attributes = [
            ("x", SVGNumber.text(r.x)), ("y", SVGNumber.text(r.y)), ("width", SVGNumber.text(r.width)),
            ("height", SVGNumber.text(r.height)), ("fill", fill),
        ]
        if stroke { attributes.append(("stroke", "#333")) }
        html.open("rect", attributes)
        html.close("rect")
    }

    /// Horizontal bars with their labels and counts; `shades` gives each
    /// bar's ramp step (a tier's place on the scale), nil for one colour.
    package static func bars(
        _ html: inout HTMLWriter, title: String, labels: [String], counts: [Int], cells: SmallCells,
        shades: [Int]? = nil, centred: Bool = false, table: DataTable
    ) {
        let barHeight = 22.0, gap = 6.0
        let labelWidth = labelSpace(labels)
        let plot = width - labelWidth - 60
        let rects = ChartGeometry.bars(counts.map(cells.shown), width: plot, barHeight: barHeight, gap: gap, centred: centred)
        let height = Double(labels.count) * (barHeight + gap) + gap
        let summary = zip(labels, counts).map { "\($0) \(cells.text($1))" }.joined(separator: ", ")
        figure(&html, title: title, summary: summary, height: height, table: table) { html in
            for (index, bar) in rects.enumerated() {
                let y = bar.y + gap
                text(&html, x: labelWidth - 8, y: y + 16, anchor: "end", labels[index])
                let step = shades?[index] ?? 3
                rect(&html, Rect(x: labelWidth + bar.x, y: y, width: bar.width, height: bar.height), fill: Palette.ramp[step], stroke: true)
                text(&html, x: labelWidth + (centred ? plot / 2 + bar.width / 2 : bar.width) + 6, y: y + 16, cells.text(counts[index]))
            }
        }
    }

    /// A grid of counts, each cell shaded by its count and labelled with it.
    package static func heatmap(
        _ html: inout HTMLWriter, title: String, rows: [String], columns: [String], counts: [[Int]], cells: SmallCells,
        table: DataTable
    ) {
        let header = 24.0, cellHeight = 26.0
        let labelWidth = labelSpace(rows)
        let cellWidth = (width - labelWidth) / Double(max(1, columns.count))
        let grid = ChartGeometry.grid(rows: rows.count, columns: columns.count, cellWidth: cellWidth, cellHeight: cellHeight)
        let largest = counts.flatMap { $0 }.compactMap(cells.shown).max() ?? 0
        let height = header + Double(rows.count) * cellHeight + 4
        figure(&html, title: title, summary: "\(rows.count) rows by \(columns.count) columns; the table below gives each count", height: height, table: table) {
            html in
            for (column, name) in columns.enumerated() {
                text(&html, x: labelWidth + (Double(column) + 0.5) * cellWidth, y: 16, anchor: "middle", name)
            }
            for (row, name) in rows.enumerated() {
                text(&html, x: labelWidth - 8, y: header + Double(row) * cellHeight + 17, anchor: "end", name)
                for (column, cell) in grid[row].enumerated() {
                    let count = counts[row][column]
                    let step = ChartGeometry.shade(cells.shown(count) ?? 0, largest: largest, steps: Palette.ramp.count)
                    let r = Rect(x: labelWidth + cell.x, y: header + cell.y, width: cell.width, height: cell.height)
                    rect(&html, r, fill: Palette.ramp[step], stroke: true)
                    text(&html, x: r.x + r.width / 2, y: r.y + 17, anchor: "middle", fill: Palette.textOn[step], cells.text(count))
                }
            }
        }
    }

    /// Before → after as a Sankey diagram of a transition matrix.
    package static func sankey(
        _ html: inout HTMLWriter, title: String, left: [String], right: [String], counts: [[Int]], cells: SmallCells,
        table: DataTable
    ) {
        let nodeWidth = 12.0, gap = 10.0, plotHeight = 300.0
        let inner = width - 2 * labelWidth
        // Small cells are drawn as nothing, as they are shown as nothing.
        let drawn = counts.map { $0.map { cells.shown($0) ?? 0 } }
        let layout = SankeyLayout(counts: drawn, width: inner, height: plotHeight, nodeWidth: nodeWidth, gap: gap)
        let height = plotHeight + gap * Double(max(left.count, right.count)) + 30
        let total = counts.flatMap { $0 }.reduce(0, +)
        figure(
            &html, title: title, summary: "\(total) patients from \(left.count) groups before to \(right.count) after; the table below gives each flow",
            height: height, table: table
        ) { html in
            html.open("g", [("transform", "translate(\(SVGNumber.text(labelWidth)),20)")])
            for ribbon in layout.ribbons {
                let step = Palette.step(min(ribbon.from, right.count - 1), of: max(left.count, 2))
                html.open("path", [("d", ribbon.path), ("fill", Palette.ramp[step]), ("fill-opacity", "0.6"), ("stroke", "#555"), ("stroke-width", "0.3")])
                html.element("title", "\(left[ribbon.from]) → \(right[ribbon.to]): \(cells.text(ribbon.count))")
                html.close("path")
            }
            for (index, node) in layout.left.enumerated() {
                rect(&html, node, fill: "#333")
                text(&html, x: -6, y: node.y + node.height / 2 + 4, anchor: "end", "\(left[index]) \(cells.text(counts[index].reduce(0, +)))")
            }
            for (index, node) in layout.right.enumerated() {
                rect(&html, node, fill: "#333")
                let count = counts.reduce(0) { $0 + (index < $1.count ? $1[index] : 0) }
                text(&html, x: node.x + node.width + 6, y: node.y + node.height / 2 + 4, "\(right[index]) \(cells.text(count))")
            }
            html.close("g")
        }
    }

    /// A curve in the unit square (the ROC curve), with the diagonal of chance.
    package static func curve(
        _ html: inout HTMLWriter, title: String, summary: String, points: [(x: Double, y: Double)], xLabel: String, yLabel: String,
        table: DataTable
    ) {
        let side = 300.0, left = 70.0, top = 10.0
        figure(&html, title: title, summary: summary, height: side + 60, table: table) { html in
            html.open("g", [("transform", "translate(\(SVGNumber.text(left)),\(SVGNumber.text(top)))")])
            rect(&html, Rect(x: 0, y: 0, width: side, height: side), fill: "#fff", stroke: true)
            html.open(
                "line", [("x1", "0"), ("y1", SVGNumber.text(side)), ("x2", SVGNumber.text(side)), ("y2", "0"), ("stroke", "#999"), ("stroke-dasharray", "4 4")])
            html.close("line")
            html.open(
                "polyline",
                [("points", ChartGeometry.polyline(points, width: side, height: side)), ("fill", "none"), ("stroke", Palette.ramp[4]), ("stroke-width", "2.5")])
            html.close("polyline")
            for tick in [0.0, 0.5, 1.0] {
                text(&html, x: tick * side, y: side + 16, anchor: "middle", SVGNumber.text(tick))
                text(&html, x: -6, y: side - tick * side + 4, anchor: "end", SVGNumber.text(tick))
            }
            text(&html, x: side / 2, y: side + 34, anchor: "middle", xLabel)
            text(&html, x: side + 12, y: 14, yLabel)
            html.close("g")
        }
    }

    /// A rate per group with its 95% interval: a point and a whisker per
    /// group on a 0–100% axis (event rate per tier; calibration by band).
    package static func rates(
        _ html: inout HTMLWriter, title: String, labels: [String], rates: [Double?], intervals: [(Double, Double)?], table: DataTable
    ) {
        let rowHeight = 26.0, plot = width - labelWidth - 40
        let height = Double(labels.count) * rowHeight + 30
        // The axis ends at the next tenth above the highest figure, so that
        // low rates are not squeezed against 0.
        let highest = (intervals.compactMap { $0?.1 } + rates.compactMap { $0 }).max() ?? 1
        let axis = min(1, max(0.1, (highest * 10).rounded(.up) / 10))
        let summary = zip(labels, rates).map { "\($0) \($1.map { percent($0) } ?? "hidden")" }.joined(separator: ", ")
        figure(&html, title: title, summary: summary, height: height, table: table) { html in
            for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
                let x = labelWidth + tick * plot
                html.open("line", [("x1", SVGNumber.text(x)), ("y1", "0"), ("x2", SVGNumber.text(x)), ("y2", SVGNumber.text(height - 20)), ("stroke", "#ddd")])
                html.close("line")
                text(&html, x: x, y: height - 6, anchor: "middle", percent(tick * axis))
            }
            for (index, label) in labels.enumerated() {
                let y = Double(index) * rowHeight + 17
                text(&html, x: labelWidth - 8, y: y + 4, anchor: "end", label)
                if let (low, high) = intervals[index] {
                    html.open(
                        "line",
                        [
                            ("x1", SVGNumber.text(labelWidth + low / axis * plot)), ("y1", SVGNumber.text(y)),
                            ("x2", SVGNumber.text(labelWidth + high / axis * plot)), ("y2", SVGNumber.text(y)), ("stroke", "#333"), ("stroke-width", "2"),
                        ])
                    html.close("line")
                }
                if let rate = rates[index] {
                    html.open(
                        "circle", [("cx", SVGNumber.text(labelWidth + rate / axis * plot)), ("cy", SVGNumber.text(y)), ("r", "5"), ("fill", Palette.ramp[4])])
                    html.close("circle")
                } else {
                    text(&html, x: labelWidth + 4, y: y + 4, "hidden (small cell)")
                }
            }
        }
    }

    /// Room for the longest label at about 7 units a character (12px
    /// text), between the default and half the chart.
    static func labelSpace(_ labels: [String]) -> Double {
        let longest = Double(labels.map(\.count).max() ?? 0)
        return min(width / 2, max(labelWidth, longest * 7 + 12))
    }

    package static func percent(_ value: Double) -> String {
        NumberText.fixed(value * 100, decimals: 1, trimZeros: true) + "%"
    }
}
