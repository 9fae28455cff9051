import Foundation
import Testing
import StratifyBatch
@testable import StratifyEvaluate

@Suite struct OutcomeTableTests {
    func read(_ text: String, type: OutcomeType? = nil, outcome: String = "y", suffix: String = ".csv") throws(BatchError) -> (OutcomeTable, OutcomeType) {
        let path = Fixture.temporaryFile(text, suffix: suffix)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = OutcomeTable()
        let reader = OutcomeReader(path: path, format: suffix == ".csv" ? .csv : .ndjson, identifierName: "patient_id", outcomeName: outcome, type: type)
        return (table, try reader.read(into: table))
    }

    func failure(_ text: String, type: OutcomeType? = nil, outcome: String = "y") -> String {
        do {
            _ = try read(text, type: type, outcome: outcome)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func guessesTheType() throws {
        #expect(try read("patient_id,y\nA,1\nB,0\nC,\n").1 == .binary)
        #expect(try read("patient_id,y\nA,Yes\nB,false\n").1 == .binary)
        #expect(try read("patient_id,y\nA,1\nB,2.5\n").1 == .number)
        #expect(try read("patient_id,y\nA,1\nB,0\n", type: .number).1 == .number)
        #expect(try read(#"{"patient_id":"A","y":true}"# + "\n" + #"{"patient_id":"B","y":null}"# + "\n", suffix: ".ndjson").1 == .binary)
    }

    @Test func matchesAndCountsTheUnmatched() throws {
        let (table, _) = try read("patient_id,y\nA,1\nB,\nC,0\n")
        #expect(table.count == 3 && table.missingCount == 1)
        #expect(table.match(hash: OutcomeTable.hash("A")) == .some(1))
        #expect(table.match(hash: OutcomeTable.hash("B")) == .some(nil))
        #expect(table.match(hash: OutcomeTable.hash("Q")) == nil)
        #expect(table.unmatchedCount == 1)
    }

    @Test func growsPastItsFirstSize() {
        let table = OutcomeTable()
        for k in 0..<5000 { #expect(table.insert(hash: OutcomeTable.hash("P\(k)"), value: Double(k))) }
        #expect((0..<5000).allSatisfy { table.match(hash: OutcomeTable.hash("P\($0)")) == .some(Double($0)) })
        #expect(table.unmatchedCount == 0)
    }

    @Test func errorsNameTheFileLineAndIdentifier() {
        #expect(failure("patient_id,y\nA,1\nB,0\nA,0\n").hasSuffix(":4: error: patient_id A has more than one outcome row"))
        #expect(failure("patient_id,y\nA,1\nB,maybe\n").hasSuffix(":3: error: patient_id B: y 'maybe' is not a number or 0/1, true/false, yes/no"))
        #expect(failure("patient_id,y\nA,yes\nB,2\n").hasSuffix(":3: error: patient_id B: y '2' is not 0/1, true/false or yes/no, as other rows are"))
        #expect(failure("patient_id,y\nA,2\n", type: .binary).hasSuffix(":2: error: patient_id A: y '2' is not 0/1, true/false or yes/no"))
        #expect(failure("patient_id,y\nA,yes\n", type: .number).hasSuffix(":2: error: patient_id A: y 'yes' is not a number"))
        #expect(failure("patient_id,y\n,1\n").hasSuffix(":2: error: the row has no patient_id"))
        #expect(failure("patient_id,z\nA,1\n").contains("no 'y' column"))
    }
}
