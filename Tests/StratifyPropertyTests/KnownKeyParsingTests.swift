import PropertyBased
import StratifyIO
import Testing

/// A parser that knows keys guesses each key from the one before it on the
/// previous lines. Whatever the guesses, it must agree with a plain lookup:
/// over random runs of lines (keys in shifting orders, left out, repeated,
/// escaped, unknown, prefixes of each other, or holding a quote), one reused
/// parser gives each member the index of its unescaped key among the known
/// keys (-1 for none), and rejects exactly the lines that repeat a key, at
/// the first member that does. With `normalizingKeys`, a key that is no
/// known key exactly is the one it equals once normalised (`Age`, ` AB`),
/// and two spellings of one known key on a line repeat it.
@Suite struct KnownKeyParsingTests {
    static let known = ["id", "a", "ab", "age", "q\"t", "b"]
    /// Each spelling of a key in JSON, and the key it means.
    static let spellings: [(json: String, key: String)] = [
        (#""id""#, "id"), (#""a""#, "a"), (#""ab""#, "ab"), (#""age""#, "age"), (#""q\"t""#, "q\"t"),
        (#""b""#, "b"), (#""\u0061ge""#, "age"), (#""a\u0062""#, "ab"), (#""ag""#, "ag"), (#""ages""#, "ages"),
        (#""zz""#, "zz"), (#""\u007a\u007a""#, "zz"), (#""""#, ""),
        (#""Age""#, "Age"), (#"" AB""#, " AB"), (#""\u0041""#, "A"), (#""Q\"T ""#, "Q\"T "), (#""A-B""#, "A-B"),
    ]

    /// The index a lookup gives `key`.
    static func index(of key: String, normalizing: Bool) -> Int32 {
        if let exact = known.firstIndex(of: key) { return Int32(exact) }
        guard normalizing else { return -1 }
        let normalized = known.map(FieldNameMatching.normalized)
        return Int32(normalized.firstIndex(of: FieldNameMatching.normalized(key)) ?? -1)
    }

    @Test(arguments: [false, true])
    func keyIndexesAndDuplicatesAgreeWithALookup(normalizing: Bool) async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000).array(of: 0...300)) { numbers in
            var choices = Choices(numbers)
            let parser = JSONLineParser(keys: Self.known, normalizingKeys: normalizing)
            // A few line shapes, so that the guesses are often right and
            // sometimes wrong in every way.
            let shapes = (0..<3).map { _ in (0..<(1 + choices.next(8))).map { _ in choices.next(Self.spellings.count) } }
            for _ in 0..<(1 + choices.next(30)) {
                var members = shapes[choices.next(shapes.count)]
                if !members.isEmpty && choices.next(3) == 0 { members.remove(at: choices.next(members.count)) }
                if choices.next(4) == 0 { members.insert(choices.next(Self.spellings.count), at: choices.next(members.count + 1)) }
                let text = "{" + members.enumerated().map { "\(Self.spellings[$1].json):\($0)" }.joined(separator: ",") + "}"
                let keys = members.map { Self.spellings[$0].key }
                let indexes = keys.map { Self.index(of: $0, normalizing: normalizing) }
                // A known key is one key however it is spelled.
                let identities = zip(keys, indexes).map { $1 >= 0 ? "known \($1)" : "unknown \($0)" }
                let firstRepeat = identities.indices.first { identities[..<$0].contains(identities[$0]) }
                Array(text.utf8).withUnsafeBytes { line in
                    do throws(JSONParseError) {
                        try parser.parse(line)
                        #expect(firstRepeat == nil, "\(text) has a repeated key")
                        #expect(parser.members.map(\.keyIndex) == indexes, "\(text)")
                    } catch {
                        #expect(firstRepeat != nil, "\(text): \(error)")
                        if let firstRepeat {
                            let column =
                                text.utf8.count
                                - text.dropFirst().split(separator: ",", omittingEmptySubsequences: false)[firstRepeat...]
                                .joined(separator: ",").utf8.count + 1
                            #expect(error.column == column, "\(text)")
                            #expect(error.message.hasPrefix("duplicate key"), "\(text)")
                        }
                        #expect(parser.members.isEmpty)
                    }
                }
            }
        }
    }
}
