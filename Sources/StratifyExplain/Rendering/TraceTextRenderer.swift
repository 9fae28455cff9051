import StratifyEngine

/// Renders a `Trace` as text a nurse can read in a 100-column terminal:
/// the result first, then the rules that fired with their reasons, the
/// rules left unknown by missing data, the domains, the overall tier, the
/// model and why earlier models did not hold, the review date, and what
/// would change the result; the rules that did not fire come last.
public struct TraceTextRenderer: Sendable {
    public var ruleSetName: String?
    /// The rule file's SHA-256 (hex); the header shows its first 12 digits.
    public var ruleSetDigest: String?
    /// ANSI colour (bold headings, green/red/yellow marks).
    public var color: Bool
    public var width: Int

    public init(ruleSetName: String? = nil, ruleSetDigest: String? = nil, color: Bool = false, width: Int = 100) {
        self.ruleSetName = ruleSetName
        self.ruleSetDigest = ruleSetDigest
        self.color = color
        self.width = max(40, width)
    }

    public func render(_ trace: Trace) -> String {
        var lines = Lines(width: width, color: color)
        header(trace, &lines)
        fired(trace, &lines)
        unknown(trace, &lines)
        derived(trace, &lines)
        domains(trace, &lines)
        overall(trace, &lines)
        model(trace, &lines)
        whatWouldChange(trace, &lines)
        notFired(trace, &lines)
        lines.blank()
        return lines.text
    }

    // MARK: - Sections

    private func header(_ trace: Trace, _ lines: inout Lines) {
        let rule = String(repeating: "═", count: width)
        lines.add(rule, style: .dim)
        lines.add(
            "\(trace.identifierName) \(trace.identifier): tier \(trace.tier.uppercased()), model \(trace.model)"
                + (trace.reviewBy.map { ", review by \($0)" } ?? ""), style: .heading)
        if let caveat = Self.sparseData(trace) {
            lines.wrap(caveat, indent: 0, hanging: 2, style: .warning)
        }
        lines.wrap(
            "Total score \(trace.totalScore). "
                + (trace.flags.isEmpty ? "No flags." : "Flags: \(trace.flags.joined(separator: ", ")).")
                + (ruleSet.map { " Rule set: \($0)." } ?? ""), indent: 0)
        if trace.missing.isEmpty {
            lines.add("No missing data.")
        } else {
            lines.wrap(
                "Missing data (\(trace.missing.count)): \(trace.missing.joined(separator: ", ")). "
                    + "The scores count only what is known.", indent: 0, hanging: 2, style: .warning)
        }
    }

    /// `reference (sha256 d142ca8b10a8)`, or what is known of it.
    private var ruleSet: String? {
        let digest = ruleSetDigest.map { "sha256 \($0.prefix(12))" }
        guard let ruleSetName else { return digest }
        return digest.map { "\(ruleSetName) (\($0))" } ?? ruleSetName
    }

    /// Right under the result, when inputs are missing: how much the
    /// record was scored on, and the highest tier the missing data could
    /// lead to (the bound of "What would change it").
    static func sparseData(_ trace: Trace) -> String? {
        guard !trace.missing.isEmpty else { return nil }
        let scoredOn = "Scored on \(trace.inputsKnown) of \(trace.inputsTotal) inputs; "
        if trace.overall.reachable != trace.tier {
            return scoredOn + "if the missing data were known, the tier could be as high as \(trace.overall.reachable)."
        }
        return scoredOn + "the missing data could not raise the tier."
    }

    private func fired(_ trace: Trace, _ lines: inout Lines) {
        let fired = trace.fired
        lines.section(fired.isEmpty ? "No rule fired" : "Why: the rules that fired (\(fired.count))")
        for rule in fired {
            let flag = rule.flag.map { ", flag \($0)" } ?? ""
            lines.wrap("✓ \(rule.id): \(signed(rule.points)) to \(rule.domain)\(flag)", indent: 2, hanging: 4)
            lines.wrap(
                sentences(rule.condition.held.isEmpty ? rule.condition.checks.map(\.sentence) : rule.condition.held.map(\.sentence)),
                indent: 6)
            lines.wrap(rule.because, indent: 6, style: .quote)
        }
    }

    private func unknown(_ trace: Trace, _ lines: inout Lines) {
        let unknown = trace.rules.filter { $0.outcome == .unknown }
        guard !unknown.isEmpty else { return }
        lines.section("Not known: rules that need missing data (\(unknown.count), counted as not fired)")
        for rule in unknown {
            let needs = rule.missing.isEmpty ? "cannot be computed (overflow or division by zero)" : "needs \(rule.missing.joined(separator: ", "))"
            lines.wrap("? \(rule.id): would add \(signed(rule.points)) to \(rule.domain); \(needs)", indent: 2, hanging: 4)
            lines.wrap(sentences(rule.condition.checks.map(\.sentence)), indent: 6)
        }
    }

