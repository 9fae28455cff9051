import StratifyTestSupport
import Foundation
import StratifyEngine
import StratifyExplain
import Testing

/// For every record of the acceptance files: each rule's outcome (fired,
/// not_fired, unknown) and the derived LACE and blood-pressure category,
/// in the `Trace` and in the JSON trace, agree with `SpecOracle`, an
/// independent reading of the spec; the trace's output fields agree with
/// `score`'s line for the same record and with the expected output of the
/// independent implementation; and the JSON trace says what the `Trace` says.
@Suite struct AcceptanceTraceTests {
    static let files: [(input: String, expected: String, errors: String)] = [
        ("acceptance/edge-cases.csv", "acceptance/edge-cases.expected.csv", "acceptance/edge-cases.errors.csv"),
        ("acceptance/reference-2k.csv", "acceptance/reference-2k.expected.csv", "acceptance/reference-2k.errors.csv"),
        ("acceptance/reference-1k.ndjson", "acceptance/reference-1k.expected.csv", "acceptance/reference-1k.errors.csv"),
    ]

    @Test(arguments: files.map(\.input))
    func rulesHoldPerTheSpec(input: String) throws {
        let file = Self.files.first { $0.input == input }!
        let records = try TraceHarness.run([RepositoryFixtures.fixture(input)])
        let text = RepositoryFixtures.read(RepositoryFixtures.fixture(input))
        let intake = input.hasSuffix(".csv") ? IntakeText.csv(text) : IntakeText.ndjson(text)
        let rejected = IntakeText.rejectedRecords(RepositoryFixtures.read(RepositoryFixtures.fixture(file.errors)))
        let valid = intake.enumerated().filter { !rejected.contains($0.offset + 1) }.map(\.element)
        try #require(valid.count == records.count)
        for (values, record) in zip(valid, records) {
            let trace = record.trace
            let oracle = SpecOracle(values)
            #expect(trace.identifier == values["patient_id"])
            #expect(trace.fired.map(\.id).sorted() == oracle.holding, "\(trace.identifier)")
            for rule in trace.rules {
                let expected: Outcome =
                    switch oracle.rules[rule.id] {
                    case true?: .fired
                    case false?: .notFired
                    default: .unknown
                    }
                #expect(rule.outcome == expected, "\(trace.identifier) \(rule.id)")
            }
            #expect(trace.derived("lace")?.value == oracle.lace.map { TraceValue.integer($0) } ?? .unknown, "\(trace.identifier)")
            #expect(trace.derived("bp_category")?.value == oracle.bpCategory.map { TraceValue.name($0) } ?? .unknown, "\(trace.identifier)")
            // The JSON trace, as a machine reads it.
            let rules = record.json["rules"] as? [[String: Any]] ?? []
            #expect(rules.compactMap { $0["id"] as? String }.sorted() == oracle.rules.keys.sorted(), "\(trace.identifier)")
            for rule in rules {
                let id = rule["id"] as? String ?? ""
                let expected =
                    switch oracle.rules[id] {
                    case true?: "fired"
                    case false?: "not_fired"
                    default: "unknown"
                    }
                #expect(rule["outcome"] as? String == expected, "\(trace.identifier) \(id)")
            }
            let derived = record.json["derived"] as? [String: Any] ?? [:]
            #expect(TraceChecks.value(derived["lace"]) == oracle.lace.map { TraceValue.integer($0) } ?? .unknown, "\(trace.identifier)")
            #expect(
                TraceChecks.value(derived["bp_category"]) == oracle.bpCategory.map { TraceValue.name($0) } ?? .unknown,
                "\(trace.identifier)")
        }
    }

    @Test(arguments: files.map(\.input))
    func traceAgreesWithScore(input: String) throws {
        let file = Self.files.first { $0.input == input }!
        let records = try TraceHarness.run([RepositoryFixtures.fixture(input)])
        let expected = RepositoryFixtures.read(RepositoryFixtures.fixture(file.expected)).split(separator: "\n").dropFirst().map(String.init)
        try #require(expected.count == records.count)
        for (line, record) in zip(expected, records) {
            #expect(TraceChecks.scoreLine(of: record.trace) == record.score)
            #expect(record.score == line)
            TraceChecks.expectJSONMatches(record)
        }
    }
}
