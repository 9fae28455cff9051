import PropertyBased
import StratifyEngine
import StratifyRules
import Testing

/// Booleans and enum values are matched a word at a time (8 bytes folded
/// to lower case at once). For any short byte string (letters of both
/// cases, the bytes on either side of `A`–`Z` and `a`–`z`, digits,
/// punctuation, UTF-8), enum values of 1 to 13 bytes, the decoder must agree with the plain definition:
/// ASCII capitals fold to lower case, every other byte must be equal.
@Suite struct ValueMatchingTests {
    static let values = ["a", "no", "lo", "none", "lo.hi", "private", "medicaid", "dual_eligible", "x9", "a_b_c_d_e"]
    static let program: Program = {
        var text = SpecSchema.ruleFile(condition: "b1", value: "1")
        text = text.replacingOccurrences(
            of: "  \(SpecSchema.levelName): ",
            with: "  kind: {type: enum, values: [\(values.map { SpecSchema.quoted($0) }.joined(separator: ", "))]}\n  \(SpecSchema.levelName): ")
        let output = SpecSchema.compile(text)
        guard let program = output.program else { fatalError("\(output.diagnostics)") }
        return program
    }()
    static let alphabet: [[UInt8]] =
        [
            "a", "A", "e", "E", "i", "I", "l", "L", "n", "N", "o", "O", "r", "R", "s", "S", "t", "T", "u", "U",
            "v", "V", "y", "Y", "d", "D", "m", "M", "p", "P", "c", "C", "x", "X", "h", "H", "9", "0", "1",
            "@", "[", "`", "{", "_", "-", "Z", "z", "é", "É",
        ].map { Array($0.utf8) } + [[0xC3], [0x7F], [0x20]]

    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    @Test func shortValuesMatchExactlyTheirFoldedSpelling() async {
        let decoder = InputDecoder(program: Self.program)
        let evaluator = Evaluator(program: Self.program)
        let kind = Self.program.inputs.firstIndex { $0.name == "kind" }!
        let flag = Self.program.inputs.firstIndex { $0.name == "b1" }!
        let spellings =
            Self.values + [
                "true", "false", "yes", "no", "1", "0", "TRUE", "Yes", "nO", "FaLsE", "None", "MEDICAID", "Dual_Eligible", "LO.HI", "X9", "A_B_C_D_E",
            ]
        await propertyCheck(count: 400, input: Gen.int(in: 0...1_000_000).array(of: 1...12)) { numbers in
            var choices = Choices(numbers)
            // Often a near miss of a real value, else random bytes.
            var bytes: [UInt8]
            if choices.next(2) == 0 {
                bytes = Array(spellings[choices.next(spellings.count)].utf8)
                if !bytes.isEmpty && choices.next(2) == 0 {
                    bytes[choices.next(bytes.count)] = Self.alphabet[choices.next(Self.alphabet.count)][0]
                }
            } else {
                bytes = (0..<(1 + choices.next(10))).flatMap { _ in Self.alphabet[choices.next(Self.alphabet.count)] }
            }
            let text = Self.folded(bytes)
            let expectedKind = Self.values.firstIndex { Array($0.utf8) == text }
            let expectedFlag: Double? =
                ["true", "yes", "1"].contains { Array($0.utf8) == text }
                ? 1
                : (["false", "no", "0"].contains { Array($0.utf8) == text } ? 0 : nil)
            bytes.withUnsafeBytes { value in
                let kindError = decoder.decode(value, input: kind, into: evaluator.inputRegisters)
                #expect((kindError == nil ? evaluator.registerValues[kind] : nil) == expectedKind.map(Double.init), "\(bytes)")
                let flagError = decoder.decode(value, input: flag, into: evaluator.inputRegisters)
                #expect((flagError == nil ? evaluator.registerValues[flag] : nil) == expectedFlag, "\(bytes)")
            }
        }
    }
}
