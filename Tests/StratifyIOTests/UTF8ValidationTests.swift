import StratifyTestSupport
import Testing
@testable import StratifyIO

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    func firstInvalid(_ b: [UInt8]) -> Int? {
        b.withUnsafeBytes { UTF8Validation.firstInvalidOffset(in: $0) }
    }

    @Test func validText() {
        #expect(firstInvalid([]) == nil)
        #expect(firstInvalid(bytes("plain ascii, long enough to use the 16-byte path twice over")) == nil)
        #expect(firstInvalid(bytes("é ü ß € 😀 𝄞 \u{10FFFF} \u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}")) == nil)
        #expect(firstInvalid([0]) == nil)  // NUL is valid UTF-8
    }

    @Test func invalidSequences() {
        let bad: [[UInt8]] = [
            [0x80],  // stray continuation
            [0xC0, 0xAF],  // overlong
            [0xC1, 0xBF],  // overlong
            [0xE0, 0x80, 0xAF],  // overlong 3-byte
            [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
            [0xED, 0xA0, 0x80],  // surrogate U+D800
            [0xED, 0xBF, 0xBF],  // surrogate U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xFF], [0xFE],
            [0xC3],  // truncated
            [0xE2, 0x82],  // truncated
            [0xF0, 0x9F, 0x98],  // truncated
            [0xC3, 0x28],  // bad continuation
        ]
        for b in bad {
            #expect(firstInvalid(b) == 0, "\(b)")
            // Behind a long ASCII prefix (the word-at-a-time path) too.
            let prefix = bytes(String(repeating: "a", count: 37))
            #expect(firstInvalid(prefix + b + bytes("zz")) == 37, "\(b)")
        }
        #expect(firstInvalid(bytes("aé") + [0xE9] + bytes("b")) == 3)
    }

    @Test func randomBytesAgreeWithTheStandardLibrary() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...24, using: &rng)
            let pool: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x9F, 0x90, 0x8F]
            let b = (0..<count).map { _ in pool.randomElement(using: &rng)! }
            var decoder = UTF8()
            var iterator = b.makeIterator()
            var valid = true
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: break loop
                case .error:
                    valid = false
                    break loop
                }
            }
            #expect((firstInvalid(b) == nil) == valid, "\(b)")
        }
    }
}
