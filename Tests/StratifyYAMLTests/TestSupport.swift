import StratifyCore
import StratifyYAML
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads `text` as a rule file named `rules.yaml`.
func load(_ text: String, limits: YAMLLimits = .default) throws(DiagnosticError) -> YAMLNode {
    try YAMLLoader.load(SourceFile(path: "rules.yaml", text: text), limits: limits)
}

/// The single diagnostic that loading `bytes` produces, or nil when it loads.
func refusal(_ bytes: [UInt8], limits: YAMLLimits = .default) -> Diagnostic? {
    do {
        _ = try YAMLLoader.load(SourceFile(path: "rules.yaml", bytes: bytes), limits: limits)
        return nil
    } catch {
        return error.diagnostics.count == 1 ? error.diagnostics[0] : nil
    }
}

func refusal(_ text: String, limits: YAMLLimits = .default) -> Diagnostic? {
    refusal(Array(text.utf8), limits: limits)
}

/// The first diagnostic of loading `source`, rendered as `check` prints it;
/// a test issue when the source loads.
func renderedRefusal(_ source: SourceFile) throws -> String {
    do {
        _ = try YAMLLoader.load(source)
    } catch {
        return DiagnosticRenderer().render(try #require(error.diagnostics.first), source: source)
    }
    Issue.record("expected a refusal")
    return ""
}

/// "line:column" of a location, for compact expectations.
func at(_ location: StratifyCore.SourceLocation?) -> String {
    location.map { "\($0.line):\($0.column)" } ?? "nil"
}

/// The value for `key` in a mapping node.
func value(_ node: YAMLNode?, _ key: String) -> YAMLNode? {
    node?.mapping?.first { $0.key.scalar == key }?.value
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The process's peak resident set size so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss  // bytes on Darwin
    #endif
}
