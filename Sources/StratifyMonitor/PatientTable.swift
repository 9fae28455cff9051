/// The assessments of one side of a comparison, by identifier, packed: the
/// previous wave is held in memory while the current one streams past it,
/// so each patient costs about 30 bytes plus the identifier, not a
/// dictionary entry and an object.
public final class PatientTable {
    /// The names the indexes refer to; a side read from score output
    /// learns them as it goes, so they are set again when it ends.
    public var vocabulary: AssessmentVocabulary
    private let domainCount: Int
    /// Identifier bytes back to back; patient `i` spans `offsets[i]..<offsets[i + 1]`.
    private var arena: [UInt8] = []
    private var offsets: [UInt32] = [0]
    private var tiers: [UInt8] = []
    private var models: [UInt8] = []
    private var domainTiers: [Int8] = []
    private var flags: [UInt64] = []
    private var reviews: [Int32] = []
    /// Open addressing: patient index per slot, -1 when empty.
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    /// Whether the other side had the patient.
    private var matched: [Bool] = []

    public init(vocabulary: AssessmentVocabulary) {
        self.vocabulary = vocabulary
        domainCount = vocabulary.domains.count
    }

    public var count: Int { tiers.count }

    /// Adds a patient; returns the index of the earlier patient with the
    /// same identifier instead (nothing is added then).
    @discardableResult
    public func insert(_ assessment: Assessment) -> Int? {
        if let existing = index(of: assessment.identifier) { return existing }
        if (count + 1) * 2 > slots.count { grow() }
        let index = count
        arena.append(contentsOf: assessment.identifier.utf8)
        offsets.append(UInt32(arena.count))
        tiers.append(UInt8(assessment.tier))
        models.append(UInt8(assessment.model))
        for domain in 0..<domainCount {
            domainTiers.append(Int8(domain < assessment.domainTiers.count ? assessment.domainTiers[domain] : -1))
        }
        flags.append(assessment.flags)
        reviews.append(assessment.reviewBy.map { Int32(clamping: $0) } ?? .min)
        matched.append(false)
        place(index)
        return nil
    }

    public func index(of identifier: String) -> Int? {
        var identifier = identifier
        return identifier.withUTF8 { key in
            var slot = Self.hash(UnsafeRawBufferPointer(key)) & (slots.count - 1)
            while true {
                let candidate = Int(slots[slot])
                if candidate < 0 { return nil }
                if equals(candidate, UnsafeRawBufferPointer(key)) { return candidate }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
    }

    public subscript(index: Int) -> Assessment {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return Assessment(
            identifier: String(decoding: arena[start..<end], as: UTF8.self),
            tier: Int(tiers[index]), model: Int(models[index]),
            domainTiers: (0..<domainCount).map { Int(domainTiers[index * domainCount + $0]) },
            flags: flags[index], totalScore: nil,
            reviewBy: reviews[index] == .min ? nil : Int(reviews[index]))
    }

    public func markMatched(_ index: Int) { matched[index] = true }
    public func isMatched(_ index: Int) -> Bool { matched[index] }

    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        guard end - start == key.count else { return false }
        return arena.withUnsafeBytes { bytes in
            key.count == 0 || memcmp(bytes.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    private func place(_ index: Int) {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        var slot = arena.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[start..<end])) } & (slots.count - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(index)
    }

    private func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in 0..<count { place(index) }
    }

    /// FNV-1a: stable across runs, so the table behaves the same every time.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}

#if canImport(Glibc)
import Glibc
#endif
