/// The bytes the CSV and JSON grammars are written in, by name, for the
/// scanners and chunkers that compare raw bytes.
public enum ASCII {
    @inlinable public static var nul: UInt8 { 0x00 }
    @inlinable public static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable public static var lineFeed: UInt8 { UInt8(ascii: "\n") }
    @inlinable public static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable public static var space: UInt8 { UInt8(ascii: " ") }
    @inlinable public static var quote: UInt8 { UInt8(ascii: "\"") }
    @inlinable public static var comma: UInt8 { UInt8(ascii: ",") }
    @inlinable public static var backslash: UInt8 { UInt8(ascii: "\\") }

    /// `byte` in each of the eight bytes of a word, to find it eight bytes
    /// at a time (``zeroByteMask(_:)`` of the word XOR this).
    @inlinable
    public static func inEveryByte(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }
}
