/// The text of a batch's progress line:
/// `scoring: 412,000 records · 598,000 records/s · 41% · ETA 2 s`.
/// The percentage and ETA need the inputs' total size (nil for standard input).
public struct ProgressText: Sendable {
    public var verb: String
    public var records: Int
    /// Since the run started.
    public var seconds: Double
    /// Input bytes consumed so far, and in all.
    public var bytes: Int
    public var totalBytes: Int?

    public init(verb: String, records: Int, seconds: Double, bytes: Int, totalBytes: Int?) {
        self.verb = verb
        self.records = records
        self.seconds = seconds
        self.bytes = bytes
        self.totalBytes = totalBytes
    }

    public var line: String {
        let rate = seconds > 0 ? Double(records) / seconds : 0
        var text = "\(verb): \(Self.grouped(records)) records · \(Self.grouped(Int(rate))) records/s"
        if let totalBytes, totalBytes > 0, bytes > 0 {
            let fraction = min(1, Double(bytes) / Double(totalBytes))
            // The rate so far, applied to the bytes left.
            let remaining = seconds * (1 - fraction) / fraction
            text += " · \(Int(fraction * 100))% · ETA \(Self.duration(remaining))"
        }
        return text
    }

    /// `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// `42 s`, `3 min 05 s`, `2 h 10 min`, rounded up.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total) s" }
        if total < 3600 {
            let s = total % 60
            return "\(total / 60) min \(s < 10 ? "0" : "")\(s) s"
        }
        return "\(total / 3600) h \((total % 3600) / 60) min"
    }
}