    private func derived(_ trace: Trace, _ lines: inout Lines) {
        guard !trace.derived.isEmpty else { return }
        lines.section("Derived values")
        for value in trace.derived {
            lines.wrap("\(value.name) = \(value.steps)", indent: 2, hanging: 4)
        }
    }

    private func domains(_ trace: Trace, _ lines: inout Lines) {
        lines.section("Domains")
        let nameWidth = (trace.domains.map(\.name.count).max() ?? 0) + 1
        for domain in trace.domains {
            let name = domain.name.rightPadded(to: nameWidth)
            let score = String(domain.score).leftPadded(to: 3)
            var text = "\(name)\(score)  \(domain.tier)"
            if domain.tier != domain.scale.band.tier {
                text += " (band \(domain.scale.band.tier) \(domain.scale.band.range))"
            } else {
                text += " (\(domain.scale.band.range))"
            }
            lines.wrap(text, indent: 2, hanging: nameWidth + 7)
            for floor in domain.floors where floor.applied {
                lines.wrap("raised to at least \(floor.atLeast) by \(floor.id): \(floor.because)", indent: nameWidth + 7, style: .quote)
            }
            for floor in domain.floors where floor.condition.outcome == .unknown {
                lines.wrap(
                    "\(floor.id) (at least \(floor.atLeast)) is not known: needs \(floor.condition.missing.joined(separator: ", "))",
                    indent: nameWidth + 7, style: .warning)
            }
        }
    }

    private func overall(_ trace: Trace, _ lines: inout Lines) {
        lines.section("Overall")
        let band = trace.overall.band
        lines.wrap("Total \(trace.totalScore): \(band.tier) (\(band.range)).", indent: 2)
        for escalation in trace.escalations {
            switch escalation.condition.outcome {
            case .fired:
                lines.wrap(
                    "✓ \(escalation.id) applies: at least \(escalation.atLeast). \(sentences(escalation.condition.held.map(\.sentence)))",
                    indent: 2, hanging: 4)
                lines.wrap(escalation.because, indent: 4, style: .quote)
            case .unknown:
                lines.wrap(
                    "? \(escalation.id) (at least \(escalation.atLeast)) is not known: needs \(escalation.condition.missing.joined(separator: ", "))",
                    indent: 2, hanging: 4)
            case .notFired:
                lines.wrap("✗ \(escalation.id) does not apply: \(sentences(escalation.condition.failed.map(\.sentence)))", indent: 2, hanging: 4)
            }
        }
        let raised = trace.tier != band.tier ? " (raised from \(band.tier) by escalation)" : ""
        lines.add("  Tier: \(trace.tier)\(raised)", style: .heading)
    }

    private func model(_ trace: Trace, _ lines: inout Lines) {
        guard let chosen = trace.modelCandidates.first(where: \.chosen) else { return }
        lines.section("Model: \(chosen.id), \(chosen.contact), review after \(chosen.reviewDays) days")
        for candidate in trace.modelCandidates {
            if candidate.chosen {
                let why = candidate.condition.map { sentences($0.held.map(\.sentence)) } ?? "the last model always holds"
                lines.wrap("✓ \(candidate.id): \(why)", indent: 2, hanging: 4)
                lines.wrap(candidate.because, indent: 4, style: .quote)
                break
            }
            guard let condition = candidate.condition else { continue }
            switch condition.outcome {
            case .notFired:
                lines.wrap("✗ \(candidate.id) does not hold: \(sentences(condition.failed.map(\.sentence)))", indent: 2, hanging: 4)
            case .unknown:
                lines.wrap(
                    "? \(candidate.id) is not known, so it does not hold: needs \(condition.missing.joined(separator: ", "))",
                    indent: 2, hanging: 4)
            case .fired:
                break
            }
        }
        if let reviewBy = trace.reviewBy {
            lines.add("  Review by \(reviewBy).")
        } else {
            lines.add("  No review date: the date it counts from is missing.", style: .warning)
        }
    }

