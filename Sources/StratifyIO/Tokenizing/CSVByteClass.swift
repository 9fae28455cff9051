/// Bit flags of the 256-entry byte-class table that drives the CSV
/// tokenizer's inner loops: one load per byte both finds the delimiters
/// and (OR-ed into an accumulator) notices NUL and non-ASCII bytes, so the
/// consumer validates UTF-8 only for the records that need it.
enum CSVByteClass {
    static let comma: UInt8 = 1
    static let lineFeed: UInt8 = 2
    static let quote: UInt8 = 4
    static let nul: UInt8 = 8
    static let nonASCII: UInt8 = 16

    /// Allocated once and never freed: a plain pointer avoids the bounds
    /// and uniqueness checks an `Array` would add to the hot loop.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        t[Int(ASCII.comma)] = comma
        t[Int(ASCII.lineFeed)] = lineFeed
        t[Int(ASCII.quote)] = quote
        t[Int(ASCII.nul)] = nul
        for b in 0x80...0xFF { t[b] = nonASCII }
        return UnsafePointer(t)
    }()
}
