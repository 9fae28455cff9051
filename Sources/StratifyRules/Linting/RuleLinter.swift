import StratifyCore
import StratifyYAML

/// Warnings about a rule file that loads, but does something its author
/// probably did not mean: a rule that can never fire, a condition that is
/// always true, a model that is never chosen, a floor or escalation that never
/// changes a tier, an input nothing uses.
///
/// Linting reads the compiled `Program` (what the engine will run) and the
/// `RuleSet` (where each thing was written). It runs only when asked
/// (`stratify check`), never on the scoring path.
public enum RuleLinter {
    /// One lint: a pass over the program that reports what it finds.
    protocol Lint: Sendable {
        func run(_ context: LintContext)
    }

    static let lints: [any Lint] = [
        ConditionLint(),
        ModelShadowLint(),
        TierChangeLint(),
        UnreachableTierLint(),
        DerivedValueLint(),
        UsageLint(),
    ]

    /// Every warning and note about `program`, in file order.
    public static func lint(_ program: Program, ruleSet: RuleSet) -> [Diagnostic] {
        let context = LintContext(program: program, ruleSet: ruleSet)
        for lint in lints { lint.run(context) }
        return RuleCompiler.sorted(context.diagnostics)
    }
}

extension RuleCompiler {
    /// Compiles like `compile`, and when the file has no error, adds the
    /// linter's warnings and notes: what `stratify check` reports.
    public static func check(_ source: SourceFile, limits: YAMLLimits = .default) -> Output {
        var output = compile(source, limits: limits)
        if let program = output.program, let ruleSet = output.ruleSet {
            output.diagnostics = sorted(output.diagnostics + RuleLinter.lint(program, ruleSet: ruleSet))
        }
        return output
    }
}