    private func whatWouldChange(_ trace: Trace, _ lines: inout Lines) {
        lines.section("What would change it")
        for domain in trace.domains {
            lines.wrap(
                "\(domain.name) \(domain.score): \(distance(domain.scale))"
                    + (domain.tier != domain.scale.band.tier ? " (a floor keeps the tier at \(domain.tier))" : ""), indent: 2, hanging: 4)
        }
        let escalated = trace.tier != trace.overall.band.tier ? " (escalation keeps the tier at \(trace.tier))" : ""
        lines.wrap("total \(trace.totalScore): \(distance(trace.overall))\(escalated)", indent: 2, hanging: 4)
        if !trace.missing.isEmpty {
            if trace.overall.exact {
                lines.wrap("The missing data cannot change the tier: it stays \(trace.tier).", indent: 2, hanging: 4)
            } else {
                let raised = trace.domains.filter { $0.scale.reachable != $0.tier }.map { "\($0.name) \($0.scale.reachable)" }
                lines.wrap(
                    "If the missing data were known, the tier could be at most \(trace.overall.reachable)"
                        + (raised.isEmpty ? "" : " (domains at most: \(raised.joined(separator: ", ")))")
                        + ". This is an upper bound, not a prediction.", indent: 2, hanging: 4, style: .warning)
            }
        }
        guard let changes = trace.modelChanges else { return }
        if changes.isEmpty {
            lines.wrap("No change to a single field would change the model.", indent: 2)
            return
        }
        lines.wrap("The model would change with one field changed (nearest first):", indent: 2)
        for change in changes.prefix(6) {
            let from = change.from.isUnknown ? "missing" : change.from.description
            lines.wrap("\(change.field) \(from) → \(change.to): \(change.model)", indent: 4, hanging: 6)
        }
        if changes.count > 6 {
            lines.wrap("and \(changes.count - 6) more (see --format json).", indent: 4)
        }
    }

    private func notFired(_ trace: Trace, _ lines: inout Lines) {
        let rules = trace.rules.filter { $0.outcome == .notFired }
        guard !rules.isEmpty else { return }
        lines.section("Rules that did not fire (\(rules.count))")
        for rule in rules {
            lines.wrap("✗ \(rule.id) (\(signed(rule.points))): \(sentences(rule.condition.failed.map(\.sentence)))", indent: 2, hanging: 4)
        }
    }

    // MARK: - Words

    private func distance(_ scale: Trace.Scale) -> String {
        var parts: [String] = []
        if let up = scale.up { parts.append("\(points(up.points)) below \(up.tier)") }
        if let down = scale.down { parts.append("\(points(down.points)) above \(down.tier)") }
        if parts.isEmpty { return "the only band" }
        return "\(scale.band.tier); " + parts.joined(separator: ", ")
    }

    private func points(_ count: Int) -> String {
        count == 1 ? "1 point" : "\(count) points"
    }

    private func signed(_ points: Int) -> String {
        points >= 0 ? "+\(points)" : "\(points)"
    }

    private func sentences(_ items: [String]) -> String {
        items.joined(separator: "; ")
    }
}

/// Lines of output, wrapped at a width, with optional ANSI colour.
struct Lines {
    enum Style { case plain, heading, dim, quote, warning }

    let width: Int
    let color: Bool
    private(set) var text = ""

    init(width: Int, color: Bool) {
        self.width = width
        self.color = color
    }

    mutating func blank() { text += "\n" }

    mutating func section(_ title: String) {
        blank()
        add(title, style: .heading)
    }

    mutating func add(_ line: String, style: Style = .plain) {
        text += paint(line, style) + "\n"
    }

    /// Adds `words` wrapped at the width: the first line indented by
    /// `indent`, the others by `hanging` (default: `indent`).
    mutating func wrap(_ words: String, indent: Int, hanging: Int? = nil, style: Style = .plain) {
        let hanging = hanging ?? indent
        var line = String(repeating: " ", count: indent)
        var lineWidth = indent
        var hasWord = false
        // Runs of spaces between words are kept (for alignment); a line
        // break in the text is a space.
        var extraSpaces = 0
        for word in words.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\n" }) {
            if word.isEmpty {
                if hasWord { extraSpaces += 1 }
                continue
            }
            var gap = hasWord ? extraSpaces + 1 : 0
            if hasWord, lineWidth + gap + word.count > width {
                add(line, style: style)
                line = String(repeating: " ", count: hanging)
                lineWidth = hanging
                gap = 0
            }
            line += String(repeating: " ", count: gap) + word
            lineWidth += gap + word.count
            hasWord = true
            extraSpaces = 0
        }
        if hasWord { add(line, style: style) }
    }

    private func paint(_ line: String, _ style: Style) -> String {
        guard color else { return line }
        var line = line
        line = line.replacing("✓", with: "\u{1B}[32m✓\u{1B}[39m")
        line = line.replacing("✗", with: "\u{1B}[31m✗\u{1B}[39m")
        line = line.replacing(" ?", with: " \u{1B}[33m?\u{1B}[39m")
        switch style {
        case .plain: return line
        case .heading: return "\u{1B}[1m\(line)\u{1B}[0m"
        case .dim: return "\u{1B}[2m\(line)\u{1B}[0m"
        case .quote: return "\u{1B}[3m\(line)\u{1B}[0m"
        case .warning: return "\u{1B}[33m\(line)\u{1B}[0m"
        }
    }
}

extension String {
    func rightPadded(to count: Int) -> String {
        self.count >= count ? self : self + String(repeating: " ", count: count - self.count)
    }

    func leftPadded(to count: Int) -> String {
        self.count >= count ? self : String(repeating: " ", count: count - self.count) + self
    }
}
