import StratifyTestSupport
import Foundation
import PropertyBased
import StratifyCore
import StratifyEngine
import StratifyExplain
import StratifyIO
import StratifyRules
import Testing

/// For random records (values anywhere in the schema's ranges, often at the
/// rules' boundaries, any field missing), every trace agrees with `score`
/// on every output field, and the JSON trace with the `Trace`.
@Suite struct TracePropertyTests {
    static let program = TraceHarness.program

    /// One NDJSON record from random numbers, one per input: about one value
    /// in seven missing, half of the numbers at a constant the rules compare
    /// with (±1), the rest anywhere in range; booleans and enum values in
    /// the spellings the intake accepts.
    static func record(_ numbers: [Int], index: Int) -> String {
        var members: [String] = []
        for (input, field) in program.inputs.enumerated() {
            let n = numbers[input % numbers.count] &+ input
            if input == program.identifier {
                members.append("\"\(field.name)\":\"R\(index)\"")
                continue
            }
            if n % 7 == 0 { continue }
            let value: String
            switch field.type {
            case .integer, .number:
                let minimum = field.minimum ?? 0
                let maximum = field.maximum ?? 1000
                let candidates = TraceHarness.plan.candidates[input]
                if n % 2 == 0, !candidates.isEmpty {
                    value = ValueKind.numberText(candidates[(n / 2) % candidates.count])
                } else if field.type == .integer {
                    value = String(Int(minimum) + (n / 2) % (Int(maximum - minimum) + 1))
                } else {
                    value = ValueKind.numberText(min(maximum, minimum + Double((n / 2) % 100_000) / 10))
                }
            case .boolean:
                value = "\"\(["true", "false", "yes", "no", "1", "0", "TRUE", "No"][(n / 7) % 8])\""
            case .enumeration(let type):
                let name = type.values[(n / 7) % type.values.count]
                value = "\"\(n % 3 == 0 ? name.uppercased() : name)\""
            case .date:
                let minimum = Int(field.minimum ?? 0)
                let maximum = Int(field.maximum ?? 40000)
                value = "\"\(ISODate.format(daysSince1970: minimum + (n / 7) % (maximum - minimum + 1)))\""
            case .string:
                value = "\"text\""
            }
            members.append("\"\(field.name)\":\(value)")
        }
        return "{" + members.joined(separator: ",") + "}\n"
    }

    static let batches = Gen.int(in: 0...Int(Int32.max)).array(of: program.inputs.count).array(of: 1...20)

    @Test func everyTraceAgreesWithScore() async throws {
        await propertyCheck(count: 40, input: Self.batches) { batch in
            let text = batch.enumerated().map { Self.record($0.element, index: $0.offset) }.joined()
            let path = RepositoryFixtures.temporaryFile(text, prefix: "stratify-trace", suffix: ".ndjson")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let records = try TraceHarness.run([path])
            #expect(records.count == batch.count)
            for record in records {
                #expect(TraceChecks.scoreLine(of: record.trace) == record.score)
                TraceChecks.expectJSONMatches(record)
                // A rule is unknown exactly when it names missing inputs (no
                // overflow is possible with these rules).
                for rule in record.trace.rules {
                    #expect((rule.outcome == .unknown) == !rule.missing.isEmpty, "\(rule.id)")
                    #expect(rule.missing.allSatisfy(record.trace.missing.contains))
                }
                // The highest reachable tier is a bound: never below the tier.
                let tiers = Self.program.tiers.values
                #expect(tiers.firstIndex(of: record.trace.overall.reachable)! >= tiers.firstIndex(of: record.trace.tier)!)
                if record.trace.missing.isEmpty {
                    #expect(record.trace.overall.exact && record.trace.overall.reachable == record.trace.tier)
                }
            }
        }
    }

    /// Each model change the trace proposes, applied to the record, gives
    /// that model when scored.
    @Test func modelChangesDoWhatTheySay() async throws {
        await propertyCheck(count: 8, input: Self.batches) { batch in
            let text = batch.enumerated().map { Self.record($0.element, index: $0.offset) }.joined()
            let path = RepositoryFixtures.temporaryFile(text, prefix: "stratify-trace", suffix: ".ndjson")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let records = try TraceHarness.run([path], whatIf: true)
            var lines: [String] = []
            var expected: [String] = []
            for (index, record) in records.enumerated() {
                let original = try #require(JSONSerialization.jsonObject(with: Data(text.split(separator: "\n")[index].utf8)) as? [String: Any])
                for change in record.trace.modelChanges ?? [] {
                    var changed = original
                    changed[change.field] = change.to.description
                    let data = try JSONSerialization.data(withJSONObject: changed)
                    lines.append(String(decoding: data, as: UTF8.self))
                    expected.append(change.model)
                }
            }
            guard !lines.isEmpty else { return }
            let changedPath = RepositoryFixtures.temporaryFile(lines.joined(separator: "\n") + "\n", prefix: "stratify-trace", suffix: ".ndjson")
            defer { try? FileManager.default.removeItem(atPath: changedPath) }
            let rescored = try TraceHarness.run([changedPath])
            #expect(rescored.map(\.trace.model) == expected)
        }
    }
}
