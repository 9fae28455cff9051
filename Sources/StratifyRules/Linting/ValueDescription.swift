import StratifyCore

/// Ranges of values as messages show them: `0..27`, `at most 27`,
/// `one of often, always`, `2026-01-31`.
enum ValueDescription {
    static func describe(_ range: Interval, type: ValueType) -> String {
        if range.isEmpty { return "never known" }
        switch type {
        case .boolean:
            if range.isSingleton { return range.lower == 1 ? "always true" : "always false" }
            return "true or false"
        case .enumeration(let values):
            let names = values.values
            let lower = Int(max(0, range.lower.rounded(.up)))
            let upper = Int(min(Double(names.count - 1), range.upper.rounded(.down)))
            guard lower <= upper else { return "never known" }
            if lower == upper { return "always \(names[lower])" }
            if upper - lower < 4 { return "one of " + names[lower...upper].joined(separator: ", ") }
            return "\(names[lower])..\(names[upper])"
        case .date:
            return bounds(range) { ISODate.format(daysSinceEpoch: $0) }
        default:
            return bounds(range) { number($0) }
        }
    }

    private static func bounds(_ range: Interval, _ show: (Double) -> String) -> String {
        switch (range.lower.isFinite, range.upper.isFinite) {
        case (true, true): range.isSingleton ? "always \(show(range.lower))" : "\(show(range.lower))..\(show(range.upper))"
        case (true, false): "at least \(show(range.lower))"
        case (false, true): "at most \(show(range.upper))"
        case (false, false): "any number"
        }
    }

    static func number(_ value: Double) -> String {
        NumberText.plain(value)
    }
}

private extension ISODate {
    static func format(daysSinceEpoch days: Double) -> String {
        format(daysSince1970: Int(days))
    }
}
