import StratifyBatch
import StratifyCore
import StratifyMonitor

/// What kind of outcome a column holds.
package enum OutcomeType: String, Sendable, CaseIterable {
    /// 0/1, true/false, yes/no (any case).
    case binary
    /// Any number: a cost, a count of visits.
    case number
}

/// The outcomes by identifier, packed for a population of millions: each
/// row costs one 16-byte slot — a 63-bit hash of its identifier with a
/// "matched" bit, and its value — and the table is kept at least half
/// empty, so at most 32 bytes per row. A lookup touches one slot, one
/// cache line: the join costs one memory access per scored record.
///
/// Identifiers are compared by their 63-bit hash (FNV-1a), not their
/// bytes: two different identifiers collide with probability about n²/2⁶⁴
/// (for 10 million rows, 5 in a million), and a collision shows as a
/// duplicate in the outcome file, an error that names the identifier —
/// never as a silent mix-up.
package final class OutcomeTable {
    private struct Slot {
        /// The hash's low 63 bits (0: empty slot; a hash of 0 is stored
        /// as 1), and in the top bit whether a scored record matched it.
        var key: UInt64
        /// NaN: lost to follow-up.
        var value: Double
    }

    private static let matchedBit: UInt64 = 1 << 63
    private var slots: FixedBuffer<Slot>
    private var capacity: Int
    package private(set) var count = 0
    /// Rows whose outcome is empty (lost to follow-up).
    package private(set) var missingCount = 0

    package init() {
        capacity = 1024
        slots = FixedBuffer(repeating: Slot(key: 0, value: 0), count: capacity)
    }

    /// The 63-bit key of an identifier's bytes.
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        h &= ~matchedBit
        return h == 0 ? 1 : h
    }

    package static func hash(_ identifier: String) -> UInt64 {
        var identifier = identifier
        return identifier.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Adds a row; nil value: lost to follow-up. Returns false (adding
    /// nothing) when the identifier is already there.
    package func insert(hash: UInt64, value: Double?) -> Bool {
        if (count + 1) * 2 > capacity { grow() }
        let slot = find(hash)
        guard slots[slot].key == 0 else { return false }
        slots[slot] = Slot(key: hash, value: value ?? .nan)
        count += 1
        if value == nil { missingCount += 1 }
        return true
    }

    /// The outcome of a scored record, marking its row as matched:
    /// `.some(nil)` when the row has no value, nil when there is no row.
    @inline(__always)
    package func match(hash: UInt64) -> Double?? {
        let slot = find(hash)
        guard slots[slot].key != 0 else { return nil }
        slots[slot].key |= Self.matchedBit
        let value = slots[slot].value
        return .some(value.isNaN ? nil : value)
    }

    /// Rows no scored record matched.
    package var unmatchedCount: Int {
        var matched = 0
        for slot in 0..<capacity where slots[slot].key & Self.matchedBit != 0 { matched += 1 }
        return count - matched
    }

    @inline(__always)
    private func find(_ hash: UInt64) -> Int {
        let mask = capacity - 1
        // Fibonacci hashing: the top bits of the product pick the slot
        // (FNV-1a's own low bits barely differ between P0000001 and P0000002).
        let mixed = (hash ^ (hash >> 29)) &* 0x9E37_79B9_7F4A_7C15
        var slot = Int(truncatingIfNeeded: mixed >> UInt64(64 - mask.nonzeroBitCount)) & mask
        while true {
            let key = slots[slot].key & ~Self.matchedBit
            if key == 0 || key == hash { return slot }
            slot = (slot + 1) & mask
        }
    }

    private func grow() {
        var old = FixedBuffer(repeating: Slot(key: 0, value: 0), count: capacity * 2)
        swap(&old, &slots)
        capacity *= 2
        for index in old.indices where old[index].key != 0 {
            slots[find(old[index].key & ~Self.matchedBit)] = old[index]
        }
    }
}

/// Reads an outcome column keyed by identifier from a CSV or NDJSON file
/// (the outcome file, or the intake itself) into an ``OutcomeTable``.
package struct OutcomeReader {
    package var path: String
    /// nil: by the name, or for standard input its first bytes.
    package var format: IntakeFormat?
    package var identifierName: String
    package var outcomeName: String
    /// nil: guessed from the values (binary when every value is binary).
    package var type: OutcomeType?
    /// Reading the intake itself: a row without an identifier is a record
    /// `score` rejects and reports, not an error here.
    package var skipsRowsWithoutIdentifier = false

    package init(path: String, format: IntakeFormat?, identifierName: String, outcomeName: String, type: OutcomeType?) {
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
    package func read(into table: OutcomeTable) throws(BatchError) -> OutcomeType {
        var guess = TypeGuess(type: type)
        /// Adds a row; returns what is wrong with it instead (a closure
        /// over bytes cannot throw a typed error).
        func add(_ identifier: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?, line: Int) -> BatchError? {
            guard identifier.count > 0 else {
                return skipsRowsWithoutIdentifier ? nil : BatchError.file(path, line: line, "the row has no \(identifierName)")
            }
            var number: Double?
            if let value, value.count > 0 {
                // 0 and 1, nearly every binary outcome, without making a string.
                if value.count == 1, value[0] == UInt8(ascii: "0") || value[0] == UInt8(ascii: "1") {
                    number = Double(value[0] - UInt8(ascii: "0"))
                } else {
                    let text = String(decoding: value, as: UTF8.self)
                    do { number = try guess.parse(text) } catch {
                        let id = DisplayText.escaped(String(decoding: identifier, as: UTF8.self))
                        return BatchError.file(
                            path, line: line, "\(identifierName) \(id): \(outcomeName) '\(DisplayText.escaped(text))' is not \(error.expected)")
                    }
                }
            }
            guard table.insert(hash: OutcomeTable.hash(identifier), value: number) else {
                let id = DisplayText.escaped(String(decoding: identifier, as: UTF8.self))
                return BatchError.file(path, line: line, "\(identifierName) \(id) has more than one outcome row")
            }
            return nil
        }
        switch format ?? IntakeFormat.detect(path: path) {
        case .csv?:
            try readCSV(add)
        default:
            // NDJSON, a JSON array, or standard input told by its first bytes.
            var sawColumn = false
            try RowReader(path: path, format: format).forEach { row throws(BatchError) in
                if row.names.contains(outcomeName) { sawColumn = true }
                let identifier = Array((row.values[identifierName] ?? "").utf8)
                let value = row.values[outcomeName].map { Array($0.utf8) }
                let failure = identifier.withUnsafeBytes { id in
                    guard let value else { return add(id, nil, line: row.line) }
                    return value.withUnsafeBytes { add(id, $0, line: row.line) }
                }
                if let failure { throw failure }
            }
            if !sawColumn { throw BatchError.file(path, line: nil, "no row has a '\(outcomeName)' field") }
        }
        return guess.result
    }

    /// The two columns of each CSV row, straight from the scanner: an
    /// outcome file has a row per patient, and reading it must not cost
    /// more than scoring them.
    private func readCSV(_ add: (UnsafeRawBufferPointer, UnsafeRawBufferPointer?, Int) -> BatchError?) throws(BatchError) {
        var identifierColumn = 0, outcomeColumn = 0
        var identifier: [UInt8] = []
        try RowReader(path: path, format: .csv).forEachCSVRecord(header: { names throws(BatchError) in
            guard let id = names.firstIndex(of: identifierName), let outcome = names.firstIndex(of: outcomeName) else {
                let needed = names.contains(identifierName) ? outcomeName : identifierName
                throw BatchError.file(path, line: 1, "no '\(needed)' column (an outcome file needs the columns \(identifierName) and \(outcomeName))")
            }
            identifierColumn = id
            outcomeColumn = outcome
        }) { scanner, buffer, line in
            // Copied: an escaped field's value lives in scratch the next field reuses.
            identifier.removeAll(keepingCapacity: true)
            identifier.append(contentsOf: scanner.value(of: scanner[field: identifierColumn], in: buffer))
            let value = scanner.value(of: scanner[field: outcomeColumn], in: buffer)
            return identifier.withUnsafeBytes { add($0, value, line) }
        }
    }
}

/// The outcome's type as its values arrive: given (`--outcome-type`), or
/// guessed — binary while every value is 0/1, true/false or yes/no, a
/// number once one is another number (a word after that is an error).
struct TypeGuess {
    struct Mismatch: Error {
        var expected: String
    }

    let type: OutcomeType?
    private var sawBinaryWord = false
    private var sawOtherNumber = false

    init(type: OutcomeType?) { self.type = type }

    var result: OutcomeType { type ?? (sawOtherNumber ? .number : .binary) }

    mutating func parse(_ text: String) throws(Mismatch) -> Double {
        let word: Double? =
            switch text.lowercased() {
            case "true", "yes": 1
            case "false", "no": 0
            default: nil
            }
        let number = Double(text).flatMap { $0.isFinite ? $0 : nil }
        switch type {
        case .binary?:
            if let value = word ?? number, value == 0 || value == 1 { return value }
            throw Mismatch(expected: "0/1, true/false or yes/no")
        case .number?:
            if let number { return number }
            throw Mismatch(expected: "a number")
        case nil:
            if let word, !sawOtherNumber {
                sawBinaryWord = true
                return word
            }
            if let number, number == 0 || number == 1 || !sawBinaryWord {
                if number != 0 && number != 1 { sawOtherNumber = true }
                return number
            }
            throw Mismatch(
                expected: sawBinaryWord
                    ? "0/1, true/false or yes/no, as other rows are"
                    : sawOtherNumber ? "a number, as other rows are" : "a number or 0/1, true/false, yes/no")
        }
    }
}
