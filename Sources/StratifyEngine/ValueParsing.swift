import StratifyCore
import StratifyIO

/// Byte-level parsers for intake values: no `String`, no allocation.
@usableFromInline
package enum ValueParsing {
    @inlinable @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// `-?[0-9]+`, at most 15 digits (exact in a Double).
    @inlinable @inline(__always)
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        let digits = bytes.count - index
        guard digits > 0, digits <= 15 else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
            index += 1
        }
        return Double(negative ? -value : value)
    }

    /// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`; no infinities, no NaN.
    @usableFromInline
    package static func number(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if let integer = integer(bytes) { return integer }
        var index = 0
        if bytes[0] == UInt8(ascii: "-") { index = 1 }
        var mantissa = 0
        var significant = 0
        var scale = 0
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) {
            if significant < 18 {
                mantissa = mantissa * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                if mantissa > 0 { significant += 1 }
            } else {
                scale += 1
            }
            index += 1
        }
        guard index > integerStart else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                if significant < 18 {
                    mantissa = mantissa * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    if mantissa > 0 { significant += 1 }
                    scale -= 1
                }
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            var exponent = 0
            while index < bytes.count, isDigit(bytes[index]) {
                exponent = min(exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 100_000)
                index += 1
            }
            guard index > exponentStart else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard index == bytes.count else { return nil }
        // Exact for up to 15 significant digits and |scale| <= 22 (Clinger's
        // fast path); otherwise the standard library parses the text.
        var value: Double
        if significant <= 15, scale.magnitude <= 22 {
            value = Double(mantissa)
            value = scale < 0 ? value / powersOfTen[-scale] : value * powersOfTen[scale]
        } else {
            guard let parsed = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
            value = parsed
        }
        guard value.isFinite else { return nil }
        return bytes[0] == UInt8(ascii: "-") && value > 0 ? -value : value
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The bytes of a value of 1 to 8 bytes as one little-endian word, zero
    /// padded, with ASCII capitals made lower case: matching a short value
    /// in any case is then one comparison. Reads only the value's bytes.
    @inlinable @inline(__always)
    static func lowercasedWord(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        let p = bytes.baseAddress!
        var word: UInt64
        if count >= 4 {
            // Two overlapping 4-byte loads: the bytes they share are equal.
            let head = UInt64(p.loadUnaligned(as: UInt32.self))
            let tail = UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            word = head | tail << UInt64(8 * (count - 4))
        } else {
            word = UInt64(p.load(as: UInt8.self))
            if count > 1 { word |= UInt64(p.load(fromByteOffset: 1, as: UInt8.self)) << 8 }
            if count > 2 { word |= UInt64(p.load(fromByteOffset: 2, as: UInt8.self)) << 16 }
        }
        // A byte is a capital when its low 7 bits are at least "A" and at
        // most "Z" and its top bit is clear; each gets 0x20 added.
        let low7 = word & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = low7 &+ 0x3F3F_3F3F_3F3F_3F3F  // 0x80 - 0x41
        let pastZ = low7 &+ 0x2525_2525_2525_2525  // 0x80 - 0x5B
        let capitals = atLeastA & ~pastZ & ~word & 0x8080_8080_8080_8080
        return word | capitals >> 2
    }

    /// true/false, yes/no, 1/0, in any case.
    @inlinable @inline(__always)
    package static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard bytes.count >= 1 && bytes.count <= 5 else { return nil }
        // The length goes in the top byte, so that a word padded with
        // zeros matches only a value of its own length.
        switch lowercasedWord(bytes) | UInt64(bytes.count) << 56 {
        case 0x0400_0000_6575_7274, 0x0300_0000_0073_6579, 0x0100_0000_0000_0031: return true  // true, yes, 1
        case 0x0500_0065_736C_6166, 0x0200_0000_0000_6F6E, 0x0100_0000_0000_0030: return false  // false, no, 0
        default: return nil
        }
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    @inlinable @inline(__always)
    static func date(_ bytes: UnsafeRawBufferPointer) -> Int? {
        ISODate.parse(bytes)
    }
}
