/// Numbers as text, in the three forms stratify writes them, each written
/// once here and tested at its edges (`NumberTextTests`).
///
/// One guard for "is it a whole number": `value == value.rounded()` and a
/// magnitude below 2^53, below which every whole `Double` is exactly an
/// `Int`; beyond it (or for a fraction) the number is written as Swift
/// writes it, which never traps.
public enum NumberText {
    /// 2^53: every whole `Double` below this magnitude converts to `Int` exactly.
    public static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// The most bytes ``write(_:to:)`` writes.
    public static let maxBytes = 24

    /// The one guard for "is it a whole number that fits an `Int`".
    public static func isWhole(_ value: Double) -> Bool {
        value == value.rounded() && value.magnitude < exactIntegerLimit
    }

    /// For messages and reports: a whole number without a fraction (`3`),
    /// infinities as `∞` and `-∞`, anything else as Swift writes it (`2.5`).
    public static func plain(_ value: Double) -> String {
        if value.isInfinite { return value < 0 ? "-∞" : "∞" }
        return isWhole(value) ? String(Int(value)) : String(value)
    }

    /// The JSON form: the shortest of a few decimal forms that reads back as
    /// exactly `value` (whole numbers without a fraction, else up to six
    /// decimals, else Swift's own shortest form). Writes at most
    /// ``maxBytes`` bytes at `p` and returns where it stopped.
    public static func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if isWhole(value) { return writeDecimal(Int(value), at: p) }
        var scale = 1.0
        for decimals in 1...6 {
            scale *= 10
            let scaled = (value * scale).rounded()
            // Both sides are correctly rounded, so equality means the decimal
            // scaled / 10^decimals reads back as `value`.
            guard scaled.magnitude < exactIntegerLimit else { break }
            if scaled / scale == value {
                let whole = Int(scaled)
                var magnitude = whole.magnitude
                let divisor = UInt(scale)
                var q = p
                if whole < 0 {
                    q.pointee = UInt8(ascii: "-")
                    q += 1
                }
                q = writeDecimal(Int(magnitude / divisor), at: q)
                q.pointee = UInt8(ascii: ".")
                q += 1
                magnitude %= divisor
                for index in stride(from: decimals - 1, through: 0, by: -1) {
                    q[index] = 0x30 &+ UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                }
                return q + decimals
            }
        }
        var text = String(value)
        return text.withUTF8 { bytes in
            p.update(from: bytes.baseAddress!, count: bytes.count)
            return p + bytes.count
        }
    }

    /// ``write(_:to:)`` as a `String`.
    public static func shortest(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { buffer in
            let end = write(value, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: end - buffer.baseAddress!), as: UTF8.self)
        }
    }

    /// Rounded to `decimals` places (half away from zero; 0 for a whole
    /// number), never an exponent or `-0`: `2.25` → `2.3` with one decimal. With `trimZeros`, trailing
    /// zeros go but one decimal stays (`0.5000` → `0.5`, `3.0000` → `3.0`).
    public static func fixed(_ value: Double, decimals: Int, trimZeros: Bool = false) -> String {
        precondition(decimals >= 0 && decimals <= 9, "0 to 9 decimals")
        let scale = (0..<decimals).reduce(1.0) { value, _ in value * 10 }
        let scaled = (value * scale).rounded()
        guard scaled.magnitude < exactIntegerLimit else { return plain(value) }
        let units = Int(scaled)
        if decimals == 0 { return String(units) }
        let divisor = Int(scale)
        var fraction = String(units.magnitude % UInt(divisor))
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        if trimZeros {
            while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        }
        return "\(units < 0 ? "-" : "")\(units.magnitude / UInt(divisor)).\(fraction)"
    }

    /// Writes `value` in decimal at `p`, which has room for 20 bytes, and
    /// returns the end: for writers that keep their own cursor.
    @inlinable @inline(__always)
    public static func writeDecimal(_ value: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Scores and counts are mostly one or two digits.
        if value >= 0 && value < 10 {
            p.pointee = 0x30 &+ UInt8(truncatingIfNeeded: value)
            return p + 1
        }
        if value >= 10 && value < 100 {
            p[0] = 0x30 &+ UInt8(truncatingIfNeeded: value / 10)
            p[1] = 0x30 &+ UInt8(truncatingIfNeeded: value % 10)
            return p + 2
        }
        var q = p
        if value < 0 {
            q.pointee = 0x2D
            q += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let end = q + digits
        var j = end
        repeat {
            j -= 1
            j.pointee = 0x30 &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        return end
    }

}
