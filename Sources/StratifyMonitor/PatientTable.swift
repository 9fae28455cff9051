#if canImport(Glibc)
import Glibc
#endif

/// The assessments of one side of a comparison, by identifier, packed: the
/// previous wave is held in memory while the current one streams past it,
/// so each patient costs about 20 bytes (offset, tier, model, domain tiers,
/// flags, a bit), its identifier's bytes and 11 to 23 bytes of hash table:
/// about 45 bytes for an 8-character identifier and five domains, not a
/// dictionary entry and an object. (Review dates are not kept: nothing
/// compares them across assessments.)
public final class PatientTable {
    /// The names the indexes refer to; a side read from score output
    /// learns them as it goes, so they are set again when it ends.
    public var vocabulary: AssessmentVocabulary
    private let domainCount: Int
    // The table is used by one thread, the batch's writer, once per record:
    // no dynamic exclusivity checks on its storage (each access would cost
    // one, several per record).
    /// Identifier bytes back to back; patient `i` spans `offsets[i]..<offsets[i + 1]`.
    @exclusivity(unchecked) private var arena: [UInt8] = []
    @exclusivity(unchecked) private var offsets: [UInt32] = [0]
    @exclusivity(unchecked) private var tiers: [UInt8] = []
    @exclusivity(unchecked) private var models: [UInt8] = []
    @exclusivity(unchecked) private var domainTiers: [Int8] = []
    @exclusivity(unchecked) private var flagBits: [UInt64] = []
    /// Open addressing, at most 70% full: 0 for an empty slot, else the
    /// identifier hash's high 32 bits above the patient index + 1, so that
    /// a probe compares bytes only when the hashes agree, in one load.
    @exclusivity(unchecked) private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    /// Whether the other side had the patient, a bit each.
    @exclusivity(unchecked) private var matched: [UInt64] = []

    public init(vocabulary: AssessmentVocabulary) {
        self.vocabulary = vocabulary
        domainCount = vocabulary.domains.count
    }

    public var count: Int { tiers.count }

    /// Adds a patient; returns the index of the earlier patient with the
    /// same identifier instead (nothing is added then).
    @discardableResult
    public func insert(_ assessment: Assessment) -> Int? {
        var identifier = assessment.identifier
        return identifier.withUTF8 { key in
            let key = UnsafeRawBufferPointer(key)
            let hash = Self.hash(key)
            let (existing, slot) = probe(key, hash: hash)
            if let existing { return existing }
            let index = count
            arena.append(contentsOf: key)
            offsets.append(UInt32(arena.count))
            tiers.append(UInt8(assessment.tier))
            models.append(UInt8(assessment.model))
            for domain in 0..<domainCount {
                domainTiers.append(Int8(domain < assessment.domainTiers.count ? assessment.domainTiers[domain] : -1))
            }
            flagBits.append(assessment.flags)
            if index % 64 == 0 { matched.append(0) }
            slots[slot] = Self.slotValue(hash: hash, index: index)
            // At most 70% full: about 1.4 to 2.9 slots (11 to 23 bytes) a patient.
            if count * 10 > slots.count * 7 { grow() }
            return nil
        }
    }

    public func index(of identifier: String) -> Int? {
        var identifier = identifier
        return identifier.withUTF8 { key in
            let key = UnsafeRawBufferPointer(key)
            return probe(key, hash: Self.hash(key)).found
        }
    }

    /// The patient with `key`, or the empty slot where it would go.
    private func probe(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (found: Int?, slot: Int) {
        let mask = slots.count - 1
        let fragment = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
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

    public subscript(index: Int) -> Assessment {
        Assessment(
            identifier: identifier(index), tier: Int(tiers[index]), model: Int(models[index]),
            domainTiers: (0..<domainCount).map { Int(domainTiers[index * domainCount + $0]) },
            flags: flagBits[index], totalScore: nil, reviewBy: nil)
    }

    public func identifier(_ index: Int) -> String {
        String(decoding: arena[Int(offsets[index])..<Int(offsets[index + 1])], as: UTF8.self)
    }

    /// Patient `index`'s identifier bytes, for the duration of `body`.
    public func withIdentifier<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[Int(offsets[index])..<Int(offsets[index + 1])])) }
    }

    public func tier(_ index: Int) -> Int { Int(tiers[index]) }
    public func model(_ index: Int) -> Int { Int(models[index]) }
    public func flags(_ index: Int) -> UInt64 { flagBits[index] }
    /// -1 when the side does not give the domain's tier.
    public func domainTier(_ index: Int, domain: Int) -> Int { Int(domainTiers[index * domainCount + domain]) }

    public func markMatched(_ index: Int) { matched[index >> 6] |= 1 << UInt64(index & 63) }
    public func isMatched(_ index: Int) -> Bool { matched[index >> 6] & (1 << UInt64(index & 63)) != 0 }

    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        guard end - start == key.count else { return false }
        return key.count == 0 || arena.withUnsafeBytes { memcmp($0.baseAddress! + start, key.baseAddress!, key.count) == 0 }
    }

    private func grow() {
        var grown = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        for index in 0..<count {
            let hash = arena.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[Int(offsets[index])..<Int(offsets[index + 1])])) }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Self.slotValue(hash: hash, index: index)
        }
        slots = grown
    }

    /// FNV-1a, then a full avalanche (the splitmix64 finalizer): identifiers
    /// such as P0000001, P0000002 differ in one byte, and FNV alone leaves
    /// their low bits, which pick the slot, too alike. Stable across runs.
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
