import StratifyIO

/// Byte-level parsers for intake values: no `String`, no allocation.
@usableFromInline
enum ValueParsing {
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
    static func number(_ bytes: UnsafeRawBufferPointer) -> Double? {
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

    /// true/false, yes/no, 1/0, in any case.
    @inlinable @inline(__always)
    static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        switch bytes.count {
        case 1:
            if bytes[0] == UInt8(ascii: "1") { return true }
            if bytes[0] == UInt8(ascii: "0") { return false }
        case 2:
            if lowerEquals(bytes, "no") { return false }
        case 3:
            if lowerEquals(bytes, "yes") { return true }
        case 4:
            if lowerEquals(bytes, "true") { return true }
        case 5:
            if lowerEquals(bytes, "false") { return false }
        default:
            break
        }
        return nil
    }

    @inlinable @inline(__always)
    static func lowerEquals(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let pointer = word.utf8Start
        for index in 0..<bytes.count where bytes[index] | 0x20 != pointer[index] {
            return false
        }
        return true
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    @inlinable @inline(__always)
    static func date(_ bytes: UnsafeRawBufferPointer) -> Int? {
        ISODate.parse(bytes)
    }
}
