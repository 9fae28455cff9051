import StratifyCore
import StratifyIO

/// A rectangle in SVG user units.
package struct Rect: Sendable, Equatable {
    package var x: Double
    package var y: Double
    package var width: Double
    package var height: Double

    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Coordinates as SVG text: one decimal, so that the same numbers always
/// give the same bytes (and the file stays small).
package enum SVGNumber {
    /// `12.25` → `12.3`, `12.0` → `12`.
    package static func text(_ value: Double) -> String {
        let text = NumberText.fixed(value.isFinite ? value : 0, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

/// The geometry of every chart, apart from any HTML: numbers in, shapes out.
package enum ChartGeometry {
    /// Horizontal bars, one per value, top to bottom, each `barHeight` high
    /// with `gap` between; the longest is `width` long. With `centred`, the
    /// bars are centred on `width / 2` (a pyramid); otherwise they start at 0.
    /// A nil value (a suppressed count) gets a bar of width 0.
    package static func bars(_ values: [Int?], width: Double, barHeight: Double, gap: Double, centred: Bool) -> [Rect] {
        let largest = values.compactMap { $0 }.max() ?? 0
        return values.enumerated().map { index, value in
            let length = largest > 0 ? width * Double(value ?? 0) / Double(largest) : 0
            let y = Double(index) * (barHeight + gap)
            return Rect(x: centred ? (width - length) / 2 : 0, y: y, width: length, height: barHeight)
        }
    }

    /// The cells of a rows × columns grid, row by row.
    package static func grid(rows: Int, columns: Int, cellWidth: Double, cellHeight: Double) -> [[Rect]] {
        (0..<rows).map { row in
            (0..<columns).map { column in
                Rect(x: Double(column) * cellWidth, y: Double(row) * cellHeight, width: cellWidth, height: cellHeight)
            }
        }
    }

    /// The step of a sequential palette of `steps` colours for `value`
    /// against `largest`: 0 for nothing, `steps - 1` for the largest.
    package static func shade(_ value: Int, largest: Int, steps: Int) -> Int {
        guard largest > 0, value > 0, steps > 1 else { return 0 }
        return min(steps - 1, max(1, Int((Double(value) / Double(largest) * Double(steps - 1)).rounded(.up))))
    }

    /// Points in the unit square (x right, y up) as an SVG `points` list in
    /// a `width` × `height` box (y down).
    package static func polyline(_ points: [(x: Double, y: Double)], width: Double, height: Double) -> String {
        points.map { "\(SVGNumber.text($0.x * width)),\(SVGNumber.text(height - $0.y * height))" }.joined(separator: " ")
    }

    /// A point of the unit square in the box, as for ``polyline(_:width:height:)``.
    package static func point(x: Double, y: Double, width: Double, height: Double) -> (x: Double, y: Double) {
        (x * width, height - y * height)
    }
}

/// A score on its tier bands: one segment per band along a line, and the
/// score's place on it. The last band is open above; it is drawn as wide as
/// the band before it (at least 2 points), or to just past the score.
package struct BandScaleLayout: Sendable, Equatable {
    package var segments: [Rect]
    package var marker: Double
    /// The score at the right end of the line.
    package var end: Int

    /// - Parameter bands: lower bounds, lowest first (each band runs to the next).
    package init(lowers: [Int], score: Int, width: Double, height: Double) {
        let start = min(lowers.first ?? 0, score)
        let lastWidth = lowers.count > 1 ? max(2, lowers[lowers.count - 1] - lowers[lowers.count - 2]) : 2
        let end = max((lowers.last ?? 0) + lastWidth, score + 1)
        self.end = end
        let span = Double(max(1, end - start))
        func x(_ value: Int) -> Double { width * Double(value - start) / span }
        segments = lowers.enumerated().map { index, lower in
            let upper = index + 1 < lowers.count ? lowers[index + 1] : end
            let left = x(index == 0 ? start : lower)
            return Rect(x: left, y: 0, width: x(upper) - left, height: height)
        }
        marker = x(score) + (x(score + 1) - x(score)) / 2
    }
}

/// A Sankey diagram of a transition matrix: a column of nodes for the rows
/// (before), a column for the columns (after), and a ribbon per non-empty
/// cell whose thickness is its count.
package struct SankeyLayout: Sendable, Equatable {
    package struct Ribbon: Sendable, Equatable {
        package var from: Int
        package var to: Int
        package var count: Int
        /// The SVG path of the ribbon's outline.
        package var path: String
    }

    package var left: [Rect]
    package var right: [Rect]
    package var ribbons: [Ribbon]

    /// - Parameters:
    ///   - counts: rows (left nodes) × columns (right nodes).
    ///   - height: the space for nodes; `gap` between nodes comes on top.
    package init(counts: [[Int]], width: Double, height: Double, nodeWidth: Double, gap: Double) {
        let rowTotals = counts.map { $0.reduce(0, +) }
        let columnCount = counts.map(\.count).max() ?? 0
        let columnTotals = (0..<columnCount).map { column in counts.reduce(0) { $0 + (column < $1.count ? $1[column] : 0) } }
        let total = rowTotals.reduce(0, +)
        let scale = total > 0 ? height / Double(total) : 0
        func stack(_ totals: [Int], x: Double) -> [Rect] {
            var y = 0.0
            return totals.map { value in
                let rect = Rect(x: x, y: y, width: nodeWidth, height: Double(value) * scale)
                y += rect.height + gap
                return rect
            }
        }
        left = stack(rowTotals, x: 0)
        right = stack(columnTotals, x: width - nodeWidth)
        // Ribbons leave each left node in column order and reach each right
        // node in row order, so that they do not overlap within a node.
        var leftOffset = left.map(\.y)
        var rightOffset = right.map(\.y)
        var ribbons: [Ribbon] = []
        let x0 = nodeWidth, x1 = width - nodeWidth, middle = width / 2
        for (row, cells) in counts.enumerated() {
            for (column, count) in cells.enumerated() where count > 0 {
                let thickness = Double(count) * scale
                let a = leftOffset[row], b = rightOffset[column]
                leftOffset[row] += thickness
                rightOffset[column] += thickness
                let t = SVGNumber.text
                let path =
                    "M\(t(x0)),\(t(a))C\(t(middle)),\(t(a)) \(t(middle)),\(t(b)) \(t(x1)),\(t(b))"
                    + "V\(t(b + thickness))C\(t(middle)),\(t(b + thickness)) \(t(middle)),\(t(a + thickness)) \(t(x0)),\(t(a + thickness))Z"
                ribbons.append(Ribbon(from: row, to: column, count: count, path: path))
            }
        }
        self.ribbons = ribbons
    }
}
