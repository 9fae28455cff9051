import StratifyCore

/// The linter's messages, in one place, so that a call site reads
/// `.neverTrue(owner, culprit, because:)`.
struct LintMessage {
    var severity: Diagnostic.Severity
    var text: String
    var notes: [String] = []

    static let missingNote = "a comparison with a missing value is unknown, so a condition that needs one does not hold"

    // MARK: - Conditions

    /// `rule 'x' can never fire: 'score >= 30' is never true (score is 0..27)`
    static func neverTrue(_ owner: ConditionOwner, _ culprit: String, because reason: String?) -> LintMessage {
        LintMessage(severity: .warning, text: "\(owner.neverPhrase): '\(culprit)' is never true\(parenthesized(reason))")
    }

    /// `the condition of rule 'x' is always true whenever n is present (n is 0..120)`
    static func alwaysTrue(_ owner: ConditionOwner, _ culprit: String?, presentInputs: [String], because reason: String?) -> LintMessage {
        var text = "the condition of \(owner.name) is always true\(whenPresent(presentInputs))"
        if let culprit { text += ": '\(culprit)' always holds" }
        text += parenthesized(reason)
        return LintMessage(severity: .warning, text: text, notes: presentInputs.isEmpty ? [] : [missingNote])
    }

    /// A part of `and` that always holds: it only asks for its inputs.
    static func redundantCondition(_ text: String, presentInputs: [String], because reason: String?) -> LintMessage {
        let consequence =
            presentInputs.isEmpty
            ? "it can be left out"
            : "it only requires \(list(presentInputs)) to be present"
        return LintMessage(severity: .warning, text: "'\(text)' is always true\(whenPresent(presentInputs))\(parenthesized(reason)): \(consequence)")
    }

    /// A part of `or` that never holds.
    static func deadAlternative(_ text: String, because reason: String?) -> LintMessage {
        LintMessage(severity: .warning, text: "'\(text)' is never true\(parenthesized(reason)): this alternative never makes the condition hold")
    }

    /// A condition counted by `count(..)` whose outcome is fixed.
    static func fixedCount(_ text: String, alwaysTrue: Bool, presentInputs: [String], because reason: String?) -> LintMessage {
        let text =
            alwaysTrue
            ? "'\(text)' is always true\(whenPresent(presentInputs))\(parenthesized(reason)): count(..) always counts it"
            : "'\(text)' is never true\(parenthesized(reason)): count(..) never counts it"
        return LintMessage(severity: .warning, text: text)
    }

    // MARK: - Models

    static func shadowedModel(_ model: String, by earlier: String, line: Int, always: Bool) -> LintMessage {
        let reason =
            always
            ? "model '\(earlier)' before it (line \(line)) always holds"
            : "whenever its condition holds, that of model '\(earlier)' before it (line \(line)) holds too"
        return LintMessage(
            severity: .warning, text: "model '\(model)' is never chosen: \(reason)",
            notes: ["the first model whose condition holds is chosen"])
    }

    // MARK: - Floors and escalations

    static func floorAtOrBelowTier(_ id: String, domain: String, atLeast: String, lowest: String, isScaleBottom: Bool) -> LintMessage {
        let reason =
            isScaleBottom
            ? "'\(atLeast)' is the lowest tier"
            : "the scores of domain '\(domain)' already put it at '\(lowest)' or above"
        return LintMessage(
            severity: .warning, text: "floor '\(id)' can never change the tier of domain '\(domain)': \(reason)",
            notes: ["a floor only ever raises a tier"])
    }

    static func escalationAtOrBelowTier(_ id: String, atLeast: String, lowest: String, isScaleBottom: Bool) -> LintMessage {
        let reason =
            isScaleBottom
            ? "'\(atLeast)' is the lowest tier"
            : "the total score already puts the overall tier at '\(lowest)' or above"
        return LintMessage(
            severity: .warning, text: "escalation '\(id)' can never change the overall tier: \(reason)",
            notes: ["an escalation only ever raises the tier"])
    }

    static func escalationAlreadyMet(_ id: String, atLeast: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "escalation '\(id)' can never change the overall tier: whenever its condition holds, the tier is already at least '\(atLeast)'")
    }

    static func unreachableTier(_ tier: String, of what: String, scores: String, raisedBy: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "tier '\(tier)' of \(what) is never reached: scores are \(scores), and no \(raisedBy) raises it to '\(tier)'")
    }

    // MARK: - Derived values

    static func neverTrueCase(
        _ number: Int, of derived: String, _ culprit: String, because reason: String?, givenEarlier: Bool, canBeUnknown: Bool
    ) -> LintMessage {
        let given = givenEarlier ? " when the cases before it do not hold" : ""
        let notes =
            canBeUnknown
            ? ["it can still be unknown (a value it needs is missing), which stops the search: removing it changes records with missing values"]
            : []
        return LintMessage(
            severity: .warning,
            text: "case \(number) of derived value '\(derived)' can never hold: '\(culprit)' is never true\(given)\(parenthesized(reason))",
            notes: notes)
    }

    static func unreachableCase(_ number: Int, of derived: String, decidedBy earlier: Int) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "case \(number) of derived value '\(derived)' is never reached: case \(earlier) is never false when it is reached",
            notes: ["the first case that holds decides, and an unknown case stops the search"])
    }

    static func unreachableOtherwise(of derived: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "the 'otherwise' of derived value '\(derived)' is never used: the cases before it always decide",
            notes: ["an unknown case stops the search, so 'otherwise' is reached only when every case is false"])
    }

    static func unreachableRow(_ key: String, of derived: String, keyText: String, keyRange: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "row '\(key)' of derived value '\(derived)' is never used: \(keyText) is \(keyRange)")
    }

    // MARK: - Names

    static func unusedInput(_ name: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "input '\(name)' is not used by any rule, derived value, floor, escalation or model",
            notes: ["it is still validated and listed under 'missing'; use it, or remove it from 'inputs'"])
    }

    static func unusedDerived(_ name: String) -> LintMessage {
        LintMessage(
            severity: .warning,
            text: "derived value '\(name)' is not used by any rule, derived value, floor, escalation or model")
    }

    static func flagOnlyOutput(_ name: String) -> LintMessage {
        LintMessage(
            severity: .note,
            text: "flag '\(name)' is set, but no floor, escalation or model uses it; it only appears in the output's 'flags'")
    }

    // MARK: - Helpers

    private static func parenthesized(_ reason: String?) -> String {
        reason.map { " (\($0))" } ?? ""
    }

    private static func whenPresent(_ inputs: [String]) -> String {
        inputs.isEmpty ? "" : " whenever \(list(inputs)) \(inputs.count == 1 ? "is" : "are") present"
    }

    static func list(_ names: [String]) -> String {
        switch names.count {
        case 0: ""
        case 1: names[0]
        case 2...4: names.dropLast().joined(separator: ", ") + " and " + names.last!
        default: names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
        }
    }
}
