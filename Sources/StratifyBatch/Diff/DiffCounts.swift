/// The counts of a comparison, for one chunk or a whole batch. Every field
/// is a sum over records, so chunks merge by adding, in any order.
struct DiffCounts: Sendable, Equatable {
    /// Records read, whatever became of them.
    var read = 0
    /// Records scored by both rule files.
    var records = 0
    /// Records scored by both whose tier or model differs.
    var changed = 0
    /// Records scored by both with any output field different.
    var outputsChanged = 0
    /// Records scored by both with any rule outcome different.
    var rulesChanged = 0

    var rejectedBoth = 0
    /// Rejected under the old rule file only, by their tier and model under the new one.
    var oldOnlyByNewTier: [Int]
    var oldOnlyByNewModel: [Int]
    /// Rejected under the new rule file only, by their tier and model under the old one.
    var newOnlyByOldTier: [Int]
    var newOnlyByOldModel: [Int]

    /// `[old * newCount + new]`.
    var tiers: [Int]
    var models: [Int]

    /// Per rule of the mapping.
    var firedOld: [Int]
    var firedNew: [Int]
    var unknownOld: [Int]
    var unknownNew: [Int]
    /// Records whose outcome of the rule differs.
    var ruleChanged: [Int]

    /// Per domain of the mapping, then the total last.
    var scoreUp: [Int]
    var scoreDown: [Int]
    var scoreDelta: [Int]
    /// Per domain in both files: `[old * newTiers + new]`; empty otherwise.
    var domainTiers: [[Int]]

    init(mapping: DiffMapping) {
        let zeros = { (count: Int) in [Int](repeating: 0, count: count) }
        oldOnlyByNewTier = zeros(mapping.newTiers)
        oldOnlyByNewModel = zeros(mapping.newModels)
        newOnlyByOldTier = zeros(mapping.oldTiers)
        newOnlyByOldModel = zeros(mapping.oldModels)
        tiers = zeros(mapping.oldTiers * mapping.newTiers)
        models = zeros(mapping.oldModels * mapping.newModels)
        firedOld = zeros(mapping.rules.count)
        firedNew = firedOld
        unknownOld = firedOld
        unknownNew = firedOld
        ruleChanged = firedOld
        scoreUp = zeros(mapping.domains.count + 1)
        scoreDown = scoreUp
        scoreDelta = scoreUp
        domainTiers = mapping.domains.map { $0.old != nil && $0.new != nil ? zeros(mapping.oldTiers * mapping.newTiers) : [] }
    }

    /// Adds another chunk's counts.
    mutating func add(_ other: DiffCounts) {
        func add(_ a: inout [Int], _ b: [Int]) { for i in a.indices { a[i] += b[i] } }
        read += other.read
        records += other.records
        changed += other.changed
        outputsChanged += other.outputsChanged
        rulesChanged += other.rulesChanged
        rejectedBoth += other.rejectedBoth
        add(&oldOnlyByNewTier, other.oldOnlyByNewTier)
        add(&oldOnlyByNewModel, other.oldOnlyByNewModel)
        add(&newOnlyByOldTier, other.newOnlyByOldTier)
        add(&newOnlyByOldModel, other.newOnlyByOldModel)
        add(&tiers, other.tiers)
        add(&models, other.models)
        add(&firedOld, other.firedOld)
        add(&firedNew, other.firedNew)
        add(&unknownOld, other.unknownOld)
        add(&unknownNew, other.unknownNew)
        add(&ruleChanged, other.ruleChanged)
        add(&scoreUp, other.scoreUp)
        add(&scoreDown, other.scoreDown)
        add(&scoreDelta, other.scoreDelta)
        for i in domainTiers.indices { add(&domainTiers[i], other.domainTiers[i]) }
    }
}
