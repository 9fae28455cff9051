import StratifyCore
import StratifyYAML

/// Loads a rule file: YAML → rule model (decoding) → checked `Program`
/// (checking) → its instructions (planning).
public enum RuleCompiler {
    /// The result of compiling: a program when there is no error, and every
    /// diagnostic found (errors and warnings), in file order.
    public struct Output: Sendable {
        public var program: Program?
        public var diagnostics: [Diagnostic]
        /// The rule file as written (with the location of every key), when it
        /// could be decoded; linting reads it to point at what it reports.
        public var ruleSet: RuleSet? = nil
    }

    public static func compile(_ source: SourceFile, limits: YAMLLimits = .default) -> Output {
        let root: YAMLNode
        do {
            root = try YAMLLoader.load(source, limits: limits)
        } catch {
            return Output(program: nil, diagnostics: error.diagnostics)
        }
        let context = DecodingContext(source: source)
        guard let ruleSet = RuleSetDecoder(context: context).decode(root) else {
            return Output(program: nil, diagnostics: sorted(context.diagnostics))
        }
        var checker = RuleChecker(context: context, ruleSet: ruleSet)
        guard var program = checker.check(), !context.hasErrors else {
            return Output(program: nil, diagnostics: sorted(context.diagnostics), ruleSet: ruleSet)
        }
        program.code = CodePlanner.plan(program)
        return Output(program: program, diagnostics: sorted(context.diagnostics), ruleSet: ruleSet)
    }

    /// Compiles, or throws every diagnostic when there is an error.
    public static func program(_ source: SourceFile, limits: YAMLLimits = .default) throws(DiagnosticError) -> Program {
        let output = compile(source, limits: limits)
        guard let program = output.program else { throw DiagnosticError(output.diagnostics) }
        return program
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let left = a.element.location ?? SourceLocation(line: 0, column: 0, offset: 0)
            let right = b.element.location ?? SourceLocation(line: 0, column: 0, offset: 0)
            return left == right ? a.offset < b.offset : left < right
        }.map(\.element)
    }
}
