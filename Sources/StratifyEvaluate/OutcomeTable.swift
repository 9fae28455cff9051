import StratifyBatch
import StratifyIO
import StratifyMonitor

/// What kind of outcome a column holds.
public enum OutcomeType: String, Sendable, CaseIterable {
    /// 0/1, true/false, yes/no (any case).
    case binary
    /// Any number: a cost, a count of visits.
    case number
}

/// The outcomes by identifier, packed for a population of millions: each
/// row costs a 64-bit hash of its identifier, its value and one bit (with
/// the table at least half empty, at most 32 bytes and a bit per row).
///
/// Identifiers are compared by their 64-bit FNV-1a hash, not their bytes:
/// two different identifiers collide with probability about n²/2⁶⁵ (for
/// 10 million rows, 3 in a million), and a collision shows as a duplicate
/// in the outcome file, an error that names the identifier — never as a
/// silent mix-up.
public final class OutcomeTable {
    /// Hash per slot; 0 marks an empty slot (a hash of 0 is stored as 1).
    private var keys: [UInt64]
    private var values: [Double]
    /// One bit per slot: a scored record had this identifier.
    private var matchedBits: [UInt64]
    public private(set) var count = 0
    /// Rows whose outcome is empty (lost to follow-up).
    public private(set) var missingCount = 0

    public init(capacity: Int = 1024) {
        var slots = 1024
        while slots < capacity * 2 { slots *= 2 }
        keys = Array(repeating: 0, count: slots)
        values = Array(repeating: 0, count: slots)
        matchedBits = Array(repeating: 0, count: slots / 64)
    }

    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h == 0 ? 1 : h
    }

    public static func hash(_ identifier: String) -> UInt64 {
        var identifier = identifier
        return identifier.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Adds a row; nil value: lost to follow-up. Returns false (adding
    /// nothing) when the identifier is already there.
    public func insert(hash: UInt64, value: Double?) -> Bool {
        if (count + 1) * 2 > keys.count { grow() }
        let slot = find(hash)
        guard keys[slot] == 0 else { return false }
        keys[slot] = hash
        values[slot] = value ?? .nan
        count += 1
        if value == nil { missingCount += 1 }
        return true
    }

    /// The outcome of a scored record, marking its row as matched:
    /// `.some(nil)` when the row has no value, nil when there is no row.
    @inline(__always)
    public func match(hash: UInt64) -> Double?? {
        let slot = find(hash)
        guard keys[slot] != 0 else { return nil }
        matchedBits[slot >> 6] |= 1 << UInt64(slot & 63)
        let value = values[slot]
        return .some(value.isNaN ? nil : value)
    }

    /// Rows no scored record matched.
    public var unmatchedCount: Int {
        count - matchedBits.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    @inline(__always)
    private func find(_ hash: UInt64) -> Int {
        let mask = keys.count - 1
        // The high bits pick the slot: FNV-1a's low bits mix poorly.
        var slot = Int(truncatingIfNeeded: (hash ^ (hash >> 32)) &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
        while keys[slot] != 0 && keys[slot] != hash { slot = (slot + 1) & mask }
        return slot
    }

    private func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        matchedBits = Array(repeating: 0, count: keys.count / 64)
        for (slot, key) in oldKeys.enumerated() where key != 0 {
            let target = find(key)
            keys[target] = key
            values[target] = oldValues[slot]
        }
    }
}

/// Reads an outcome column keyed by identifier from a CSV or NDJSON file
/// (the outcome file, or the intake itself) into an ``OutcomeTable``.
public struct OutcomeReader {
    public var path: String
    public var format: IntakeFormat
    public var identifierName: String
    public var outcomeName: String
    /// nil: guessed from the values (binary when every value is binary).
    public var type: OutcomeType?

    public init(path: String, format: IntakeFormat, identifierName: String, outcomeName: String, type: OutcomeType?) {
        self.path = path
        self.format = format
        self.identifierName = identifierName
        self.outcomeName = outcomeName
        self.type = type
    }

    /// Adds the file's rows to `table` and returns the outcome's type. A
    /// repeated identifier, a row without one and a value that is not of
    /// the type stop the read with an error naming the file, the line and
    /// the identifier.
    public func read(into table: OutcomeTable) throws(BatchError) -> OutcomeType {
        let reader = RowReader(path: path, format: format)
        if format == .csv {
            let names = try reader.columnNames()
            for needed in [identifierName, outcomeName] where !names.contains(needed) {
                throw BatchError.file(path, line: 1, "no '\(needed)' column (an outcome file needs the columns \(identifierName) and \(outcomeName))")
            }
        }
        var sawBinaryWord = false, sawNonBinaryNumber = false, sawColumn = format == .csv
        try reader.forEach { row throws(BatchError) in
            guard let identifier = row.values[identifierName], !identifier.isEmpty else {
                throw BatchError.file(path, line: row.line, "the row has no \(identifierName)")
            }
            if row.names.contains(outcomeName) { sawColumn = true }
            var value: Double?
            if let text = row.values[outcomeName], !text.isEmpty {
                value = try parse(text, identifier: identifier, line: row.line, sawBinaryWord: &sawBinaryWord, sawNonBinaryNumber: &sawNonBinaryNumber)
            }
            guard table.insert(hash: OutcomeTable.hash(identifier), value: value) else {
                throw BatchError.file(path, line: row.line, "\(identifierName) \(DisplayText.escaped(identifier)) has more than one outcome row")
            }
        }
        if !sawColumn {
            throw BatchError.file(path, line: nil, "no row has a '\(outcomeName)' field")
        }
        return type ?? (sawNonBinaryNumber ? .number : .binary)
    }

    private func parse(_ text: String, identifier: String, line: Int, sawBinaryWord: inout Bool, sawNonBinaryNumber: inout Bool) throws(BatchError) -> Double {
        let word: Double? = switch text.lowercased() {
        case "true", "yes": 1
        case "false", "no": 0
        default: nil
        }
        let number = Double(text).flatMap { $0.isFinite ? $0 : nil }
        let expected: String
        switch type {
        case .binary?:
            if let value = word ?? number, value == 0 || value == 1 { return value }
            expected = "0/1, true/false or yes/no"
        case .number?:
            if let number { return number }
            expected = "a number"
        case nil:
            if let word, !sawNonBinaryNumber {
                sawBinaryWord = true
                return word
            }
            if let number, number == 0 || number == 1 || !sawBinaryWord {
                if number != 0 && number != 1 { sawNonBinaryNumber = true }
                return number
            }
            expected = sawBinaryWord ? "0/1, true/false or yes/no, as other rows are"
                : sawNonBinaryNumber ? "a number, as other rows are" : "a number or 0/1, true/false, yes/no"
        }
        throw BatchError.file(path, line: line, "\(identifierName) \(DisplayText.escaped(identifier)): \(outcomeName) '\(DisplayText.escaped(text))' is not \(expected)")
    }
}
