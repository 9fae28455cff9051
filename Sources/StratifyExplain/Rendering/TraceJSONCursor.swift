import StratifyCore
import StratifyIO

/// Where the JSON trace writer puts its next byte: a raw pointer into an
/// `OutputBuffer`'s reserved space (`OutputBuffer.cursor(reserving:)`), so
/// that each copy and number is a few instructions with no call and no
/// capacity check. What is written must fit before `limit`, which the
/// writer checks against the layout's bounds (`reserve`); copies and words
/// may write up to `overrun` bytes past their end, which the reservation
/// includes.
///
/// Keep a cursor in a local variable while writing (not in a property of
/// an `inout` value), so that the compiler keeps `p` in a register.
struct TraceJSONCursor {
    var p: UnsafeMutablePointer<UInt8>
    var limit: UnsafeMutablePointer<UInt8>

    static let overrun = 32

    /// Starts writing at the end of `out`, with room for `count` bytes.
    init(_ out: OutputBuffer, reserving count: Int) {
        p = out.cursor(reserving: count &+ Self.overrun)
        limit = p + count
    }

    /// Makes room for `count` more bytes, keeping what was written.
    @inline(__always)
    mutating func reserve(_ count: Int, in out: OutputBuffer) {
        if limit - p < count { moveOn(count, in: out) }
    }

    mutating func moveOn(_ count: Int, in out: OutputBuffer) {
        out.commit(end: p)
        self = TraceJSONCursor(out, reserving: count)
    }

    /// Keeps what was written; checks that it stayed within the bounds.
    func commit(to out: OutputBuffer) {
        precondition(p <= limit, "trace JSON bound exceeded")
        out.commit(end: p)
    }

    /// Copies `count` bytes from `source`, which must be readable 32 bytes
    /// past its end (the arena is padded).
    @inline(__always)
    mutating func copy(_ source: UnsafeRawPointer, _ count: Int) {
        let destination = UnsafeMutableRawPointer(p)
        var offset = 0
        repeat {
            let a = source.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
            let b = source.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD16<UInt8>.self)
            destination.storeBytes(of: a, toByteOffset: offset, as: SIMD16<UInt8>.self)
            destination.storeBytes(of: b, toByteOffset: offset &+ 16, as: SIMD16<UInt8>.self)
            offset &+= 32
        } while offset < count
        p += count
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        p.pointee = value
        p += 1
    }

    /// Up to 8 bytes of a literal as one store: `word` holds them in
    /// memory order.
    @inline(__always)
    mutating func word(_ word: UInt64, count: Int) {
        UnsafeMutableRawPointer(p).storeBytes(of: word.littleEndian, as: UInt64.self)
        p += count
    }

    @inline(__always) mutating func null() { word(0x6C6C_756E, count: 4) }
    @inline(__always) mutating func boolean(_ value: Bool) {
        if value { word(0x6575_7274, count: 4) } else { word(0x65_736C_6166, count: 5) }
    }

    /// Most integers in a trace are below 100.
    @inline(__always)
    mutating func integer(_ value: Int) {
        let magnitude = UInt(bitPattern: value)
        if magnitude < 10 {
            p.pointee = 0x30 &+ UInt8(truncatingIfNeeded: magnitude)
            p += 1
        } else if magnitude < 100 {
            let (tens, ones) = magnitude.quotientAndRemainder(dividingBy: 10)
            p[0] = 0x30 &+ UInt8(truncatingIfNeeded: tens)
            p[1] = 0x30 &+ UInt8(truncatingIfNeeded: ones)
            p += 2
        } else {
            anyInteger(value)
        }
    }

    /// Any `Int`, `-` for negatives; at most 20 bytes.
    mutating func anyInteger(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { byte(0x2D) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var index = digits
        repeat {
            index -= 1
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
            p[index] = 0x30 &+ UInt8(truncatingIfNeeded: remainder)
            magnitude = quotient
        } while magnitude > 0
        p += digits
    }

    /// A number in the JSON form of `NumberText.write`. At most 24 bytes.
    mutating func number(_ value: Double) {
        p = NumberText.write(value, to: p)
    }

    /// `"YYYY-MM-DD"`, quotes included (proleptic Gregorian; years outside
    /// 0…9999 as `ISODate.format` writes them). At most 24 bytes.
    mutating func date(daysSince1970 days: Int) {
        let (year, month, day) = ISODate.civilFromDays(days)
        byte(0x22)
        if year >= 0 && year <= 9999 {
            p[0] = 0x30 &+ UInt8(truncatingIfNeeded: year / 1000)
            p[1] = 0x30 &+ UInt8(truncatingIfNeeded: year / 100 % 10)
            p[2] = 0x30 &+ UInt8(truncatingIfNeeded: year / 10 % 10)
            p[3] = 0x30 &+ UInt8(truncatingIfNeeded: year % 10)
            p += 4
        } else {
            if year < 0 { byte(0x2D) }
            let magnitude = Int(year.magnitude)
            for threshold in [1000, 100, 10] where magnitude < threshold { byte(0x30) }
            anyInteger(magnitude)
        }
        p[0] = 0x2D
        p[1] = 0x30 &+ UInt8(truncatingIfNeeded: month / 10)
        p[2] = 0x30 &+ UInt8(truncatingIfNeeded: month % 10)
        p[3] = 0x2D
        p[4] = 0x30 &+ UInt8(truncatingIfNeeded: day / 10)
        p[5] = 0x30 &+ UInt8(truncatingIfNeeded: day % 10)
        p[6] = 0x22
        p += 7
    }

    /// A JSON string literal of `bytes`, quotes included: at most
    /// `6 × count + 2` bytes.
    mutating func string(_ bytes: UnsafeRawBufferPointer) {
        byte(0x22)
        let hex: StaticString = "0123456789abcdef"
        let digits = hex.utf8Start
        for b in bytes {
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                byte(b)
                continue
            }
            byte(0x5C)
            switch b {
            case 0x22: byte(0x22)
            case 0x5C: byte(0x5C)
            case 0x0A: byte(0x6E)
            case 0x0D: byte(0x72)
            case 0x09: byte(0x74)
            case 0x08: byte(0x62)
            case 0x0C: byte(0x66)
            default:
                byte(0x75)
                byte(0x30)
                byte(0x30)
                byte(digits[Int(b >> 4)])
                byte(digits[Int(b & 15)])
            }
        }
        byte(0x22)
    }
}
