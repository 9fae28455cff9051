import StratifyCore
import StratifyEngine
import StratifyRules
import StratifyYAML
import Testing

/// Tables (integer ranges, open ranges, boolean and enum keys, defaults),
/// case lists and sums evaluate to the right value for every kind of row.
@Suite struct DerivedValueEvaluationTests {
    static let derived = """
          band:
            table:
              of: age
              rows: {0..17: 1, 18..64: 2, 65..: 3}
          low_open:
            table:
              of: n
              rows: {..-1: -1, 0: 0, 1..9: n * 10, 10..: 100}
          sparse:
            table:
              of: n
              rows: {1: 10, 3..4: 30}
              default: m + 1000
          by_flag:
            table:
              of: smoker
              rows: {true: 5, false: 0}
          by_enum:
            table:
              of: substance_use
              rows: {none: 0, misuse: 1, disorder: 4}
          size:
            values: [small, medium, large]
            cases:
              - when: n < 10
                then: small
              - when: n < 100
                then: medium
              - otherwise: large
          no_otherwise:
            cases:
              - when: n > 0
                then: n
          total:
            sum:
              A:
                table:
                  of: smoker
                  rows: {true: 3, false: 0}
              B: n * 2
              C:
                table:
                  of: substance_use
                  rows: {none: 0, misuse: 1, disorder: 2}
        """

    static let text = RuleFiles.file(derived: derived, domains: RuleFiles.trivialDomain)
    static let program = try? RuleCompiler.program(SourceFile(path: "rules.yaml", text: text))

    @Test func theFileCompiles() throws {
        _ = try RuleFiles.program(Self.text)
    }

    private func derived(_ name: String, _ inputs: [String: String]) throws -> Double? {
        Record(try #require(Self.program), inputs).derived(name)
    }

    @Test(arguments: [("0", 1.0), ("17", 1), ("18", 2), ("64", 2), ("65", 3), ("120", 3)])
    func integerRanges(_ age: String, _ expected: Double) throws {
        #expect(try derived("band", ["age": age]) == expected)
    }

    @Test(arguments: [("-1000000", -1.0), ("-1", -1), ("0", 0), ("1", 10), ("9", 90), ("10", 100), ("999999", 100)])
    func rangesOpenAtEitherEndAndComputedValues(_ n: String, _ expected: Double) throws {
        #expect(try derived("low_open", ["n": n]) == expected)
    }

    @Test(arguments: [("1", 10.0), ("2", 1005), ("3", 30), ("4", 30), ("5", 1005), ("-3", 1005)])
    func aDefaultTakesEveryOtherKey(_ n: String, _ expected: Double) throws {
        #expect(try derived("sparse", ["n": n, "m": "5"]) == expected)
    }

    @Test func theRowRegisterTellsWhichRowWasUsed() throws {
        let table = try #require(Self.program?.derived.first { $0.name == "sparse" })
        guard case .table(_, let lookup) = table.expr.kind else {
            Issue.record("not a table")
            return
        }
        #expect(Record(try #require(Self.program), ["n": "3"]).value(lookup.rowRegister) == 1)
        #expect(Record(try #require(Self.program), ["n": "2"]).value(lookup.rowRegister) == -1)
        #expect(Record(try #require(Self.program), [:]).value(lookup.rowRegister) == nil)
    }

    @Test(arguments: [("true", 5.0), ("no", 0)])
    func booleanKeys(_ smoker: String, _ expected: Double) throws {
        #expect(try derived("by_flag", ["smoker": smoker]) == expected)
    }

    @Test(arguments: [("none", 0.0), ("MISUSE", 1), ("disorder", 4)])
    func enumKeys(_ value: String, _ expected: Double) throws {
        #expect(try derived("by_enum", ["substance_use": value]) == expected)
    }

    @Test func aMissingKeyIsUnknownEvenWithADefault() throws {
        #expect(try derived("band", [:]) == nil)
        #expect(try derived("sparse", ["m": "5"]) == nil)
        #expect(try derived("by_flag", [:]) == nil)
        #expect(try derived("by_enum", [:]) == nil)
    }

    @Test func aDefaultThatIsUnknownIsUnknown() throws {
        #expect(try derived("sparse", ["n": "2"]) == nil)
    }

    @Test(arguments: [("-5", "small"), ("9", "small"), ("10", "medium"), ("99", "medium"), ("100", "large")])
    func casesTakeTheFirstThatHolds(_ n: String, _ expected: String) throws {
        #expect(Record(try #require(Self.program), ["n": n]).derivedName("size") == expected)
    }

    @Test func casesWithoutOtherwise() throws {
        #expect(try derived("no_otherwise", ["n": "4"]) == 4)
        // No case holds and there is no otherwise: unknown.
        #expect(try derived("no_otherwise", ["n": "-4"]) == nil)
        #expect(try derived("no_otherwise", [:]) == nil)
    }

    @Test func anEnumDerivedValueHasItsDeclaredType() throws {
        let size = try #require(Self.program?.derived.first { $0.name == "size" })
        #expect(size.type == .enumeration(EnumType(name: "size", values: ["small", "medium", "large"])))
        let total = try #require(Self.program?.derived.first { $0.name == "total" })
        #expect(total.type == .integer)
    }

    @Test(arguments: [
        (["smoker": "true", "n": "2", "substance_use": "disorder"], 9.0 as Double?),
        (["smoker": "false", "n": "0", "substance_use": "none"], 0),
        (["smoker": "true", "n": "-5", "substance_use": "misuse"], -6),
        (["n": "2", "substance_use": "disorder"], nil),
        (["smoker": "true", "substance_use": "disorder"], nil),
    ])
    func sumsAddTheirPartsAndAreUnknownWhenAnyPartIs(_ inputs: [String: String], _ expected: Double?) throws {
        #expect(try derived("total", inputs) == expected)
    }

    @Test func derivedValuesCanUseEachOtherInAnyOrder() throws {
        let text = RuleFiles.file(derived: "  c: b * 10\n  b: a + 1\n  a: n * 2", domains: RuleFiles.trivialDomain)
        let record = Record(try RuleFiles.program(text), ["n": "3"])
        #expect(record.derived("a") == 6)
        #expect(record.derived("b") == 7)
        #expect(record.derived("c") == 70)
    }
}
