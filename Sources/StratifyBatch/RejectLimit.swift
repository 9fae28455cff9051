/// `--max-rejected`: how many rejected records a batch accepts before it
/// stops (exit status 2, outputs discarded). A count (`5`) is passed by its
/// next rejected record. A percentage (`5%`, `0.5%`) is checked against the
/// records read so far: after every record once at least
/// ``RejectLimit/minimumRecords`` have been read, and over the whole batch
/// at the end (so a batch smaller than that is judged on all its records).
/// Both are passed only when strictly exceeded: `5%` accepts 5 rejected
/// records in 100, `100%` never stops a batch. The decision depends only on
/// the input, never on chunk sizes or `--jobs`.
public struct RejectLimit: Sendable, Equatable, CustomStringConvertible {
    enum Bound: Sendable, Equatable {
        case count(Int)
        /// `percent / scale` percent, `scale` a power of ten.
        case percent(Int, scale: Int)
    }

    /// A percentage is not checked before this many records were read, so
    /// that one bad record among the first few does not stop a batch.
    public static let minimumRecords = 100

    let bound: Bound
    /// As the user wrote it: `5`, `0.5%`.
    public let description: String

    /// Parses `N` (a whole number, 0 or more) or `P%` (0 to 100, at most six
    /// decimals); nil for anything else.
    public init?(_ text: String) {
        description = text
        if text.hasSuffix("%") {
            let number = text.dropLast()
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
                parts.count == 1 || parts[1].count <= 6,
                let whole = Int(parts[0]), whole <= 100
            else { return nil }
            let decimals = parts.count == 2 ? parts[1] : ""
            let scale = (0..<decimals.count).reduce(1) { value, _ in value * 10 }
            let percent = whole * scale + (Int(decimals) ?? 0)
            guard percent <= 100 * scale else { return nil }
            bound = .percent(percent, scale: scale)
        } else {
            guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let count = Int(text) else { return nil }
            bound = .count(count)
        }
    }

    /// True when `rejected` of `records` records is over the limit.
    func isExceeded(rejected: Int, records: Int) -> Bool {
        switch bound {
        case .count(let count):
            return rejected > count
        case .percent(let percent, let scale):
            // rejected / records > percent / (100 * scale), without rounding.
            return Int128(rejected) * Int128(100 * scale) > Int128(percent) * Int128(records)
        }
    }

    var isPercentage: Bool {
        if case .percent = bound { return true }
        return false
    }
}

/// Where a batch passed its ``RejectLimit``.
public struct RejectLimitPassed: Sendable, Equatable, CustomStringConvertible {
    public var limit: RejectLimit
    public var rejected: Int
    /// The records read when the limit was passed.
    public var records: Int
    /// True when the limit was checked over the whole batch, at its end.
    public var wholeBatch: Bool

    /// `6 of the first 57 records were rejected, over --max-rejected 5`.
    public var description: String {
        let records = ProgressText.grouped(records)
        let which = wholeBatch ? "the \(records) record\(self.records == 1 ? "" : "s")" : "the first \(records) records"
        let verb = rejected == 1 ? "was" : "were"
        return "\(ProgressText.grouped(rejected)) of \(which) \(verb) rejected, over --max-rejected \(limit)"
    }
}

/// Follows the rejected records of a batch, in order, against a limit.
struct RejectLimitCounter {
    let limit: RejectLimit
    private var rejected = 0
    /// A percentage was checked at ``RejectLimit/minimumRecords``.
    private var checkedMinimum = false

    init(limit: RejectLimit) {
        self.limit = limit
    }

    /// The first `records` records of the batch have been read, and every
    /// rejected one among them counted.
    mutating func read(_ records: Int) -> RejectLimitPassed? {
        guard limit.isPercentage, !checkedMinimum, records >= RejectLimit.minimumRecords else { return nil }
        // No rejected record lies between the minimum and `records` (it
        // would have come here first), so the count is the minimum's.
        checkedMinimum = true
        return passed(records: RejectLimit.minimumRecords)
    }

    /// Record number `record` (from 1, across the batch) was rejected;
    /// call `read(record - 1)` first.
    mutating func reject(record: Int) -> RejectLimitPassed? {
        rejected += 1
        if limit.isPercentage {
            guard record >= RejectLimit.minimumRecords else { return nil }
            checkedMinimum = true
        }
        return passed(records: record)
    }

    /// The batch ended after `records` records: a percentage not yet
    /// checked is checked over all of them.
    func end(records: Int) -> RejectLimitPassed? {
        guard limit.isPercentage, !checkedMinimum, records > 0 else { return nil }
        return passed(records: records, wholeBatch: true)
    }

    private func passed(records: Int, wholeBatch: Bool = false) -> RejectLimitPassed? {
        guard limit.isExceeded(rejected: rejected, records: records) else { return nil }
        return RejectLimitPassed(limit: limit, rejected: rejected, records: records, wholeBatch: wholeBatch)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
