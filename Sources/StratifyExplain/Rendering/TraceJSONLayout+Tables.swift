/// The rows of the layout's tables: plain numbers (fragment ids, register
/// numbers, counts), so that a record is written from flat memory.
extension TraceJSONLayout {
    /// A range of the arena.
    struct Fragment: Sendable {
        var start: Int32
        var count: Int32
    }

    enum ValueCode: UInt8 {
        case integer, number, boolean, date, null, names
    }

    /// A value read from a register, and the fragment that follows it
    /// (-1: none, the caller writes what follows).
    struct Slot {
        var register: Int32
        /// For names: the fragment of name 0 (names are consecutive).
        var names: Int32
        var nameCount: Int32
        var after: Int32
        var code: ValueCode
    }

    /// An object with a condition: a rule, floor, escalation or model.
    /// Fragment ids, by the condition's outcome.
    struct Item {
        /// The condition's register; -1 for a model that always holds.
        var register: Int32
        /// The condition's root on the tape.
        var tapeRoot: Int32
        var headFired: Int32
        var headNotFired: Int32
        var headUnknown: Int32
        /// A model chosen (its condition holds).
        var headChosen: Int32
        /// The values shown: `slots[slotStart ..< slotStart + slotCount]`.
        var slotStart: Int32
        var slotCount: Int32
        var tailFired: Int32
        /// Complete, but for `.segments` and `.walk` (which it opens `failed`
        /// for); for `.masked`, the first of one per mask.
        var tailNotFired: Int32
        var failed: Failed
        /// `.masked`: the registers of the `and`'s parts,
        /// `maskRegisters[maskStart ..< maskStart + maskCount]`.
        var maskStart: Int32
        var maskCount: Int32
        /// Opens `missing`.
        var tailUnknown: Int32
        /// Closes a `failed` list written part by part; -1 when fixed.
        var closeFailed: Int32
        var closeMissing: Int32
        /// `.segments`: `segments[segmentStart ..< segmentStart + segmentCount]`.
        var segmentStart: Int32 = 0
        var segmentCount: Int32 = 0
    }

    /// How the parts that made a condition false are found.
    enum Failed: UInt8 {
        /// Always the same: in the tail.
        case fixed
        /// An `and` of up to four parts: a tail per mask of false parts.
        case masked
        /// An `or` whose parts are fixed or masked: one segment per part.
        case segments
        /// Other shapes: `ConditionExplainer.forEachPart`.
        case walk
    }

    /// The failed parts of one part of an `or`: a fixed fragment, or the
    /// first of one per mask (`maskCount` > 0, registers as for an item).
    struct Segment {
        var maskStart: Int32
        var maskCount: Int32
        var fragment: Int32
    }

    /// How a derived value's `derived_parts` entry is written.
    struct Parts {
        enum Mode: UInt8 { case fixed, sum, cases, table }
        var mode: Mode
        /// Sum: the parts' slots. Cases: the arms' condition registers in
        /// `armRegisters`. Table: the rows.
        var start: Int32
        var count: Int32
        /// Table: the register of the row used.
        var register: Int32
        /// Cases: fragments `2k` (arm `k` holds) and `2k + 1` (unknown),
        /// then the otherwise (or no case). Table: one per row, then the
        /// default, then no row.
        var fragments: Int32
    }

    /// A score on a tier scale: its bands and fragments.
    struct Scale {
        var bandStart: Int32
        var bandCount: Int32
        /// Per band: `"band":{…},"next_up":` up to the points.
        var up: Int32
        /// Per band: `,"next_down":` up to the points.
        var down: Int32
        /// Per (band has one below, tier, exact): `"highest_tier":{…}`.
        var highest: Int32
    }

    struct Domain {
        var scoreRegister: Int32
        var tierRegister: Int32
        /// `,"tier":` between the score and the tier.
        var afterScore: Int32
        var scale: Scale
        var floorStart: Int32
        var floorCount: Int32
    }
}
