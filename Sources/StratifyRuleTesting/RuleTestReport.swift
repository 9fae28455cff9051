/// The text of a test run, for people: failures with the trace that
/// decided them, the closing counts, and coverage.
package enum RuleTestReport {
    /// A failing case: where it is, each expectation that did not hold
    /// (expected vs actual, at its own line) and its trace.
    package static func failure(_ result: RuleCaseResult, in file: RuleTestFile) -> String {
        var lines = ["FAIL \(file.source.path):\(result.location): \(result.name)"]
        var shown = Set<[String]>()
        for failure in result.failures {
            lines.append("  \(file.source.path):\(failure.location): \(failure.subject): expected \(failure.expected), got \(failure.actual)")
            // A section (a line and the lines indented under it) that an
            // earlier failure of the case already showed is not repeated.
            for section in sections(failure.trace) {
                if shown.insert(section).inserted {
                    lines += section.map { "      " + $0 }
                } else {
                    lines.append("      " + section[0] + " (as above)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func sections(_ lines: [String]) -> [[String]] {
        var sections: [[String]] = []
        for line in lines {
            if line.hasPrefix(" "), !sections.isEmpty {
                sections[sections.count - 1].append(line)
            } else {
                sections.append([line])
            }
        }
        return sections
    }

    package static func pass(_ result: RuleCaseResult, in file: RuleTestFile) -> String {
        "PASS \(file.source.path):\(result.location): \(result.name)"
    }

    /// The failures of a whole run, then the counts; the last line is
    /// `N passed, M failed`.
    package static func text(_ suite: RuleTestSuiteResult, verbose: Bool = false) -> String {
        let cases = results(suite, verbose: verbose)
        return (cases.isEmpty ? "" : cases + "\n") + closing(suite)
    }

    /// Each failing case (and, when `verbose`, each passing one).
    package static func results(_ suite: RuleTestSuiteResult, verbose: Bool = false) -> String {
        var blocks: [String] = []
        for file in suite.files {
            for result in file.cases {
                if !result.passed {
                    blocks.append(failure(result, in: file.file))
                } else if verbose {
                    blocks.append(pass(result, in: file.file))
                }
            }
        }
        return blocks.isEmpty ? "" : blocks.joined(separator: verbose ? "\n" : "\n\n") + "\n"
    }

    /// What ran, then `N passed, M failed`.
    package static func closing(_ suite: RuleTestSuiteResult) -> String {
        let cases = suite.files.reduce(0) { $0 + $1.cases.count }
        var text = "Ran \(cases) case\(cases == 1 ? "" : "s") from \(suite.files.count) test file\(suite.files.count == 1 ? "" : "s")"
        if !suite.coverage.isEmpty { text += " against \(suite.coverage.map(\.rulesPath).joined(separator: ", "))" }
        let broken = Set(suite.problems.map(\.diagnostic.path)).count + suite.pathErrors.count
        if broken > 0 { text += "; \(broken) file\(broken == 1 ? "" : "s") could not run (see the errors)" }
        return text + ".\n\(suite.passed) passed, \(suite.failed) failed\n"
    }

    /// Coverage of one rule file: the percentage, counts by kind, and every
    /// item not exercised, located in the rule file where it can be.
    package static func coverage(_ coverage: RuleCoverage, rulesPath: String) -> String {
        let items = coverage.items
        var lines = ["Coverage of \(rulesPath): \(percentText(coverage.percent)) (\(items.count { $0.exercised }) of \(items.count) items)"]
        for kind in RuleCoverageItem.Kind.allCases {
            let ofKind = items.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            let label = kind.rawValue + String(repeating: " ", count: max(1, 30 - kind.rawValue.count))
            lines.append("  \(label)\(ofKind.count { $0.exercised }) of \(ofKind.count)")
        }
        let gaps = items.filter { !$0.exercised }
        if !gaps.isEmpty {
            lines.append("  not exercised:")
            for gap in gaps {
                let place = gap.location.map { "\(rulesPath):\($0)" } ?? rulesPath
                lines.append("    \(place): \(gap.gap)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `97.3%`, rounded down so that anything short of complete is below 100.
    package static func percentText(_ percent: Double) -> String {
        let tenths = Int((percent * 10).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
