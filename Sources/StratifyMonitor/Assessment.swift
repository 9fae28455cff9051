import StratifyRules

/// What the monitoring commands need of one scored patient: the identifier,
/// the overall and domain tiers, the model, the flags, the total and the
/// review date. Small on purpose: a population's previous assessment is
/// held in memory while the current one streams past it.
///
/// Tiers, models, domains and flags are indexes into the
/// ``AssessmentVocabulary`` of the side they come from, so that last
/// month's output, scored with last month's rules, keeps its own names.
package struct Assessment: Sendable, Equatable {
    package var identifier: String
    /// Index into the vocabulary's `tiers`.
    package var tier: Int
    /// Index into the vocabulary's `models`.
    package var model: Int
    /// One tier index per vocabulary domain; -1 when the side does not say.
    package var domainTiers: [Int]
    /// Bit `i` set: the vocabulary's flag `i` is set.
    package var flags: UInt64
    package var totalScore: Double?
    /// Days since 1970-01-01; nil when the record has no review date.
    package var reviewBy: Int?

    package init(identifier: String, tier: Int, model: Int, domainTiers: [Int], flags: UInt64, totalScore: Double?, reviewBy: Int?) {
        self.identifier = identifier
        self.tier = tier
        self.model = model
        self.domainTiers = domainTiers
        self.flags = flags
        self.totalScore = totalScore
        self.reviewBy = reviewBy
    }
}

/// The names an ``Assessment``'s indexes refer to.
package struct AssessmentVocabulary: Sendable, Equatable {
    /// Lowest first, as in the rule set's tier scale.
    package var tiers: [String]
    package var models: [String]
    package var domains: [String]
    package var flags: [String]

    package init(tiers: [String], models: [String], domains: [String], flags: [String]) {
        self.tiers = tiers
        self.models = models
        self.domains = domains
        self.flags = flags
    }

    /// The names of a compiled rule set.
    package init(program: Program) {
        self.init(
            tiers: program.tiers.values, models: program.models.map(\.id),
            domains: program.domains.map(\.name), flags: program.flags.map(\.name))
    }

    /// The most flags an ``Assessment`` can hold.
    package static let maxFlags = 64
}

/// What the monitoring commands read of one scored patient, whether it is
/// held as values (``Assessment``) or as the bytes the batch wrote
/// (``AssessmentRecord``): the join and the worklist are written once,
/// over this, and specialised for each.
package protocol AssessmentFields {
    var tier: Int { get }
    var model: Int { get }
    var flags: UInt64 { get }
    var totalScore: Double? { get }
    var reviewBy: Int? { get }
    var domainTierCount: Int { get }
    /// -1 when the side does not say.
    func domainTier(_ domain: Int) -> Int
    /// The identifier's UTF-8 bytes, for the duration of `body`.
    func withIdentifierBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
    /// ``PatientTable/hash(_:)`` of the identifier's bytes.
    var identifierHash: UInt64 { get }
    /// The number of the record in its batch (from 1), to name it when a
    /// later record repeats its identifier; 0 when unknown (a side read
    /// from score output).
    var recordNumber: Int { get }
}

extension AssessmentFields {
    package func hasFlag(_ index: Int) -> Bool {
        index < 64 && flags & (1 << UInt64(index)) != 0
    }

