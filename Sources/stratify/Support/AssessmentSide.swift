import StratifyBatch
import StratifyIO
import StratifyMonitor
import StratifyRules

/// One side of a comparison over time (`track`, `worklist --previous`): an
/// intake file, scored with the rules, or a file that `stratify score`
/// wrote, read back as it is (recognised by its columns).
struct AssessmentSide {
    var path: String
    var program: Program
    var intake: IntakeOptions
    var errors: String?
    var quiet: Bool

    /// Reads the side into a table, as the previous side of a join is held.
    func readTable() throws -> (table: PatientTable, result: Result, duplicates: Int) {
        let builder = PatientTableBuilder()
        let result = try read(lookahead: builder.prefetch, builder.add)
        return (builder.finish(vocabulary: result.vocabulary), result, builder.duplicates)
    }

    struct Result {
        var vocabulary: AssessmentVocabulary
        var rejected: Int
        var isScoreOutput: Bool
    }

    /// Reads every assessment of the side, in order, each valid during its
    /// call only. `body` returns, for a record that repeats an earlier
    /// one's identifier, that record's number: in intake, the batch warns
    /// about it (see ``PopulationRun/forEachInPlace(lookahead:_:)``).
    func read(
        lookahead: ((AssessmentRecord) -> Void)? = nil, _ body: @escaping (AssessmentRecord, AssessmentVocabulary) -> Int?
    ) throws -> Result {
        let format = try intake.formats(of: [path])[0]
        let identifierName = program.inputs[program.identifier].name
        do {
            if try ScoredFileReader.isScoreOutput(path: path, format: format, identifierName: identifierName) {
                let reader = ScoredFileReader(path: path, format: format, program: program)
                try reader.readRecords(jobs: intake.jobs ?? BatchCommandRun.coreCount, lookahead: lookahead) { record in
                    _ = body(record, reader.vocabulary)
                }
                Terminal.standardError.write("\(path): \(reader.records) assessments read from score output\n")
                return Result(vocabulary: reader.vocabulary, rejected: 0, isScoreOutput: true)
            }
        } catch {
            Terminal.standardError.write(error.description + "\n")
            throw ExitStatus.failure
        }
        let vocabulary = AssessmentVocabulary(program: program)
        let summary = try PopulationRun(
            program: program, intake: intake, inputs: [path], errors: errors, quiet: quiet, label: path
        ).forEachInPlace(lookahead: lookahead) { body($0, vocabulary) }
        return Result(vocabulary: vocabulary, rejected: summary.rejected, isScoreOutput: false)
    }
}
