import Testing
@testable import StratifyCore

@Suite("ISO dates")
struct ISODateTests {
    @Test func knownDays() {
        let cases: [(String, Int)] = [
            ("1970-01-01", 0), ("1969-12-31", -1), ("1970-01-02", 1),
            ("1900-01-01", -25567), ("2000-02-29", 11016), ("2000-03-01", 11017),
            ("2100-12-31", 47846), ("0000-01-01", -719528), ("9999-12-31", 2932896),
            ("2026-11-13", 20770),
        ]
        for (text, days) in cases {
            #expect(ISODate.parse(text) == days, "\(text)")
            #expect(ISODate.format(daysSince1970: days) == text, "\(days)")
        }
    }

    @Test func invalidDates() {
        for text in [
            "2025-02-29", "2025-13-01", "2025-1-01", "2025-01-1", "2025-00-10", "2025-01-00",
            "2025-04-31", "1900-02-29", "2100-02-29", "2025/01/01", "25-01-01", "02025-01-01",
            " 2025-01-01", "2025-01-01 ", "2025-01-01T00:00", "", "abcd-ef-gh", "+025-01-01", "2025-0a-01",
        ] {
            #expect(ISODate.parse(text) == nil, "\(text)")
        }
        #expect(ISODate.parse("2024-02-29") != nil)
        #expect(ISODate.parse("2000-02-29") != nil)
    }

    @Test func roundTripOverFourCenturies() {
        // Every day from 1800 to 2200 (both leap-year rules) both ways.
        var previous: (year: Int, month: Int, day: Int)? = nil
        let start = ISODate.daysFromCivil(year: 1800, month: 1, day: 1)
        let end = ISODate.daysFromCivil(year: 2200, month: 12, day: 31)
        for d in start...end {
            let c = ISODate.civilFromDays(d)
            #expect(ISODate.daysFromCivil(year: c.year, month: c.month, day: c.day) == d)
            if let p = previous {
                let nextDay =
                    p.day < ISODate.daysInMonth(year: p.year, month: p.month)
                    ? (p.year, p.month, p.day + 1)
                    : p.month < 12 ? (p.year, p.month + 1, 1) : (p.year + 1, 1, 1)
                #expect(nextDay == c)
            }
            previous = c
        }
    }

    @Test func yearsOutsideFourDigits() {
        #expect(ISODate.format(daysSince1970: ISODate.daysFromCivil(year: -1, month: 3, day: 4)) == "-0001-03-04")
        #expect(ISODate.format(daysSince1970: ISODate.daysFromCivil(year: 12345, month: 6, day: 7)) == "12345-06-07")
    }

    @Test func writeStaysWithinMaxBytesAtTheExtremes() {
        // |days| < 2^52 is the documented range; its ends have the longest years.
        for days in [(1 << 52) - 1, -(1 << 52) + 1, 0, -1] {
            let text = ISODate.format(daysSince1970: days)
            #expect(text.utf8.count <= ISODate.maxBytes, "\(days)")
            let civil = ISODate.civilFromDays(days)
            let month = civil.month < 10 ? "0\(civil.month)" : "\(civil.month)"
            let day = civil.day < 10 ? "0\(civil.day)" : "\(civil.day)"
            let year = civil.year.magnitude < 1000 ? String(String(1000 + civil.year.magnitude).dropFirst()) : "\(civil.year.magnitude)"
            #expect(text == "\(civil.year < 0 ? "-" : "")\(year)-\(month)-\(day)", "\(days)")
        }
        #expect(ISODate.format(daysSince1970: -(1 << 52) + 1).hasPrefix("-"))
    }
}
