import StratifyEngine
import StratifyIO

/// Writes one record's trace, in the order of `TraceJSONLayout`: a plain
/// struct of raw pointers (and the three objects they point into, held
/// once per record), so that the loop costs no reference counting.
/// Each function takes the cursor `inout` and works on a local copy.
/// The layout's `recordBound` covers everything but the identifier and
/// the `missing` lists of unknown conditions, which reserve their own.
struct TraceJSONRecord {
    let out: OutputBuffer
    let layout: TraceJSONLayout
    let tape: TraceTape
    let r: UnsafePointer<Double>
    let marks: UnsafeMutablePointer<Bool>
    let reachable: UnsafePointer<Int>
    let reachableExact: UnsafePointer<Bool>
    let arena: UnsafeMutablePointer<UInt8>
    let fragments: UnsafeMutablePointer<TraceJSONLayout.Fragment>
    let slots: UnsafeMutablePointer<TraceJSONLayout.Slot>
    let items: UnsafeMutablePointer<TraceJSONLayout.Item>
    let nodes: UnsafePointer<TraceTape.Node>

    init(
        out: OutputBuffer, layout: TraceJSONLayout, tape: TraceTape, registers: UnsafePointer<Double>,
        marks: UnsafeMutablePointer<Bool>, reachable: UnsafePointer<Int>, reachableExact: UnsafePointer<Bool>
    ) {
        self.out = out
        self.layout = layout
        self.tape = tape
        r = registers
        self.marks = marks
        self.reachable = reachable
        self.reachableExact = reachableExact
        arena = layout.arena.baseAddress
        fragments = layout.fragments.baseAddress
        slots = layout.slots.baseAddress
        items = layout.items.baseAddress
        nodes = tape.nodes
    }

    // MARK: - Pieces

    @inline(__always)
    func put(_ fragment: Int32, _ c: inout TraceJSONCursor) {
        let f = fragments[Int(fragment)]
        c.copy(arena + Int(f.start), Int(f.count))
    }

    @inline(__always)
    func comma(_ first: inout Bool, _ c: inout TraceJSONCursor) {
        if !first { c.byte(UInt8(ascii: ",")) }
        first = false
    }

    @inline(__always)
    func value(_ slot: TraceJSONLayout.Slot, _ c: inout TraceJSONCursor) {
        let raw = r[Int(slot.register)]
        if raw.isNaN {
            c.null()
            return
        }
        switch slot.code {
        case .integer:
            if raw.magnitude < 1e18 { c.integer(Int(raw)) } else { c.number(raw) }
        case .number: c.number(raw)
        case .boolean: c.boolean(raw == 1)
        case .date: c.date(daysSince1970: Int(raw))
        case .null: c.null()
        case .names:
            if raw >= 0 && raw < Double(slot.nameCount) {
                put(slot.names &+ Int32(raw), &c)
            } else {
                c.number(raw)
            }
        }
    }

    /// A tier's index as its quoted name.
    @inline(__always)
    func tier(_ raw: Double, _ c: inout TraceJSONCursor) {
        if raw >= 0 && raw < Double(layout.tierCount) { put(layout.tierNames &+ Int32(raw), &c) } else { c.number(raw) }
    }

    /// Slots `start ..< start + count`, each value followed by its fragment.
    @inline(__always)
    func values(_ start: Int, _ count: Int, _ c: inout TraceJSONCursor) {
        for k in start..<(start &+ count) {
            let slot = slots[k]
            value(slot, &c)
            if slot.after >= 0 { put(slot.after, &c) }
        }
    }

    /// Objects with a condition, `range` of the layout's items, from head
    /// to end; `chosen` (an index in the range) marks the model chosen.
    func items(_ range: Range<Int>, chosen: Int = -1, _ cursor: inout TraceJSONCursor) {
        var c = cursor
        defer { cursor = c }
        for index in range {
            let item = items[index]
            let outcome = item.register < 0 ? 1 : r[Int(item.register)]
            let head =
                outcome == 1
                ? (index == chosen ? item.headChosen : item.headFired)
                : (outcome == 0 ? item.headNotFired : item.headUnknown)
            put(head, &c)
            values(Int(item.slotStart), Int(item.slotCount), &c)
            if outcome == 1 {
                put(item.tailFired, &c)
            } else if outcome == 0 {
                switch item.failed {
                case .fixed:
                    put(item.tailNotFired, &c)
                case .masked:
                    put(item.tailNotFired &+ mask(item.maskStart, item.maskCount), &c)
                case .segments:
                    put(item.tailNotFired, &c)
                    for k in Int(item.segmentStart)..<Int(item.segmentStart &+ item.segmentCount) {
                        let segment = layout.segments[k]
                        put(segment.fragment &+ mask(segment.maskStart, segment.maskCount), &c)
                    }
                    put(item.closeFailed, &c)
                case .walk:
                    put(item.tailNotFired, &c)
                    failed(item, &c)
                    put(item.closeFailed, &c)
                }
            } else {
                put(item.tailUnknown, &c)
                missing(item, &c)
                put(item.closeMissing, &c)
            }
        }
    }

    /// Bit `k` set when the `k`th of `count` registers from `start` of
    /// `maskRegisters` is false.
    @inline(__always)
    func mask(_ start: Int32, _ count: Int32) -> Int32 {
        var mask: Int32 = 0
        let registers = layout.maskRegisters.baseAddress + Int(start)
        for k in 0..<Int(count) where r[Int(registers[k])] == 0 { mask |= 1 << k }
        return mask
    }

