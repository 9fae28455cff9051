import Testing
@testable import StratifyCore

/// The three forms numbers are written in, at their edges: whole numbers,
/// the 2^53 limit, huge and tiny magnitudes, negative zero, infinities.
@Suite struct NumberTextTests {
    @Test(arguments: [
        (3.0, "3"), (-2.5, "-2.5"), (0.1, "0.1"), (-0.0, "0"),
        (9_007_199_254_740_991, "9007199254740991"),
        (9_007_199_254_740_992, "9007199254740992.0"),
        (1e300, "1e+300"), (-1e300, "-1e+300"),
        (Double.infinity, "∞"), (-Double.infinity, "-∞"),
    ])
    func plain(value: Double, text: String) {
        #expect(NumberText.plain(value) == text)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (42.0, "42"), (-7.0, "-7"), (0.1, "0.1"), (-0.5, "-0.5"),
        (123456.123456, "123456.123456"), (1.0 / 3.0, "0.3333333333333333"),
        (1e-7, "1e-07"), (2.5e20, "2.5e+20"), (-1.2345678901234568e-300, "-1.2345678901234568e-300"),
    ])
    func shortest(value: Double, text: String) {
        #expect(NumberText.shortest(value) == text)
        #expect(text.utf8.count <= NumberText.maxBytes)
        // What it writes reads back as the same number.
        #expect(Double(text) == value || (value == 0 && Double(text) == 0))
    }

    @Test func fixedRoundsHalfAwayFromZeroAndNeverWritesMinusZero() {
        #expect(NumberText.fixed(2.25, decimals: 1) == "2.3")
        #expect(NumberText.fixed(0.05, decimals: 1) == "0.1")
        #expect(NumberText.fixed(-1.26, decimals: 1) == "-1.3")
        #expect(NumberText.fixed(-0.04, decimals: 1) == "0.0")
        #expect(NumberText.fixed(3, decimals: 1) == "3.0")
        #expect(NumberText.fixed(2.5, decimals: 0) == "3")
        #expect(NumberText.fixed(-2.5, decimals: 0) == "-3")
        #expect(NumberText.fixed(-0.4, decimals: 0) == "0")
        #expect(NumberText.fixed(1e300, decimals: 0) == "1e+300")
        #expect(NumberText.fixed(0.5, decimals: 4, trimZeros: true) == "0.5")
        #expect(NumberText.fixed(3, decimals: 4, trimZeros: true) == "3.0")
        #expect(NumberText.fixed(-0.00004, decimals: 4, trimZeros: true) == "0.0")
        #expect(NumberText.fixed(1.23456, decimals: 4, trimZeros: true) == "1.2346")
        // Past 2^53 once scaled, the plain form: never a trap.
        #expect(NumberText.fixed(1e300, decimals: 4) == "1e+300")
    }
}
