import StratifyCore
import StratifyEngine
import StratifyRules
import StratifyYAML

/// The expression lexer and parser on arbitrary text: a tree or an error
/// inside the text, never a crash, and never a tree deeper than the limit.
/// Text that parses is then checked, compiled and evaluated as the
/// condition of a rule in `FuzzSchema` (for a record with every input
/// missing and one with every input set), so that the checker, the compiler
/// and the evaluator see every shape of expression the parser accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let expr = try Parser.parse(text)
        precondition(expr.depth <= Parser.maxDepth, "depth \(expr.depth)")
        precondition(expr.range.lowerBound >= 0 && expr.range.upperBound <= text.utf8.count)
    } catch {
        precondition(error.range.lowerBound >= 0 && error.range.upperBound <= text.utf8.count + 1, "error range \(error.range)")
        return 0
    }
    let rules = FuzzSchema.text.replacingFirstCondition(with: yamlQuoted(text))
    let output = RuleCompiler.compile(SourceFile(path: "fuzz.yaml", text: rules))
    guard let program = output.program else {
        precondition(output.diagnostics.contains { $0.severity == .error }, "refused without an error")
        return 0
    }
    let evaluator = Evaluator(program: program)
    evaluator.clearInputs()
    evaluator.evaluate()
    // n = 7, x = -2.5, ok = true, kind = c, day = 2000-01-01.
    for (index, value) in [0, 7, -2.5, 1, 2, 10957, 0].enumerated() where index > 0 && index < program.inputs.count {
        evaluator.inputRegisters[index] = value
    }
    evaluator.evaluate()
    precondition(evaluator.modelIndex >= 0 && evaluator.modelIndex < program.models.count)
    return 0
}

/// `text` as a YAML double-quoted scalar.
func yamlQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    /// The rule file with its first `when:` replaced.
    func replacingFirstCondition(with condition: String) -> String {
        replacing("when: n > 10 or ok", with: "when: " + condition, maxReplacements: 1)
    }
}
