import Testing
@testable import StratifyReport

@Suite struct ReportHTMLTests {
    @Test func escapesTextAndAttributes() {
        #expect(htmlEscaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        var html = HTMLWriter()
        html.element("td", [("data-key", "x\"y")], "<1")
        #expect(html.text == "<td data-key=\"x&quot;y\">&lt;1</td>")
    }

    @Test func smallCellsHideOneToTen() {
        let cells = SmallCells(minCell: 11)
        #expect(cells.text(0) == "0")
        #expect(cells.text(10) == "<11")
        #expect(cells.text(11) == "11")
        #expect(cells.attributes(3).first! == ("data-suppressed", "true"))
        #expect(SmallCells(minCell: 0).text(1) == "1")
    }

    @Test func everyChartHasATitleALabelAndItsTable() {
        var html = HTMLWriter()
        Charts.bars(
            &html, title: "Patients per tier", labels: ["high", "low"], counts: [12, 3], cells: SmallCells(minCell: 11),
            table: DataTable(header: ["Tier", "Patients"], rows: [DataTable.Row(["high", "12"]), DataTable.Row(["low", "<11"])]))
        let text = html.text
        #expect(text.contains("role=\"img\" aria-label=\"Patients per tier: high 12, low &lt;11\""))
        #expect(text.contains("<title>Patients per tier</title>"))
        #expect(text.contains("<details><summary>The numbers (table)</summary><table>"))
        // The hidden count draws no bar.
        #expect(text.contains("width=\"0\""))
    }

    @Test func tiersTakeDarkerStepsUpTheScale() {
        #expect((0..<4).map { Palette.step($0, of: 4) } == [1, 2, 3, 4])
        #expect(Palette.step(0, of: 1) == 4)
    }
}
