import StratifyCore
import StratifyEngine
import StratifyRules
import StratifyYAML

/// The YAML loader and the rule compiler on arbitrary bytes: every input
/// either compiles or is refused with diagnostics, which are rendered. A
/// program that compiles is evaluated once with every input missing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = SourceFile(path: "fuzz.yaml", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let output = RuleCompiler.compile(source)
    let renderer = DiagnosticRenderer()
    for diagnostic in output.diagnostics {
        _ = renderer.render(diagnostic, source: source)
    }
    if let program = output.program {
        precondition(!output.diagnostics.contains { $0.severity == .error })
        let evaluator = Evaluator(program: program)
        evaluator.clearInputs()
        evaluator.evaluate()
        precondition(evaluator.modelIndex >= 0 && evaluator.modelIndex < program.models.count)
    } else {
        precondition(output.diagnostics.contains { $0.severity == .error }, "refused without an error")
    }
    return 0
}
