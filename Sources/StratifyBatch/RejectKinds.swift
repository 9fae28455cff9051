/// The rejected records of a batch counted by field and message (the
/// message holds the offending value: `acute_admission: 'Y' is not a
/// boolean ...` is one kind), for the summary standard error shows when it
/// lists only the first rejected records.
struct RejectKinds {
    /// How many kinds are told apart; later new kinds are only counted, so
    /// that a batch of a million different bad values keeps its memory flat.
    static let maxKinds = 1_000
    /// How many kinds the summary lists, the biggest first.
    static let shownKinds = 10

    private var counts: [String: Int] = [:]
    /// Reports of kinds beyond `maxKinds`.
    private var uncounted = 0

    mutating func add(field: String, message: String) {
        let kind = field.isEmpty ? message : "\(field): \(message)"
        if let count = counts[kind] {
            counts[kind] = count + 1
        } else if counts.count < Self.maxKinds {
            counts[kind] = 1
        } else {
            uncounted += 1
        }
    }

    /// `  1,930  acute_admission: 'Y' is not a boolean (...)`, a line per
    /// kind, the biggest first (ties in message order), then
    /// `  and 4 more kinds, 37 in all` for the rest.
    var lines: [String] {
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let shown = sorted.prefix(Self.shownKinds)
        let width = shown.map { ProgressText.grouped($0.value).count }.max() ?? 0
        var lines = shown.map { kind, count in
            let number = ProgressText.grouped(count)
            return "  " + String(repeating: " ", count: width - number.count) + number + "  " + kind
        }
        let restKinds = sorted.count - shown.count
        let restReports = sorted.dropFirst(shown.count).reduce(uncounted) { $0 + $1.value }
        if restReports > 0 {
            let kinds = uncounted > 0 ? "more than \(ProgressText.grouped(restKinds))" : ProgressText.grouped(restKinds)
            lines.append("  and \(kinds) more kind\(restKinds == 1 && uncounted == 0 ? "" : "s"), \(ProgressText.grouped(restReports)) in all")
        }
        return lines
    }
}
