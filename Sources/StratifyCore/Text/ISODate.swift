/// Calendar dates as day counts since 1970-01-01 (day 0), in the proleptic
/// Gregorian calendar, using Howard Hinnant's `days_from_civil` and
/// `civil_from_days` algorithms (exact for every Int-sized year range we
/// can meet, no tables, no Foundation).
public enum ISODate {
    /// Whether `year` is a Gregorian leap year.
    @inlinable
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in `month` (1…12) of `year`.
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a (valid) civil date.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400  // [0, 399]
        let mp = month > 2 ? month - 3 : month + 9  // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1  // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy  // [0, 146096]
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097  // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  // [0, 365]
        let mp = (5 * doy + 2) / 153  // [0, 11]
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD` (4-digit year 0000…9999, 2-digit month
    /// and day, a real calendar date, leap years included) into days since
    /// 1970-01-01. Anything else (`2025-1-01`, `2025-02-29`, `2025-13-01`,
    /// surrounding spaces, a time part) is nil.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = bytes[i] &- 0x30
            return d < 10 ? Int(d) : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
            let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
        else { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1
        let day = d0 * 10 + d1
        guard month >= 1 && month <= 12, day >= 1 && day <= daysInMonth(year: year, month: month) else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    /// ``parse(_:)`` for a string.
    public static func parse(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The most bytes ``write(daysSince1970:to:)`` writes: a sign, a
    /// 20-digit year and `-MM-DD`.
    public static let maxBytes = 27

    /// Writes the day count since 1970-01-01 as `YYYY-MM-DD` (proleptic
    /// Gregorian) at `p`, which has room for ``maxBytes``, and returns the
    /// end. Years outside 0…9999 get a `-` sign and/or more digits
    /// (`-0001-01-01`, `10000-01-01`). Valid for |days| < 2^52.
    public static func write(daysSince1970 days: Int, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let (year, month, day) = civilFromDays(days)
        var q = p
        if year >= 0 && year <= 9999 {
            // The common case, on the hot path of every scored record.
            q[0] = 0x30 + UInt8(year / 1000)
            q[1] = 0x30 + UInt8(year / 100 % 10)
            q[2] = 0x30 + UInt8(year / 10 % 10)
            q[3] = 0x30 + UInt8(year % 10)
            q += 4
        } else {
            if year < 0 {
                q.pointee = UInt8(ascii: "-")
                q += 1
            }
            // At least four digits: zero-padded below 1000.
            let magnitude = Int(year.magnitude)
            if magnitude < 1000 {
                q.pointee = UInt8(ascii: "0")
                q += 1
            }
            if magnitude < 100 {
                q.pointee = UInt8(ascii: "0")
                q += 1
            }
            if magnitude < 10 {
                q.pointee = UInt8(ascii: "0")
                q += 1
            }
            q = NumberText.writeDecimal(magnitude, at: q)
        }
        q[0] = UInt8(ascii: "-")
        q[1] = 0x30 + UInt8(month / 10)
        q[2] = 0x30 + UInt8(month % 10)
        q[3] = UInt8(ascii: "-")
        q[4] = 0x30 + UInt8(day / 10)
        q[5] = 0x30 + UInt8(day % 10)
        return q + 6
    }

    /// The `YYYY-MM-DD` text of a day count (see ``write(daysSince1970:to:)``
    /// for years outside 0…9999).
    public static func format(daysSince1970 days: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { buffer in
            let start = buffer.baseAddress!
            let end = write(daysSince1970: days, to: start)
            return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        }
    }
}
