import Testing
@testable import StratifyRules

/// Checker errors about the file's structure: unknown keys, ids, tier bands,
/// tables, derived-value cycles, models and tiers, each with its location;
/// and that one run reports all of them.
@Suite struct StructureErrorTests {
    static func domain(_ name: String = "main", tiers: String, points: Int = 1, id: String = "rule.one") -> String {
        """
          \(name):
            tiers: \(tiers)
            rules:
              - {id: \(id), when: age >= 0, points: \(points), because: Test.}
        """
    }

    // MARK: Unknown keys

    @Test func unknownKeyInARuleWithDidYouMean() throws {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - id: rule.one
                        when: age >= 0
                        pionts: 1
                        because: Test.
                """)
        let output = RuleFiles.compile(text)
        #expect(
            output.onlyErrors.map(RuleFiles.show) == [
                "18:9: rule 'rule.one' needs 'points'",
                "20:9: unknown key 'pionts' in a rule",
            ])
        #expect(output.onlyErrors[1].notes == ["did you mean 'points'?", "a rule takes: id, when, points, flag, because"])
        #expect(output.onlyErrors[1].length == 6)
    }

    @Test func unknownTopLevelKeyAndInputKeyAndType() {
        let text = """
            version: 1
            identifier: id
            inputs:
              id: {type: string, required: true}
              age: {type: integr, mx: 3}
            tiers: [low, high]
            domain: {}
            overall: {tiers: {low: 0.., }}
            models: [{id: m, contact: c, review_days: 1, because: b}]

            """
        let output = RuleFiles.compile(text)
        #expect(
            output.onlyErrors.map(RuleFiles.show)
                == [
                    "1:1: the rule file needs 'domains'",
                    "5:23: unknown key 'mx' in input 'age'",
                    "5:15: unknown type 'integr' for input 'age'",
                    "7:1: unknown key 'domain' in a rule file",
                ].sorted(by: Self.byLocation))
        let notes = Dictionary(output.onlyErrors.map { ($0.message, $0.notes) }, uniquingKeysWith: { a, _ in a })
        #expect(notes["unknown key 'domain' in a rule file"]?.first == "did you mean 'domains'?")
        #expect(notes["unknown key 'mx' in input 'age'"] == ["did you mean 'max'?", "input 'age' takes: type, min, max, values, required, description"])
        #expect(notes["unknown type 'integr' for input 'age'"] == ["did you mean 'integer'?", "types: integer, number, boolean, enum, date, string"])
    }

    static func byLocation(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> (Int, Int) {
            let parts = s.split(separator: ":")
            return (Int(parts[0])!, Int(parts[1])!)
        }
        return key(a) < key(b)
    }

    // MARK: Ids

    @Test func duplicateIdNamesTheLineOfTheFirst() {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - id: rule.one
                        when: age >= 0
                        points: 1
                        because: Test.
                      - id: rule.one
                        when: age >= 1
                        points: 1
                        because: Test.
                """)
        #expect(RuleFiles.report(text) == ["22:13: the id 'rule.one' is used twice; it was first used on line 18"])
    }

    @Test func idsOfRulesFloorsEscalationsAndModelsShareOneNamespace() {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: same, when: age >= 0, points: 1, because: Test.}
                    floors:
                      - {id: same, when: smoker, at_least: high, because: Test.}
                """,
            overall: """
                  tiers: {low: 0..0, moderate: 1..1, high: 2..}
                  escalations:
                    - {id: same, when: smoker, at_least: high, because: Test.}
                """,
            models: """
                  - {id: same, contact: never, review_days: 7, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "20:14: the id 'same' is used twice; it was first used on line 18",
                "24:12: the id 'same' is used twice; it was first used on line 18",
                "26:10: the id 'same' is used twice; it was first used on line 18",
            ])
    }

    // MARK: Tier bands

    /// (bands of a domain whose scores reach 5, the diagnostics, the first one's notes)
    static let bandCases: [(String, [String], [String])] = [
        (
            "{low: 0..0, moderate: 2..2, high: 3..}", ["16:34: the tiers of domain 'main' leave a gap: scores 1..1 are in no tier"],
            ["start 'moderate' at 1"]
        ),
        (
            "{low: 0..1, moderate: 3..4, high: 5..}", ["16:34: the tiers of domain 'main' leave a gap: scores 2..2 are in no tier"],
            ["start 'moderate' at 2"]
        ),
        (
            "{low: 0..2, moderate: 2..3, high: 4..}", ["16:34: the tiers of domain 'main' overlap: 'low' ends at 2 but 'moderate' starts at 2"],
            ["start 'moderate' at 3"]
        ),
        (
            "{low: 1..1, moderate: 2..2, high: 3..}", ["16:18: the tiers of domain 'main' start at 1, but scores can be as low as 0"],
            ["start the lowest tier at 0"]
        ),
        (
            "{low: 0..1, moderate: 2..2, high: 3..4}", ["16:46: the tiers of domain 'main' end at 4, but scores can reach 5"],
            ["leave the highest tier open: '3..'"]
        ),
        (
            "{low: 0..1, high: 2..2, moderate: 3..}", ["16:36: tier 'moderate' comes after 'high' here, but it is not higher on the tier scale"],
            ["tiers, lowest first: low, moderate, high"]
        ),
        ("{low: 0.., high: 3..}", ["16:18: tier 'low' of domain 'main' is open above ('0..'), so no tier can follow it"], []),
        (
            "{low: 0..1, moderate: 3..2, high: 3..}",
            [
                "16:34: the tiers of domain 'main' leave a gap: scores 2..2 are in no tier",
                "16:34: the range 3..2 is empty",
            ], ["start 'moderate' at 2"]
        ),
        // Only the unknown tier: its band still covers 4.., so no gap is reported.
        ("{low: 0..1, moderate: 2..3, hihg: 4..}", ["16:40: 'hihg' is not a tier"], ["tiers: low, moderate, high"]),
        (
            "{low: 0..1, modrate: 2..3, high: 4..}", ["16:24: 'modrate' is not a tier"],
            ["did you mean 'moderate'?", "tiers: low, moderate, high"]
        ),
        // The band that cannot be read is left out, so the next one seems to start too late.
        (
            "{low: zero..1, high: 2..}",
            [
                "16:18: the range of tier 'low' must be written 'MIN..MAX' or 'MIN..', found 'zero..1'",
                "16:33: the tiers of domain 'main' start at 2, but scores can be as low as 0",
            ],
            ["for example: green: 0..3, amber: 4..7, red: 8.."]
        ),
        ("{}", ["16:12: domain 'main' has no tiers"], []),
    ]

    @Test(arguments: bandCases) func domainTierBands(_ bands: String, _ expected: [String], _ notes: [String]) {
        let output = RuleFiles.compile(RuleFiles.file(domains: Self.domain(tiers: bands, points: 5)))
        #expect(output.program == nil)
        #expect(output.onlyErrors.map(RuleFiles.show) == expected)
        #expect(output.onlyErrors.first?.notes == notes)
    }

    @Test func overallBandsAreCheckedAgainstTheTotal() {
        // Two domains of at most 3 points: the total reaches 6.
        let text = RuleFiles.file(
            domains: Self.domain("a", tiers: "{low: 0..0, moderate: 1..1, high: 2..}", points: 3, id: "r1") + "\n"
                + Self.domain("b", tiers: "{low: 0..0, moderate: 1..1, high: 2..}", points: 3, id: "r2"),
            overall: "  tiers: {low: 0..1, moderate: 3..4, high: 5..5}")
        #expect(
            RuleFiles.report(text) == [
                "24:32: the tiers of overall leave a gap: scores 2..2 are in no tier",
                "24:44: the tiers of overall end at 5, but scores can reach 6",
            ])
    }

    // MARK: Tables

    static func table(_ key: String, _ rows: String, default value: String? = nil) -> String {
        "  t:\n    table:\n      of: \(key)\n      rows: \(rows)" + (value.map { "\n      default: \($0)" } ?? "")
    }

    /// (key, rows, the diagnostic); the table starts on line 14.
    static let tableCases: [(String, String, String)] = [
        ("age", "{0..10: 1, 12..: 2}", "16:7: the rows of derived value 't' leave out age = 11"),
        ("age", "{0..10: 1, 12..50: 2, 60..: 3}", "16:7: the rows of derived value 't' leave out age = 11, 51..59"),
        ("age", "{0..100: 1}", "16:7: the rows of derived value 't' leave out age = 101..120"),
        ("age", "{1..: 1}", "16:7: the rows of derived value 't' leave out age = 0"),
        ("n", "{0..: 1}", "16:7: the rows of derived value 't' leave out n = -∞..-1"),
        ("n", "{..-1: 1, 1..: 2}", "16:7: the rows of derived value 't' leave out n = 0"),
        ("n", "{..0: 1, 2..9: 2}", "16:7: the rows of derived value 't' leave out n = 1, 10..∞"),
        ("smoker", "{true: 1}", "16:7: the rows of derived value 't' leave out smoker = 0"),
        ("substance_use", "{none: 1, misuse: 2}", "16:7: the rows of derived value 't' leave out substance_use = 2"),
        ("age", "{0..10: 1, 10..: 2}", "17:24: row '10..' of derived value 't' overlaps row '0..10'"),
        ("age", "{..5: 1, 3: 2, 6..: 3}", "17:22: row '3' of derived value 't' overlaps row '..5'"),
        ("substance_use", "{none: 1, misuse: 2, disorders: 3}", "17:34: 'disorders' is not a value of substance_use"),
        ("smoker", "{true: 1, no: 0}", "17:23: a row key of derived value 't' must be true or false, found 'no'"),
        ("age", "{0..x: 1}", "17:14: a row key of derived value 't' must be a whole number or a range 'MIN..MAX', 'MIN..' or '..MAX', found '0..x'"),
        ("age", "{5..1: 1}", "17:14: a row key of derived value 't' must be a whole number or a range 'MIN..MAX', 'MIN..' or '..MAX', found '5..1'"),
        ("income", "{0..: 1}", "17:14: a table's key must be an integer, true/false or an enum; the key of derived value 't' is number"),
        ("age", "{}", "17:13: the table of derived value 't' has no rows"),
        ("age", "{0: 1, 1..: smoker}", "17:25: the values of derived value 't' must all be of one type: this one is boolean, earlier ones are integer"),
    ]

    @Test(arguments: tableCases) func tableRows(_ key: String, _ rows: String, _ expected: String) {
        let text = RuleFiles.file(derived: Self.table(key, rows), domains: RuleFiles.trivialDomain)
        #expect(RuleFiles.report(text) == [expected])
    }

    @Test func completeTablesCompile() throws {
        // An unbounded integer key is covered by rows open at both ends.
        let unbounded = RuleFiles.file(derived: Self.table("n", "{..-1: 0, 0: 1, 1..: 2}"), domains: RuleFiles.trivialDomain)
        _ = try RuleFiles.program(unbounded)
        // Rows in any order; a key range clipped to the input's min/max.
        let shuffled = RuleFiles.file(derived: Self.table("age", "{50..: 3, 0..9: 1, 10..49: 2}"), domains: RuleFiles.trivialDomain)
        _ = try RuleFiles.program(shuffled)
        let boolean = RuleFiles.file(derived: Self.table("smoker", "{false: 0, true: 1}"), domains: RuleFiles.trivialDomain)
        _ = try RuleFiles.program(boolean)
    }

    @Test func aDefaultCoversEveryGap() throws {
        let text = RuleFiles.file(derived: Self.table("age", "{0..10: 1, 50: 2}", default: "0"), domains: RuleFiles.trivialDomain)
        _ = try RuleFiles.program(text)
    }

    // MARK: Derived values

    @Test func derivedValuesInACycle() {
        let text = RuleFiles.file(derived: "  a: b + 1\n  b: c + 1\n  c: a + 1\n  d: age + 1", domains: RuleFiles.trivialDomain)
        #expect(RuleFiles.report(text) == ["14:3: derived values use each other in a cycle: a → b → c → a"])
    }

    @Test func aDerivedValueThatUsesItself() {
        let text = RuleFiles.file(derived: "  a: age + 1\n  b: b * 2", domains: RuleFiles.trivialDomain)
        #expect(RuleFiles.report(text) == ["15:3: derived values use each other in a cycle: b → b"])
    }

    @Test func everyCycleIsReportedOnce() {
        let text = RuleFiles.file(
            derived: "  a: b + 1\n  b: a + 1\n  c: a + d\n  d: d * 2\n  e: f\n  f: g\n  g: e\n  h: n + 1",
            domains: RuleFiles.trivialDomain)
        #expect(
            RuleFiles.report(text) == [
                "14:3: derived values use each other in a cycle: a → b → a",
                "17:3: derived values use each other in a cycle: d → d",
                "18:3: derived values use each other in a cycle: e → f → g → e",
            ])
    }

    @Test func aCycleThroughATableAndCases() {
        let text = RuleFiles.file(
            derived: """
                  a:
                    table:
                      of: b
                      rows: {..0: 0, 1..: 1}
                  b:
                    cases:
                      - when: a > 0
                        then: 1
                      - otherwise: 0
                """,
            domains: RuleFiles.trivialDomain)
        #expect(RuleFiles.report(text) == ["14:3: derived values use each other in a cycle: a → b → a"])
    }

    @Test func derivedValueDeclarationsAreChecked() {
        let text = RuleFiles.file(
            derived: """
                  age: n + 1
                  x:
                    values: [yes_, no_]
                    expr: n + 1
                  y:
                    cases:
                      - otherwise: 1
                  z:
                    expr: n
                    table: {of: n, rows: {..: 1}}
                """,
            domains: RuleFiles.trivialDomain)
        #expect(
            RuleFiles.report(text) == [
                "14:3: derived value 'age' has the name of an input (line 5)",
                "15:3: derived value 'x' declares values, but computes integer",
                "20:7: derived value 'y' has no cases",
                "23:5: derived value 'z' has both 'expr' and 'table'; give one",
            ])
    }

    // MARK: Identifier, flags, review_by

    @Test func theIdentifierMustBeARequiredStringInput() {
        let notString = RuleFiles.withCondition("n > 1").replacingLine("identifier: id", with: "identifier: age")
        #expect(
            RuleFiles.report(notString) == [
                "5:3: the identifier 'age' must be a string input, not integer",
                "5:3: the identifier 'age' must be declared 'required: true': a record without it cannot be reported back",
            ])
        let notRequired = RuleFiles.withCondition("n > 1").replacingLine("  id: {type: string, required: true}", with: "  id: {type: string}")
        #expect(
            RuleFiles.report(notRequired) == [
                "4:3: the identifier 'id' must be declared 'required: true': a record without it cannot be reported back"
            ])
        let unknown = RuleFiles.withCondition("n > 1").replacingLine("identifier: id", with: "identifier: idd")
        #expect(RuleFiles.report(unknown) == ["2:13: the identifier 'idd' is not one of the inputs"])
    }

    @Test func aFlagCannotTakeTheNameOfAnInput() {
        let text = RuleFiles.file(
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 1..1, high: 2..}
                    rules:
                      - {id: a, when: n > 1, points: 1, flag: smoker, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "18:47: flag 'smoker' has the name of an input or a derived value, or contains '.'"
            ])
    }

    @Test func reviewByMustCountFromADateInput() {
        let notDate = RuleFiles.file(domains: RuleFiles.trivialDomain, reviewBy: "  from: age")
        #expect(RuleFiles.report(notDate) == ["30:9: review_by counts from 'age', which must be a date input"])
        let unknown = RuleFiles.compile(RuleFiles.file(domains: RuleFiles.trivialDomain, reviewBy: "  from: seen"))
        #expect(unknown.onlyErrors.map(RuleFiles.show) == ["30:9: review_by counts from 'seen', which is not an input"])
        #expect(unknown.onlyErrors.first?.notes == ["did you mean 'seen_on'?"])
    }

    // MARK: Models and tiers

    @Test func theLastModelMustNotHaveAWhen() {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain,
            models: """
                  - {id: first, when: smoker, contact: weekly, review_days: 30, because: Test.}
                  - {id: last, when: lonely, contact: never, review_days: 7, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "26:16: the last model must always hold, so that every record gets a model: remove its 'when'"
            ])
    }

    @Test func onlyTheLastModelMayLeaveOutItsWhen() {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain,
            models: """
                  - {id: first, contact: weekly, review_days: 30, because: Test.}
                  - {id: last, contact: never, review_days: 7, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "25:5: model 'first' needs 'when': only the last model may leave it out (it always holds)"
            ])
    }

    @Test func contactDaysAndCaseloadAreOptionalWholeNumbersInRange() throws {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain,
            models: """
                  - {id: first, when: smoker, contact: weekly, contact_days: 0, caseload: 15, review_days: 30, because: Test.}
                  - {id: second, when: lonely, contact: monthly, contact_days: 30, caseload: ten, review_days: 30, because: Test.}
                  - {id: last, contact: never, caseload: 100001, review_days: 7, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "25:62: contact_days must be between 1 and 36500, found 0",
                "26:78: caseload must be a whole number, found 'ten'",
                "27:42: caseload must be between 1 and 100000, found 100001",
            ])
        let valid = RuleFiles.file(
            domains: RuleFiles.trivialDomain,
            models: """
                  - {id: first, when: smoker, contact: weekly, contact_days: 7, caseload: 15, review_days: 30, because: Test.}
                  - {id: last, contact: never, review_days: 7, because: Test.}
                """)
        let program = try #require(RuleFiles.compile(valid).program)
        #expect(program.models.map(\.contactDays) == [7, nil])
        #expect(program.models.map(\.caseload) == [15, nil])
    }

    @Test func unknownTiersInFloorsAndEscalations() {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain + """

                    floors:
                      - {id: f, when: smoker, at_least: hihg, because: Test.}
                """,
            overall: """
                  tiers: {low: 0..0, moderate: 1..1, high: 2..}
                  escalations:
                    - {id: e, when: tier == high, at_least: very_high, because: Test.}
                """)
        let output = RuleFiles.compile(text)
        #expect(
            output.onlyErrors.map(RuleFiles.show) == [
                "23:41: 'hihg' is not a tier",
                "27:45: 'very_high' is not a tier",
            ])
        #expect(
            output.onlyErrors.map(\.notes) == [
                ["tiers: low, moderate, high"],
                ["did you mean 'high'?", "tiers: low, moderate, high"],
            ])
    }

    @Test func anUnknownTierIsReportedEvenWhenTheConditionIsWrongToo() {
        let text = RuleFiles.file(
            domains: RuleFiles.trivialDomain + """

                    floors:
                      - {id: f, when: agee > 1, at_least: hihg, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "23:23: unknown name 'agee'",
                "23:43: 'hihg' is not a tier",
            ])
    }

    // MARK: All at once

    @Test func everyErrorOfAFileIsReportedInFileOrder() {
        let text = RuleFiles.file(
            derived: "  a: a + 1",
            domains: """
                  main:
                    tiers: {low: 0..0, moderate: 2..2, high: 3..}
                    rules:
                      - {id: r1, when: agee >= 0, points: 1, because: Test.}
                      - {id: r1, when: smoker > true, points: 1, because: Test.}
                      - {id: r3, when: substance_use == sometimes, points: 1, because: Test.}
                      - {id: r4, when: n / 0 > 1, points: 1, bekause: Test.}
                """,
            models: """
                  - {id: first, when: tier == high, contact: weekly, review_days: 30, because: Test.}
                  - {id: last, when: smoker, contact: never, review_days: 7, because: Test.}
                """)
        #expect(
            RuleFiles.report(text) == [
                "14:3: derived values use each other in a cycle: a → a",
                "18:34: the tiers of domain 'main' leave a gap: scores 1..1 are in no tier",
                "20:24: unknown name 'agee'",
                "21:14: the id 'r1' is used twice; it was first used on line 20",
                "21:31: '>' does not apply to true/false values; use '==' or '!='",
                "22:41: 'sometimes' is not a value of substance_use, nor a known name",
                "23:9: rule 'r4' needs 'because'",
                "23:46: unknown key 'bekause' in a rule",
                "28:16: the last model must always hold, so that every record gets a model: remove its 'when'",
            ])
    }
}

extension String {
    /// The text with the first line equal to `line` replaced.
    func replacingLine(_ line: String, with replacement: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(of: line) { lines[index] = replacement }
        return lines.joined(separator: "\n")
    }
}
