import StratifyTestSupport
import StratifyEngine
import Testing

/// The LACE index of van Walraven et al. (CMAJ 2010): L from the length of
/// stay (<1 day 0, 1→1, 2→2, 3→3, 4–6→4, 7–13→5, ≥14→7), A 3 for an acute
/// admission, C from the Charlson index (0–3 as is, ≥4→5), E from ED visits
/// in six months (0–3 as is, ≥4→4), 0 to 19. Each row of each table, the
/// published worked example (LOS 5, acute, Charlson 2, 1 ED visit = 10),
/// and the extremes.
@Suite struct LACETests {
    struct Example: Sendable, CustomStringConvertible {
        var los: Int
        var acute: Bool
        var charlson: Int
        var ed: Int
        var lace: Int
        var description: String { "L(\(los)) A(\(acute)) C(\(charlson)) E(\(ed)) = \(lace)" }
    }

    static let examples: [Example] = [
        // The worked example.
        Example(los: 5, acute: true, charlson: 2, ed: 1, lace: 10),
        // Lowest and highest possible.
        Example(los: 0, acute: false, charlson: 0, ed: 0, lace: 0),
        Example(los: 14, acute: true, charlson: 4, ed: 4, lace: 19),
        Example(los: 365, acute: true, charlson: 40, ed: 365, lace: 19),
        // Length of stay, row by row.
        Example(los: 1, acute: false, charlson: 0, ed: 0, lace: 1),
        Example(los: 2, acute: false, charlson: 0, ed: 0, lace: 2),
        Example(los: 3, acute: false, charlson: 0, ed: 0, lace: 3),
        Example(los: 4, acute: false, charlson: 0, ed: 0, lace: 4),
        Example(los: 6, acute: false, charlson: 0, ed: 0, lace: 4),
        Example(los: 7, acute: false, charlson: 0, ed: 0, lace: 5),
        Example(los: 13, acute: false, charlson: 0, ed: 0, lace: 5),
        Example(los: 14, acute: false, charlson: 0, ed: 0, lace: 7),
        // Acuity, comorbidity and emergency visits.
        Example(los: 0, acute: true, charlson: 0, ed: 0, lace: 3),
        Example(los: 0, acute: false, charlson: 3, ed: 0, lace: 3),
        Example(los: 0, acute: false, charlson: 4, ed: 0, lace: 5),
        Example(los: 0, acute: false, charlson: 0, ed: 3, lace: 3),
        Example(los: 0, acute: false, charlson: 0, ed: 4, lace: 4),
        Example(los: 0, acute: false, charlson: 0, ed: 12, lace: 4),
        // Mixed.
        Example(los: 2, acute: true, charlson: 1, ed: 2, lace: 8),
        Example(los: 10, acute: false, charlson: 5, ed: 1, lace: 11),
    ]

    @Test func publishedExamples() throws {
        let text =
            Self.examples.enumerated().map { index, example in
                #"{"patient_id":"L\#(index)","los_days":\#(example.los),"acute_admission":\#(example.acute),"charlson_index":\#(example.charlson),"ed_visits_6mo":\#(example.ed)}"#
            }.joined(separator: "\n") + "\n"
        let path = RepositoryFixtures.temporaryFile(text, prefix: "stratify-trace", suffix: ".ndjson")
        let records = try TraceHarness.run([path])
        try #require(records.count == Self.examples.count)
        for (example, record) in zip(Self.examples, records) {
            #expect(record.trace.derived("lace")?.value == .integer(example.lace), "\(example)")
            #expect(record.trace.derived("lace")?.steps.hasSuffix("= \(example.lace)") == true, "\(example)")
        }
        #expect(
            records[0].trace.derived("lace")?.steps
                == "L 4 (los_days 5 in 4..6) + A 3 (acute_admission true) + C 2 (charlson_index 2) + E 1 (ed_visits_6mo 1) = 10")
        #expect(records[0].trace.fired.map(\.id).contains("clinical.lace_high"))
    }
}