    /// The parts that made a condition false, found by a walk (texts with
    /// a leading comma; the first is written without).
    func failed(_ item: TraceJSONLayout.Item, _ cursor: inout TraceJSONCursor) {
        var c = cursor
        defer { cursor = c }
        var first = true
        let partText = layout.partText.baseAddress
        ConditionExplainer.forEachPart(.failed, of: Int(item.tapeRoot), nodes: nodes, registers: r) { node in
            let f = fragments[Int(partText[node])]
            let skip = first ? 1 : 0
            c.copy(arena + Int(f.start) + skip, Int(f.count) - skip)
            first = false
        }
    }

    /// The missing inputs that left a condition unknown.
    func missing(_ item: TraceJSONLayout.Item, _ cursor: inout TraceJSONCursor) {
        var c = cursor
        defer { cursor = c }
        c.reserve(layout.missingBound &+ layout.recordBound, in: out)
        var first = true
        let names = layout.inputNames.baseAddress
        ConditionExplainer.forEachMissing(
            of: Int(item.tapeRoot), tape: tape, marks: marks, order: tape.missingOrder, inputCount: tape.missingCount, registers: r
        ) { input in
            comma(&first, &c)
            put(names[input], &c)
        }
    }

    /// Band, distances to the next bands and the highest tier reachable.
    @inline(__always)
    func scale(_ scale: TraceJSONLayout.Scale, score: Int, reachable: Int, exact: Bool, _ c: inout TraceJSONCursor) {
        let lower = layout.bandLower.baseAddress + Int(scale.bandStart)
        let count = Int(scale.bandCount)
        var band = 0
        for k in 1..<max(1, count) where score >= Int(lower[k]) { band = k }
        put(scale.up &+ Int32(band), &c)
        if band &+ 1 < count { c.integer(Int(lower[band &+ 1]) &- score) }
        put(scale.down &+ Int32(band), &c)
        if band > 0 { c.integer(score &- Int(lower[band]) &+ 1) }
        let highest = ((band > 0 ? 1 : 0) &* Int(layout.tierCount) &+ reachable) &* 2 &+ (exact ? 1 : 0)
        put(scale.highest &+ Int32(highest), &c)
    }

    // MARK: - The record

    func write(identifier: UnsafeRawBufferPointer, modelIndex: Int, overall: Int, exact: Bool, whatIf: Bool) {
        var c = TraceJSONCursor(out, reserving: layout.recordBound &+ 6 &* identifier.count &+ 2)
        put(layout.head, &c)
        c.string(identifier)
        put(layout.inputsHead, &c)
        values(layout.inputSlots.lowerBound, layout.inputSlots.count, &c)
        var first = true
        var missing = 0
        let order = tape.missingOrder
        for k in 0..<tape.missingCount {
            let input = Int(order[k])
            if r[input].isNaN {
                comma(&first, &c)
                put(layout.inputNames[input], &c)
                missing &+= 1
            }
        }
        put(layout.afterMissing, &c)
        c.integer(layout.inputsTotal &- missing)
        put(layout.afterInputsKnown, &c)
        values(layout.derivedSlots.lowerBound, layout.derivedSlots.count, &c)
        for index in 0..<layout.derivedCount {
            let parts = layout.parts[index]
            switch parts.mode {
            case .fixed:
                break
            case .sum:
                values(Int(parts.start), Int(parts.count), &c)
            case .cases:
                var chosen = parts.fragments &+ 2 &* parts.count
                for arm in 0..<Int(parts.count) {
                    let value = r[Int(layout.armRegisters[Int(parts.start) &+ arm])]
                    if value == 0 { continue }
                    chosen = parts.fragments &+ Int32(2 &* arm) &+ (value == 1 ? 0 : 1)
                    break
                }
                put(chosen, &c)
            case .table:
                let row = r[Int(parts.register)]
                let index = row.isNaN ? parts.count &+ 1 : (row < 0 ? parts.count : Int32(row))
                put(parts.fragments &+ index, &c)
            }
        }
        items(layout.rules, &c)
        first = true
        for flag in 0..<layout.flagCount where r[Int(layout.flagRegisters[flag])] == 1 {
            comma(&first, &c)
            put(layout.flagNames[flag], &c)
        }
        put(layout.afterFlags, &c)
        for index in 0..<layout.domainCount {
            let domain = layout.domains[index]
            let score = Int(r[Int(domain.scoreRegister)])
            c.integer(score)
            put(domain.afterScore, &c)
            tier(r[Int(domain.tierRegister)], &c)
            scale(domain.scale, score: score, reachable: reachable[index], exact: reachableExact[index], &c)
            let floors = Int(domain.floorStart)
            items(floors..<(floors &+ Int(domain.floorCount)), &c)
        }
        let total = Int(r[Int(layout.totalRegister)])
        c.integer(total)
        put(layout.afterTotal, &c)
        tier(r[Int(layout.tierRegister)], &c)
        scale(layout.overall, score: total, reachable: overall, exact: exact, &c)
        items(layout.escalations, &c)
        put(layout.modelNames &+ Int32(modelIndex), &c)
        items(layout.models, chosen: layout.models.lowerBound &+ modelIndex, &c)
        if layout.reviewRegister >= 0, !r[Int(layout.reviewRegister)].isNaN {
            c.date(daysSince1970: Int(r[Int(layout.reviewRegister)]))
        } else {
            c.null()
        }
        put(whatIf ? layout.changesOpen : layout.changesNull, &c)
        c.commit(to: out)
    }
}
