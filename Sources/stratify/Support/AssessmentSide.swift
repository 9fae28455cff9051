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

    struct Result {
        var vocabulary: AssessmentVocabulary
        var rejected: Int
        var isScoreOutput: Bool
    }

    /// Reads every assessment of the side, in order. Repeated identifiers
    /// in score output are reported here; in intake, the batch reports them.
    func read(_ body: @escaping (Assessment, AssessmentVocabulary) -> Void) throws -> Result {
        let format = try intake.formats(of: [path])[0]
        let identifierName = program.inputs[program.identifier].name
        do {
            if try ScoredFileReader.isScoreOutput(path: path, format: format, identifierName: identifierName) {
                let reader = ScoredFileReader(path: path, format: format, program: program)
                try reader.read { body($0, reader.vocabulary) }
                Terminal.standardError.write("\(path): \(reader.records) assessments read from score output\n")
                return Result(vocabulary: reader.vocabulary, rejected: 0, isScoreOutput: true)
            }
        } catch let error as BatchError {
            Terminal.standardError.write(error.description + "\n")
            throw ExitStatus.failure
        }
        let vocabulary = AssessmentVocabulary(program: program)
        let summary = try PopulationRun(
            program: program, intake: intake, inputs: [path], errors: errors, quiet: quiet, label: path
        ).forEach { body($0, vocabulary) }
        return Result(vocabulary: vocabulary, rejected: summary.rejected, isScoreOutput: false)
    }
}
