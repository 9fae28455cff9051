#if canImport(Glibc)
import Glibc
#endif

/// The assessments of one side of a comparison, by identifier, packed: the
/// previous wave is held in memory while the current one streams past it.
///
/// Each patient is one row of 32-bit words — its identifier's offset, its
/// record number, its flags (one word for up to 32 flags), then its tier,
/// model and domain tiers a byte each (20 bytes with five domains and up to
/// 32 flags) — plus its identifier's bytes and 11 to 23 bytes of hash
/// table: about 45 bytes for an 8-character identifier, not a dictionary
/// entry and an object. A row is one cache line or two, where separate
/// arrays per field cost a cache miss each; and a lookup that hits a row
/// and the identifier next to the last one found touches no hash table at
/// all. (Review dates are not kept: nothing compares them across assessments.)
package final class PatientTable {
    /// The names the indexes refer to; a side read from score output
    /// learns them as it goes, so they are set again when it ends.
    package var vocabulary: AssessmentVocabulary
    private let domainCount: Int
    /// Words per patient: the identifier's offset, the record number, the
    /// flags (`flagWords`), then the tier, model and domain tiers, four
    /// bytes a word.
    private let rowWords: Int
    /// 1, or 2 when the vocabulary has more than 32 flags.
    private let flagWords: Int
    /// The word of the row where the tier, model and domain tiers start.
    private let packedWord: Int
    /// The flags past the 32nd of the patients that have some, when the
    /// rows keep one word of flags: a side read from score output learns
    /// its flags as it goes, and may learn more than 32 after the table
    /// was made. Empty otherwise.
    @exclusivity(unchecked) private var highFlags: [Int: UInt32] = [:]
    // The table is used by one thread, the batch's writer, once per record:
    // no dynamic exclusivity checks on its storage (each access would cost
    // one, several per record).
    /// The rows, in pages of `pageSize` patients: a page is allocated
    /// whole and never copied, where one array doubling its capacity would
    /// hold the old and the new copy at once (half as much memory again,
    /// at the peak).
    @exclusivity(unchecked) private var pages: [[UInt32]] = []
    private static let pageShift = 16
    private static let pageSize = 1 << pageShift
    /// Identifier bytes back to back; patient `i`'s start at its row's first
    /// word and end where patient `i + 1`'s start.
    @exclusivity(unchecked) private var arena: [UInt8] = []
    /// Open addressing, at most 70% full: 0 for an empty slot, else the
    /// identifier hash's high 32 bits above the patient index + 1, so that
    /// a probe compares bytes only when the hashes agree, in one load. The
    /// slot is chosen by the hash's high bits, which the entry keeps: the
    /// table grows without reading an identifier, in one pass.
    @exclusivity(unchecked) private var slots: [UInt64] = Array(repeating: 0, count: 1 << 10)
    @exclusivity(unchecked) private var slotBits = 10
    /// Whether the other side had the patient, a bit each.
    @exclusivity(unchecked) private var matched: [UInt64] = []
    /// The patient after the last one looked up, tried first (see ``index(ofBytes:)``).
    @exclusivity(unchecked) private var guess = 0
    private static let guesses = 4
    @exclusivity(unchecked) package private(set) var count = 0

    package init(vocabulary: AssessmentVocabulary) {
        self.vocabulary = vocabulary
        domainCount = vocabulary.domains.count
        flagWords = vocabulary.flags.count > 32 ? 2 : 1
        packedWord = 2 + flagWords
        rowWords = packedWord + (2 + domainCount + 3) / 4
    }

    /// Adds a patient; returns the index of the earlier patient with the
    /// same identifier instead (nothing is added then).
    @discardableResult
    package func insert(_ assessment: Assessment) -> Int? { insertFields(assessment) }

    @discardableResult
    package func insert(_ record: AssessmentRecord) -> Int? { insertFields(record) }

    /// Adds a patient known only by its identifier (tier, model and domain
    /// tiers 0, no flags), to find repeats; returns as `insert(_:)` does.
    package func insert(identifier key: UnsafeRawBufferPointer) -> Int? {
        insert(key, hash: Self.hash(key), record: 0) { _ in 0 }
    }

    /// As `insert(identifier:)`, the identifier's hash already made, with
    /// the patient's record number.
    func insertIdentifier(of patient: some AssessmentFields) -> Int? {
        patient.withIdentifierBytes { insert($0, hash: patient.identifierHash, record: patient.recordNumber) { _ in 0 } }
    }

    private func insertFields(_ assessment: some AssessmentFields) -> Int? {
        assessment.withIdentifierBytes { key in
            insert(key, hash: assessment.identifierHash, record: assessment.recordNumber, flags: assessment.flags) { byte in
                switch byte {
                case 0: assessment.tier
                case 1: assessment.model
                default: byte - 2 < assessment.domainTierCount ? assessment.domainTier(byte - 2) : -1
                }
            }
        }
    }

    /// `packed(i)`: the tier (0), model (1) and domain tiers (2...) to store.
    private func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, record: Int, flags: UInt64 = 0, packed: (Int) -> Int) -> Int? {
        let (existing, slot) = probe(key, hash: hash)
        if let existing { return existing }
        let index = count
        precondition(arena.count + key.count <= UInt32.max && index < UInt32.max, "too many patients for one table")
        if index % Self.pageSize == 0 {
            pages.append([])
            pages[pages.count - 1].reserveCapacity(Self.pageSize * rowWords)
        }
        // The row is made on the stack and appended at once: one check of
        // the page's storage, not one per word.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: rowWords) { row in
            row.initialize(repeating: 0)
            row[0] = UInt32(arena.count)
            row[1] = UInt32(clamping: record)
            row[2] = UInt32(truncatingIfNeeded: flags)
            if flagWords == 2 {
                row[3] = UInt32(truncatingIfNeeded: flags >> 32)
            } else if flags >> 32 != 0 {
                highFlags[index] = UInt32(truncatingIfNeeded: flags >> 32)
            }
            for byte in 0..<(2 + domainCount) {
                row[packedWord + byte / 4] |= UInt32(UInt8(truncatingIfNeeded: packed(byte))) << UInt32(8 * (byte % 4))
            }
            pages[pages.count - 1].append(contentsOf: row)
        }
        arena.append(contentsOf: key)
        count += 1
        if index % 64 == 0 { matched.append(0) }
        slots[slot] = Self.slotValue(hash: hash, index: index)
        // At most 70% full: about 1.4 to 2.9 slots (11 to 23 bytes) a patient.
        if count * 10 > slots.count * 7 { grow() }
        return nil
    }

    package func index(of identifier: String) -> Int? {
        var identifier = identifier
        return identifier.withUTF8 { index(ofBytes: UnsafeRawBufferPointer($0)) }
    }

    /// The patient with this identifier. Two waves of one population tend
    /// to list their patients in the same order, so the few patients after
    /// the last one found are tried first (a few, for those who left in
    /// between): when one matches, the hash table (a cache miss) is not
    /// touched. Identifiers are unique in the table, so a match there is
    /// the match.
    package func index(ofBytes key: UnsafeRawBufferPointer) -> Int? {
        index(ofBytes: key) { Self.hash(key) }
    }

    /// The patient with `patient`'s identifier (see ``index(ofBytes:)``).
    func index(of patient: some AssessmentFields) -> Int? {
        patient.withIdentifierBytes { key in index(ofBytes: key) { patient.identifierHash } }
    }

    private func index(ofBytes key: UnsafeRawBufferPointer, hash: () -> UInt64) -> Int? {
        for candidate in guess..<min(count, guess + Self.guesses) where equals(candidate, key) {
            guess = candidate + 1
            return candidate
        }
        guard let found = probe(key, hash: hash()).found else { return nil }
        guess = found + 1
        return found
    }

    /// Starts loading the slot where a patient with this identifier hash
    /// is or would go, without waiting for it (see ``AssessmentDecoder``'s
    /// lookahead): a table of a million patients is far larger than the
    /// cache, and each insert would otherwise stall on its slot in turn.
    package func prefetch(hash: UInt64) {
        // Kept, so that the load is not optimised away.
        prefetched &+= slots[Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits))]
    }

    @exclusivity(unchecked) private var prefetched: UInt64 = 0

    /// The patient with `key`, or the empty slot where it would go.
    private func probe(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (found: Int?, slot: Int) {
        let mask = slots.count - 1
        let fragment = hash >> 32
        var slot = Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits))
        while true {
            let value = slots[slot]
            if value == 0 { return (nil, slot) }
            if value >> 32 == fragment, equals(Int(value & 0xFFFF_FFFF) - 1, key) { return (Int(value & 0xFFFF_FFFF) - 1, slot) }
            slot = (slot + 1) & mask
        }
    }

    private static func slotValue(hash: UInt64, index: Int) -> UInt64 {
        (hash >> 32) << 32 | UInt64(index + 1)
    }

    /// Twice the slots, each entry placed by its kept hash bits: the table
    /// stays ordered by them, so the pass reads and writes in order.
    private func grow() {
        let bits = slotBits + 1
        precondition(bits <= 32, "too many patients for one table")
        var grown = [UInt64](repeating: 0, count: 1 << bits)
        let mask = grown.count - 1
        for value in slots where value != 0 {
            var slot = Int(truncatingIfNeeded: (value >> 32) >> UInt64(32 - bits))
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = value
        }
        slots = grown
        slotBits = bits
    }

    package subscript(index: Int) -> Assessment {
        Assessment(
            identifier: identifier(index), tier: tier(index), model: model(index),
            domainTiers: (0..<domainCount).map { domainTier(index, domain: $0) }, flags: flags(index), totalScore: nil, reviewBy: nil)
    }

    package func identifier(_ index: Int) -> String {
        withIdentifier(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Patient `index`'s identifier bytes, for the duration of `body`.
    package func withIdentifier<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(word(index, 0)), end = identifierEnd(index)
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with the identifiers' bytes, valid during the call: for
    /// reading many, the storage is reached once, not once per identifier.
    package func withIdentifiers<R>(_ body: (Identifiers) -> R) -> R {
        arena.withUnsafeBytes { body(Identifiers(table: self, arena: $0)) }
    }

    package struct Identifiers {
        fileprivate let table: PatientTable
        fileprivate let arena: UnsafeRawBufferPointer

        package subscript(index: Int) -> UnsafeRawBufferPointer {
            let start = Int(table.word(index, 0))
            let end = index + 1 < table.count ? Int(table.word(index + 1, 0)) : arena.count
            return UnsafeRawBufferPointer(rebasing: arena[start..<end])
        }
    }

    private func identifierEnd(_ index: Int) -> Int {
        index + 1 < count ? Int(word(index + 1, 0)) : arena.count
    }

    /// Word `k` of patient `index`'s row.
    private func word(_ index: Int, _ k: Int) -> UInt32 {
        pages[index >> Self.pageShift][(index & (Self.pageSize - 1)) * rowWords + k]
    }

    /// Byte `byte` of patient `index`'s tier, model and domain tiers.
    private func packedByte(_ index: Int, _ byte: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: word(index, packedWord + byte / 4) >> UInt32(8 * (byte % 4)))
    }

    /// The number in its batch of the record patient `index` came from
    /// (0: unknown, as for a side read from score output). Set by the
    /// insert, and again by ``setRecord(_:_:)``. Kept to name it when a
    /// later record repeats the identifier.
    package func record(_ index: Int) -> Int { Int(word(index, 1)) }

    /// Sets patient `index`'s record number: when the previous side is
    /// joined to the current one, the row then names the current side's
    /// record, whose repeats the join finds next (the previous side's
    /// number is no longer asked for once its table is built).
    package func setRecord(_ index: Int, _ record: Int) {
        pages[index >> Self.pageShift][(index & (Self.pageSize - 1)) * rowWords + 1] = UInt32(clamping: record)
    }

    /// One patient's row, read in place: the join reads most of a row per
    /// record, and reaching the row once costs less than once per field.
    package struct Row {
        fileprivate let packed: UnsafePointer<UInt32>
        /// The flags, from the row or from ``PatientTable/highFlags``.
        package let flags: UInt64

        private func byte(_ byte: Int) -> UInt8 {
            UInt8(truncatingIfNeeded: packed[byte / 4] >> UInt32(8 * (byte % 4)))
        }

        package var tier: Int { Int(byte(0)) }
        package var model: Int { Int(byte(1)) }

        /// -1 when the side does not give the domain's tier.
        package func domainTier(_ domain: Int) -> Int {
            let tier = byte(2 + domain)
            return tier == .max ? -1 : Int(tier)
        }
    }

    /// Patient `index`'s row, for the duration of `body`.
    package func withRow<R>(_ index: Int, _ body: (Row) -> R) -> R {
        let flags = flags(index)
        return pages[index >> Self.pageShift].withUnsafeBufferPointer { page in
            body(Row(packed: page.baseAddress! + (index & (Self.pageSize - 1)) * rowWords + packedWord, flags: flags))
        }
    }

    package func tier(_ index: Int) -> Int { Int(packedByte(index, 0)) }
    package func model(_ index: Int) -> Int { Int(packedByte(index, 1)) }

    package func flags(_ index: Int) -> UInt64 {
        let high = flagWords == 2 ? word(index, 3) : highFlags.isEmpty ? 0 : highFlags[index] ?? 0
        return UInt64(word(index, 2)) | UInt64(high) << 32
    }

    /// -1 when the side does not give the domain's tier.
    package func domainTier(_ index: Int, domain: Int) -> Int {
        let tier = packedByte(index, 2 + domain)
        return tier == .max ? -1 : Int(tier)
    }

    package func markMatched(_ index: Int) { matched[index >> 6] |= 1 << UInt64(index & 63) }
    package func isMatched(_ index: Int) -> Bool { matched[index >> 6] & (1 << UInt64(index & 63)) != 0 }

    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(word(index, 0)), end = identifierEnd(index)
        guard end - start == key.count else { return false }
        return key.count == 0 || arena.withUnsafeBytes { memcmp($0.baseAddress! + start, key.baseAddress!, key.count) == 0 }
    }

    /// FNV-1a, then a full avalanche (the splitmix64 finalizer): identifiers
    /// such as P0000001, P0000002 differ in one byte, and FNV alone leaves
    /// their bits too alike to pick a slot. Stable across runs.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        h ^= h >> 30
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27
        h = h &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}

/// Collects one side of a comparison into a ``PatientTable`` as its
/// records stream past (the first record tells a side read from score
/// output its domains), counting the repeated identifiers left out.
package final class PatientTableBuilder {
    // One thread, once per record: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var table: PatientTable?
    @exclusivity(unchecked) package private(set) var duplicates = 0

    package init() {}

    /// Adds `record`; returns the record number of the earlier record with
    /// its identifier instead, when there is one (`record` is left out).
    @discardableResult
    package func add(_ record: AssessmentRecord, vocabulary: AssessmentVocabulary) -> Int? {
        if table == nil { table = PatientTable(vocabulary: vocabulary) }
        guard let earlier = table!.insert(record) else { return nil }
        duplicates += 1
        return table!.record(earlier)
    }

    /// For the decoder's lookahead: the slot `record` will go to.
    package func prefetch(_ record: AssessmentRecord) {
        table?.prefetch(hash: record.identifierHash)
    }

    /// The table, with the side's vocabulary as it ended.
    package func finish(vocabulary: AssessmentVocabulary) -> PatientTable {
        let finished = table ?? PatientTable(vocabulary: vocabulary)
        finished.vocabulary = vocabulary
        return finished
    }
}
