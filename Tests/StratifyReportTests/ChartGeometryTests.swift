import Testing
@testable import StratifyReport

@Suite struct ChartGeometryTests {
    @Test func barsScaleToTheLongestAndStackDown() {
        let bars = ChartGeometry.bars([50, 100, nil, 0], width: 200, barHeight: 10, gap: 2, centred: false)
        #expect(bars.map(\.width) == [100, 200, 0, 0])
        #expect(bars.map(\.y) == [0, 12, 24, 36])
        #expect(bars.allSatisfy { $0.x == 0 && $0.height == 10 })
    }

    @Test func aPyramidCentresEachBar() {
        let bars = ChartGeometry.bars([100, 50], width: 200, barHeight: 10, gap: 0, centred: true)
        #expect(bars[0] == Rect(x: 0, y: 0, width: 200, height: 10))
        #expect(bars[1] == Rect(x: 50, y: 10, width: 100, height: 10))
    }

    @Test func noCountsGiveEmptyBars() {
        #expect(ChartGeometry.bars([nil, 0], width: 200, barHeight: 10, gap: 0, centred: true).map(\.width) == [0, 0])
    }

    @Test func gridCellsTileRowByRow() {
        let grid = ChartGeometry.grid(rows: 2, columns: 3, cellWidth: 10, cellHeight: 5)
        #expect(grid.count == 2 && grid[0].count == 3)
        #expect(grid[1][2] == Rect(x: 20, y: 5, width: 10, height: 5))
    }

    @Test func shadesRunFromEmptyToTheLargest() {
        #expect(ChartGeometry.shade(0, largest: 100, steps: 5) == 0)
        #expect(ChartGeometry.shade(1, largest: 100, steps: 5) == 1)
        #expect(ChartGeometry.shade(50, largest: 100, steps: 5) == 2)
        #expect(ChartGeometry.shade(100, largest: 100, steps: 5) == 4)
        #expect(ChartGeometry.shade(5, largest: 0, steps: 5) == 0)
    }

    @Test func polylineFlipsTheVerticalAxis() {
        let text = ChartGeometry.polyline([(0, 0), (0.5, 0.25), (1, 1)], width: 200, height: 100)
        #expect(text == "0,100 100,75 200,0")
    }

    @Test func coordinatesHaveOneDecimal() {
        #expect(SVGNumber.text(1.0 / 3) == "0.3")
        #expect(SVGNumber.text(12) == "12")
        #expect(SVGNumber.text(.nan) == "0")
    }

    @Test func sankeyNodesAreProportionalAndRibbonsFillThem() {
        // 30 stay low, 10 go low → high, 60 stay high.
        let sankey = SankeyLayout(counts: [[30, 10], [0, 60]], width: 300, height: 100, nodeWidth: 10, gap: 5)
        #expect(sankey.left == [Rect(x: 0, y: 0, width: 10, height: 40), Rect(x: 0, y: 45, width: 10, height: 60)])
        #expect(sankey.right == [Rect(x: 290, y: 0, width: 10, height: 30), Rect(x: 290, y: 35, width: 10, height: 70)])
        #expect(sankey.ribbons.map(\.count) == [30, 10, 60])
        #expect(sankey.ribbons.map(\.from) == [0, 0, 1])
        #expect(sankey.ribbons.map(\.to) == [0, 1, 1])
        // low → high leaves the low node below the 30 that stay, and reaches the
        // high node at its top (it comes before row 1's ribbon).
        #expect(sankey.ribbons[1].path == "M10,30C150,30 150,35 290,35V45C150,45 150,40 10,40Z")
    }

    @Test func anEmptyMatrixHasNoRibbons() {
        let sankey = SankeyLayout(counts: [[0]], width: 100, height: 50, nodeWidth: 5, gap: 2)
        #expect(sankey.ribbons.isEmpty)
        #expect(sankey.left[0].height == 0)
    }

    @Test func aScoreSitsInItsBand() {
        // Bands 0–2, 3–5, 6+; score 4.
        let scale = BandScaleLayout(lowers: [0, 3, 6], score: 4, width: 90, height: 10)
        #expect(scale.end == 9)
        #expect(scale.segments.map(\.x) == [0, 30, 60])
        #expect(scale.segments.map(\.width) == [30, 30, 30])
        #expect(scale.marker == 45)
    }

    @Test func aScoreBeyondTheLastBandWidensTheLine() {
        let scale = BandScaleLayout(lowers: [0, 3, 6], score: 19, width: 200, height: 10)
        #expect(scale.end == 20)
        #expect(scale.segments.last == Rect(x: 60, y: 0, width: 140, height: 10))
    }
}