    package var identifierText: String {
        withIdentifierBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension Assessment: AssessmentFields {
    package var domainTierCount: Int { domainTiers.count }
    package func domainTier(_ domain: Int) -> Int { domainTiers[domain] }

    package func withIdentifierBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var identifier = identifier
        return try identifier.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    package var identifierHash: UInt64 { withIdentifierBytes(PatientTable.hash) }
    package var recordNumber: Int { 0 }
}

/// One assessment as the bytes ``AssessmentFormatter`` wrote, read in
/// place: the current side of a comparison streams past a million of
/// these, and making a String and an array for each would cost more than
/// the join itself. Valid only while the bytes it points into are (the
/// call it is handed to).
///
/// Layout, native byte order (it never leaves the process): identifier
/// length (UInt32), tier (UInt8), model (UInt8), one UInt8 tier per domain
/// (255: the side does not say), flags (UInt64), total score (Float64, NaN
/// when none), review date in days (Float64, NaN when none), the
/// identifier's hash (UInt64: made on the worker threads, where scoring
/// runs in parallel, not on the one thread that joins), then the
/// identifier's bytes.
package struct AssessmentRecord: AssessmentFields {
    /// The record's bytes, from its identifier length to its identifier's end.
    package let bytes: UnsafeRawBufferPointer
    package let domainTierCount: Int
    /// Not in the bytes: the decoder knows it from the batch (see
    /// ``AssessmentDecoder``); 0 when unknown.
    package var recordNumber = 0

    /// The bytes of a record before its identifier.
    package static func fixedSize(domains: Int) -> Int { 4 + 1 + 1 + domains + 8 + 8 + 8 + 8 }

    /// The whole record at the start of `bytes`, or nil when `bytes` ends before it does.
    package init?(startOf bytes: UnsafeRawBufferPointer, domains: Int) {
        let fixed = Self.fixedSize(domains: domains)
        guard bytes.count >= fixed else { return nil }
        let length = Int(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard bytes.count >= fixed + length else { return nil }
        self.bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<(fixed + length)])
        domainTierCount = domains
    }

    package var tier: Int { Int(bytes[4]) }
    package var model: Int { Int(bytes[5]) }

    package func domainTier(_ domain: Int) -> Int {
        let tier = bytes[6 + domain]
        return tier == .max ? -1 : Int(tier)
    }

    package var flags: UInt64 { bytes.loadUnaligned(fromByteOffset: 6 + domainTierCount, as: UInt64.self) }

    package var totalScore: Double? {
        let total = bytes.loadUnaligned(fromByteOffset: 14 + domainTierCount, as: Double.self)
        return total.isNaN ? nil : total
    }

    package var reviewBy: Int? {
        let review = bytes.loadUnaligned(fromByteOffset: 22 + domainTierCount, as: Double.self)
        return review.isNaN ? nil : Int(review)
    }

    package var identifierHash: UInt64 { bytes.loadUnaligned(fromByteOffset: 30 + domainTierCount, as: UInt64.self) }

    package var identifier: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Self.fixedSize(domains: domainTierCount)...])
    }

    package func withIdentifierBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(identifier)
    }

    /// The record as values.
    package var assessment: Assessment {
        Assessment(
            identifier: identifierText, tier: tier, model: model, domainTiers: (0..<domainTierCount).map(domainTier),
            flags: flags, totalScore: totalScore, reviewBy: reviewBy)
    }

    /// Writes a record at `raw` (``fixedSize(domains:)`` bytes and the identifier's).
    static func write(
        at raw: UnsafeMutableRawPointer, identifier: UnsafeRawBufferPointer, tier: Int, model: Int, domainTiers: some Sequence<Int>,
        flags: UInt64, total: Double, review: Double
    ) {
        raw.storeBytes(of: UInt32(identifier.count), toByteOffset: 0, as: UInt32.self)
        raw.storeBytes(of: UInt8(tier), toByteOffset: 4, as: UInt8.self)
        raw.storeBytes(of: UInt8(model), toByteOffset: 5, as: UInt8.self)
        var offset = 6
        for tier in domainTiers {
            raw.storeBytes(of: tier < 0 ? UInt8.max : UInt8(tier), toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
        raw.storeBytes(of: flags, toByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: total, toByteOffset: offset + 8, as: Double.self)
        raw.storeBytes(of: review, toByteOffset: offset + 16, as: Double.self)
        raw.storeBytes(of: PatientTable.hash(identifier), toByteOffset: offset + 24, as: UInt64.self)
        if let base = identifier.baseAddress, identifier.count > 0 {
            (raw + offset + 32).copyMemory(from: base, byteCount: identifier.count)
        }
    }

    /// Calls `body` with `assessment` laid out as a record (for a side read
    /// from score output, so that both kinds of side go one way).
    package static func with<R>(_ assessment: Assessment, domains: Int, _ body: (AssessmentRecord) throws -> R) rethrows -> R {
        try assessment.withIdentifierBytes { identifier in
            let fixed = fixedSize(domains: domains)
            return try withUnsafeTemporaryAllocation(byteCount: fixed + identifier.count, alignment: 8) { buffer in
                let raw = buffer.baseAddress!
                write(
                    at: raw, identifier: identifier, tier: assessment.tier, model: assessment.model,
                    domainTiers: (0..<domains).lazy.map { $0 < assessment.domainTiers.count ? assessment.domainTiers[$0] : -1 },
                    flags: assessment.flags, total: assessment.totalScore ?? .nan, review: assessment.reviewBy.map(Double.init) ?? .nan)
                return try body(AssessmentRecord(startOf: UnsafeRawBufferPointer(buffer), domains: domains)!)
            }
        }
    }
}
