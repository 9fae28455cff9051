import Testing
import StratifyRules
import StratifyEngine

/// Arithmetic, dates, comparisons, membership and count/min/max evaluate to
/// the right values and types; division by zero and results beyond 2^53 are
/// unknown, never a trap.
@Suite struct ArithmeticEvaluationTests {
    static let twoNumbers = ["n": "7", "m": "2"]

    @Test(arguments: [
        ("n + m", 9.0), ("n - m", 5), ("m - n", -5), ("n * m", 14), ("n / m", 3.5), ("-n", -7), ("- n * m", -14),
        ("n + m * 3", 13), ("(n + m) * 3", 27), ("n - m - 1", 4), ("n / m / 2", 1.75), ("income * 2", 301),
        ("income + n", 157.5), ("min(n, m, 5)", 2), ("max(n, m, 5)", 7), ("max(-n, -m)", -2), ("min(income, n)", 7),
        ("count(n > 1, m > 5, smoker, not lonely)", 3), ("count(m > 5)", 0),
    ])
    func value(_ expression: String, _ expected: Double) throws {
        let inputs = Self.twoNumbers.merging(["income": "150.5", "smoker": "yes", "lonely": "no"]) { a, _ in a }
        #expect(try Probe.value(expression, inputs) == expected)
    }

    @Test(arguments: [
        ("n + m", ValueType.integer), ("n * m", .integer), ("n / m", .number), ("n / 1", .number), ("income + n", .number),
        ("-n", .integer), ("min(n, m)", .integer), ("max(n, income)", .number), ("count(smoker)", .integer),
        ("seen_on + 30", .date), ("30 + seen_on", .date), ("seen_on - 1", .date), ("seen_on - '2026-01-01'", .integer),
        ("'2026-03-01' - seen_on", .integer), ("'2026-01-01' + 1", .date), ("n > m", .boolean), ("n in [1, 2]", .boolean),
    ])
    func type(_ expression: String, _ expected: ValueType) throws {
        #expect(try Probe.type(expression) == expected)
    }

    // MARK: Dates (days since 1970-01-01)

    static let march1 = 20513  // 2026-03-01

    @Test func dateLiteralsAreDaysSince1970() throws {
        #expect(try Probe.value("'1970-01-01' + 0") == 0)
        #expect(try Probe.value("'2026-01-01' + 0") == 20454)
        #expect(try Probe.value("'2024-02-29' + 1") == 19783)
        #expect(try Probe.value("'1969-12-31' + 0") == -1)
    }

    @Test func dateArithmetic() throws {
        let record = ["seen_on": "2026-03-01"]
        #expect(try Probe.value("seen_on", record) == Double(Self.march1))
        #expect(try Probe.value("seen_on + 30", record) == Double(Self.march1 + 30))
        #expect(try Probe.value("seen_on - 1", record) == Double(Self.march1 - 1))
        #expect(try Probe.value("seen_on - '2026-01-01'", record) == 59)
        #expect(try Probe.value("'2026-12-31' - seen_on", record) == 305)
        #expect(try Probe.value("'2024-03-01' - '2024-02-28'") == 2)
        #expect(try Probe.value("'2023-03-01' - '2023-02-28'") == 1)
        #expect(try Probe.value("seen_on + 30", [:]) == nil)
    }

    @Test(arguments: [
        ("seen_on >= '2026-03-01'", Outcome.fired), ("seen_on > '2026-03-01'", .notFired),
        ("seen_on + 30 == '2026-03-31'", .fired), ("seen_on - '2025-03-01' == 365", .fired),
        ("'2026-01-01' <= seen_on < '2026-04-01'", .fired), ("seen_on < '2026-02-28' + 1", .notFired), ("seen_on < '2026-02-28' + 2", .fired),
    ])
    func dateComparisons(_ condition: String, _ expected: Outcome) throws {
        #expect(try Probe.outcome(condition, ["seen_on": "2026-03-01"]) == expected)
    }

    // MARK: Comparisons and membership

    @Test(arguments: [
        ("n == 7", Outcome.fired), ("n != 7", .notFired), ("n < 7", .notFired), ("n <= 7", .fired), ("n > 6", .fired),
        ("n >= 8", .notFired), ("5 <= n <= 9", .fired), ("5 <= n <= 6", .notFired), ("8 <= n <= 9", .notFired),
        ("m < n < 10", .fired), ("m < n < 7", .notFired), ("n in [1, 7]", .fired), ("n in [1, 2]", .notFired),
        ("n not in [1, 2]", .fired), ("n not in [7]", .notFired), ("n + 1 in [m * 4]", .fired),
        ("substance_use == misuse", .fired), ("substance_use > none", .fired), ("substance_use >= disorder", .notFired),
        ("substance_use in [none, misuse]", .fired), ("substance_use not in [none, misuse]", .notFired),
        ("substance_use == 'misuse'", .fired), ("smoker == true", .fired), ("smoker != lonely", .fired),
        ("income < 100", .fired), ("income < 99.95", .notFired), ("income >= 99.95", .fired), ("n / m == 3.5", .fired),
    ])
    func comparison(_ condition: String, _ expected: Outcome) throws {
        let inputs = ["n": "7", "m": "2", "substance_use": "Misuse", "smoker": "TRUE", "lonely": "0", "income": "99.95"]
        #expect(try Probe.outcome(condition, inputs) == expected)
    }

    // MARK: Unknown instead of a trap

    @Test(arguments: [
        (["n": "7", "m": "0"], "n / m"),
        (["n": "0", "m": "0"], "n / m"),
        (["n": "-7", "m": "0"], "n / m"),
        (["n": "999999999999999", "m": "10"], "n * m"),
        (["n": "67108864", "m": "134217729"], "n * m"),
        (["n": "-67108864", "m": "134217729"], "n * m"),
        (["n": "999999999999999", "m": "999999999999999"], "n * m * m"),
        (["n": "999999999999999", "m": "999999999999999"], "(n * m) - (n * m)"),
        (["n": "999999999999999", "m": "999999999999999"], "n * m / m"),
    ])
    func unknownNotATrap(_ inputs: [String: String], _ expression: String) throws {
        #expect(try Probe.value(expression, inputs) == nil)
    }

    @Test func twoToThe53IsStillExact() throws {
        #expect(try Probe.value("n * m", ["n": "67108864", "m": "134217728"]) == 9_007_199_254_740_992)
        #expect(try Probe.value("-n * m", ["n": "67108864", "m": "134217728"]) == -9_007_199_254_740_992)
    }

    @Test func aConditionOverAnUnknownResultIsUnknown() throws {
        #expect(try Probe.outcome("n / m > 1", ["n": "7", "m": "0"]) == .unknown)
        #expect(try Probe.outcome("n * m > 1", ["n": "999999999999999", "m": "10"]) == .unknown)
        // ... and Kleene logic still decides around it.
        #expect(try Probe.outcome("n / m > 1 or n > 1", ["n": "7", "m": "0"]) == .fired)
        #expect(try Probe.outcome("n / m > 1 and n > 10", ["n": "7", "m": "0"]) == .notFired)
    }
}
