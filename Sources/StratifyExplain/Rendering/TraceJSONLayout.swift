import StratifyCore
import StratifyEngine
import StratifyIO
import StratifyRules

/// The JSON trace of a program, prepared once: every key, id, sentence and
/// condition text escaped and joined into fragments of one arena
/// (`TraceJSONFragments`), and where each value of a record is read, as
/// flat tables of plain numbers. Writing a record (`TraceJSONRecord`) then
/// copies fragments and formats numbers read from the registers; it makes
/// no string and touches no reference count.
///
/// The trace's shape is documented in `docs/explain.md` and
/// `docs/trace.schema.json`; this type and the record writer are the only
/// places that make it. Made once per run and shared by the worker threads.
public final class TraceJSONLayout: Sendable {
    // Immutable after init.

    let arena: FixedBuffer<UInt8>
    let fragments: FixedBuffer<Fragment>
    let slots: FixedBuffer<Slot>
    let items: FixedBuffer<Item>
    /// The quoted text of a condition's part, by tape index (-1: none).
    let partText: FixedBuffer<Int32>
    /// Quoted input names, by input.
    let inputNames: FixedBuffer<Int32>
    let flagRegisters: FixedBuffer<Int32>
    let flagNames: FixedBuffer<Int32>
    let flagCount: Int
    let parts: FixedBuffer<Parts>
    let maskRegisters: FixedBuffer<Int32>
    let segments: FixedBuffer<Segment>
    let armRegisters: FixedBuffer<Int32>
    let bandLower: FixedBuffer<Int32>
    let domains: FixedBuffer<Domain>
    let domainCount: Int

    let head: Int32
    let inputsHead: Int32
    let inputSlots: Range<Int>
    /// After the `missing` list up to `inputs_known`'s value.
    let afterMissing: Int32
    /// After `inputs_known`'s value up to the first derived value.
    let afterInputsKnown: Int32
    /// The inputs `missing` can name: all but the identifier.
    let inputsTotal: Int
    let derivedSlots: Range<Int>
    let derivedCount: Int
    let rules: Range<Int>
    /// After the `flags` list up to the first domain's score.
    let afterFlags: Int32
    /// `,"tier":` after the total.
    let afterTotal: Int32
    let overall: Scale
    let escalations: Range<Int>
    let models: Range<Int>
    let modelNames: Int32
    let tierNames: Int32
    let tierCount: Int32
    /// `,"model_changes":null}` and the newline, or the list's opening.
    let changesNull: Int32
    let changesOpen: Int32
    let totalRegister: Int32
    let tierRegister: Int32
    let modelRegister: Int32
    /// -1 when the program has no review date.
    let reviewRegister: Int32
    /// Bytes a record can take, the identifier and the `missing` lists of
    /// unknown conditions left out.
    let recordBound: Int
    /// Bytes a `missing` list can take, with the fragment after it.
    let missingBound: Int

    let plan: TracePlan
    /// The output buffers of a run, recycled by the threads' formatters.
    let buffers = TraceJSONBuffers()

    public init(plan: TracePlan) {
        self.plan = plan
        let program = plan.program
        let tape = plan.tape
        var b = TraceJSONFragments()
        var slots: [Slot] = []
        var items: [Item] = []
        var partText = [Int32](repeating: -1, count: tape.count)
        var maskRegisters: [Int32] = []
        var segments: [Segment] = []
        var nameTables: [[String]: (Int32, Int32)] = [:]
        let q = JSONBytes.quoted
        func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

        func names(_ list: [String]) -> (Int32, Int32) {
            if let known = nameTables[list] { return known }
            let ids = list.map { b.standalone(q($0), repeatable: true) }
            let table = (Int32(ids.first ?? 0), Int32(list.count))
            nameTables[list] = table
            return table
        }
        func slot(register: Int, _ kind: ValueKind) -> Slot {
            var slot = Slot(register: Int32(register), names: 0, nameCount: 0, after: -1, code: .null)
            switch kind {
            case .integer: slot.code = .integer
            case .number: slot.code = .number
            case .boolean: slot.code = .boolean
            case .date: slot.code = .date
            case .text: slot.code = .null
            case .names(let table):
                slot.code = .names
                (slot.names, slot.nameCount) = names(table.names)
            }
            return slot
        }
        /// Keyed values, `"key":value,"key":value`, the first key going to
        /// the open fragments; each value's slot takes the text after it
        /// but the last's, which the caller adds.
        func keyed(_ values: [(key: String, register: Int, kind: ValueKind)]) -> Range<Int> {
            let first = slots.count
            for (position, value) in values.enumerated() {
                if position > 0 {
                    slots[slots.count - 1].after = Int32(b.start())
                    b.text(",")
                }
                b.text(q(value.key) + utf8(":"))
                b.hole()
                slots.append(slot(register: value.register, value.kind))
            }
            return first..<slots.count
        }
        /// `keyed`, the text after the last value in a fragment of its own.
        func keyedClosed(_ values: [(key: String, register: Int, kind: ValueKind)], then text: String) -> Range<Int> {
            let range = keyed(values)
            if !range.isEmpty { slots[range.upperBound - 1].after = Int32(b.start()) }
            b.text(text)
            return range
        }

        // MARK: Items

        /// The parts `ConditionExplainer.forEachPart(.failed…)` reports for
        /// a false node whatever the record, or nil when they depend on it:
        /// a test is itself; a false `or` is all its parts.
        func fixedFailed(_ expr: ExprPlan, _ index: Int) -> [Int]? {
            let node = expr.nodes[index]
            switch node.kind {
            case .or:
                var all: [Int] = []
                for child in expr.children(index) {
                    guard let parts = fixedFailed(expr, child) else { return nil }
                    all += parts
                }
                return all
            case .and:
                return node.childCount == 1 ? fixedFailed(expr, expr.child(index, 0)) : nil
            default:
                return [index]
            }
        }
        /// A false node's parts by mask: for an `and` of up to four parts
        /// whose own parts are fixed, the parts of its false children, the
        /// mask's bit `k` set when child `k` is false; nil for other shapes.
        func maskedFailed(_ expr: ExprPlan, _ index: Int) -> (registers: [Int32], texts: [[String]])? {
            let node = expr.nodes[index]
            guard node.kind == .and, (2...4).contains(node.childCount) else { return nil }
            let children = expr.children(index)
            let parts = children.compactMap { fixedFailed(expr, $0) }
            guard parts.count == children.count else { return nil }
            let texts = (0..<(1 << children.count)).map { mask in
                children.indices.filter { mask & (1 << $0) != 0 }.flatMap { parts[$0].map { expr.texts[$0] } }
            }
            return (children.map { Int32(expr.nodes[$0].register) }, texts)
        }
        /// The nodes a `failed` walk can report: under `and`/`or` only.
        func reportable(_ expr: ExprPlan, _ index: Int, into parts: inout [Int]) {
            if expr.nodes[index].isLogic {
                for child in expr.children(index) { reportable(expr, child, into: &parts) }
            } else {
                parts.append(index)
            }
        }
        func list(_ texts: [String]) -> [UInt8] {
            Array(texts.map(q).joined(separator: [UInt8(ascii: ",")]))
        }
        /// `heads`: the text of each variant (fired, not fired, unknown,
        /// chosen) up to `"values"`.
        func item(first: Bool, heads: [String], expr: ExprPlan?) -> Item {
            let comma = first ? "" : ","
            let headIds = b.variants(heads.map { comma + $0 + ",\"values\":{" })
            let shown =
                expr.map { expr in
                    expr.shownValues.map { (key: expr.texts[$0], register: expr.nodes[$0].register, kind: expr.values[$0]) }
                } ?? []
            let values = keyed(shown)
            let fired = utf8("},\"failed\":[],\"missing\":[]}")
            let opened = utf8("},\"failed\":[")
            let unknown = utf8("},\"failed\":[],\"missing\":[")
            let closed = utf8("],\"missing\":[]}")
            var item = Item(
                register: Int32(expr?.rootRegister ?? -1), tapeRoot: Int32(expr?.tapeBase ?? 0),
                headFired: Int32(headIds[0]), headNotFired: Int32(headIds[1]), headUnknown: Int32(headIds[2]),
                headChosen: Int32(headIds[3]), slotStart: Int32(values.lowerBound), slotCount: Int32(values.count),
                tailFired: 0, tailNotFired: 0, failed: .fixed, maskStart: 0, maskCount: 0, tailUnknown: 0, closeFailed: -1,
                closeMissing: 0)
            var complete: [Int]
            if expr == nil || fixedFailed(expr!, 0) != nil {
                let texts = expr.map { expr in fixedFailed(expr, 0)!.map { expr.texts[$0] } } ?? []
                let tails = b.variants([fired, opened + list(texts) + closed, unknown])
                (item.tailFired, item.tailNotFired, item.tailUnknown) = (Int32(tails[0]), Int32(tails[1]), Int32(tails[2]))
                complete = [tails[0], tails[1]]
            } else if let expr, let masked = maskedFailed(expr, 0) {
                // One tail per set of false parts.
                let tails = b.variants([fired, unknown] + masked.texts.map { opened + list($0) + closed })
                (item.tailFired, item.tailUnknown, item.tailNotFired) = (Int32(tails[0]), Int32(tails[1]), Int32(tails[2]))
                item.failed = .masked
                item.maskStart = Int32(maskRegisters.count)
                item.maskCount = Int32(masked.registers.count)
                maskRegisters += masked.registers
                complete = [tails[0]] + tails.dropFirst(2)
            } else if let expr, expr.nodes[0].kind == .or,
                case let groups = expr.children(0).map({ child in (fixedFailed(expr, child), maskedFailed(expr, child)) }),
                groups.allSatisfy({ $0.0 != nil || $0.1 != nil })
            {
                // A false `or`: each part's own parts, fixed or by mask.
                let tails = b.variants([fired, opened, unknown])
                (item.tailFired, item.tailNotFired, item.tailUnknown) = (Int32(tails[0]), Int32(tails[1]), Int32(tails[2]))
                item.failed = .segments
                item.segmentStart = Int32(segments.count)
                for (position, group) in groups.enumerated() {
                    let comma = position == 0 ? [] : utf8(",")
                    if let fixed = group.0 {
                        let id = b.standalone(comma + list(fixed.map { expr.texts[$0] }), repeatable: false)
                        segments.append(Segment(maskStart: 0, maskCount: 0, fragment: Int32(id)))
                    } else if let masked = group.1 {
                        let ids = masked.texts.map { b.standalone(comma + list($0), repeatable: false) }
                        segments.append(
                            Segment(
                                maskStart: Int32(maskRegisters.count), maskCount: Int32(masked.registers.count),
                                fragment: Int32(ids[0])))
                        maskRegisters += masked.registers
                    }
                }
                item.segmentCount = Int32(segments.count) - item.segmentStart
                item.closeFailed = Int32(b.standalone(closed, repeatable: false))
                complete = [tails[0], Int(item.closeFailed)]
            } else if let expr {
                // Any other shape: the walk of `ConditionExplainer`.
                let tails = b.variants([fired, opened, unknown])
                (item.tailFired, item.tailNotFired, item.tailUnknown) = (Int32(tails[0]), Int32(tails[1]), Int32(tails[2]))
                item.failed = .walk
                item.closeFailed = Int32(b.standalone(closed, repeatable: false))
                var reported: [Int] = []
                reportable(expr, 0, into: &reported)
                for node in reported {
                    partText[expr.tapeBase + node] = Int32(b.standalone(utf8(",") + q(expr.texts[node]), repeatable: false))
                }
                complete = [tails[0], Int(item.closeFailed)]
            } else {
                preconditionFailure("unreachable")
            }
            item.closeMissing = Int32(b.standalone(utf8("]}"), repeatable: false))
            b.open(complete + [Int(item.closeMissing)])
            return item
        }
        /// A JSON string literal, as text to join.
        func qs(_ string: String) -> String { String(decoding: q(string), as: UTF8.self) }
        let outcomes = ["fired", "not_fired", "unknown"]

        // MARK: Scales

        var bandLower: [Int32] = []
        let tierList = program.tiers.values
        /// After the score (a value): band, distances and the highest tier,
        /// with `prefix` before `"band"`.
        func scale(_ bands: TierBands, prefix: String) -> Scale {
            let list = bands.bands
            let start = Int32(bandLower.count)
            bandLower += list.map { Int32($0.lower) }
            let up = b.variants(
                list.indices.map { index in
                    let band = list[index]
                    let upper = band.upper.map(String.init) ?? "null"
                    var text = prefix + "\"band\":{\"tier\":\(qs(tierList[band.tier])),\"from\":\(band.lower),\"to\":\(upper)},\"next_up\":"
                    text += index + 1 < list.count ? "{\"tier\":\(qs(tierList[list[index + 1].tier])),\"points\":" : "null"
                    return text
                })
            b.hole()
            let down = b.variants(
                list.indices.map { index in
                    var text = index + 1 < list.count ? "}" : ""
                    text += ",\"next_down\":"
                    text += index > 0 ? "{\"tier\":\(qs(tierList[list[index - 1].tier])),\"points\":" : "null"
                    return text
                })
            b.hole()
            var highest: [String] = []
            for hasDown in [false, true] {
                for tier in tierList {
                    for exact in [false, true] {
                        highest.append((hasDown ? "}" : "") + ",\"highest_tier\":{\"tier\":\(qs(tier)),\"exact\":\(exact)}")
                    }
                }
            }
            let highestIds = b.variants(highest)
            return Scale(
                bandStart: start, bandCount: Int32(list.count), up: Int32(up.first ?? 0), down: Int32(down.first ?? 0),
                highest: Int32(highestIds[0]))
        }

        // MARK: The record, in order

        let identifierName = program.inputs[program.identifier].name
        head = Int32(b.start())
        b.text(utf8("{") + q(identifierName) + utf8(":"))
        b.hole()
        // Inputs.
        inputsTotal = program.missingOrder.count
        inputsHead = Int32(b.start())
        b.text(",\"inputs\":{")
        let inputList = program.inputs.indices.filter { $0 != program.identifier && program.inputs[$0].type != .string }
        inputSlots = keyedClosed(inputList.map { (program.inputs[$0].name, $0, plan.inputKinds[$0]) }, then: "},\"missing\":[")
        b.hole()
        // Derived values and how they were computed.
        afterMissing = Int32(b.start())
        b.text("],\"inputs_known\":")
        b.hole()
        afterInputsKnown = Int32(b.start())
        b.text(",\"inputs_total\":\(program.missingOrder.count),\"derived\":{")
        derivedSlots = keyedClosed(
            program.derived.enumerated().map { ($1.name, $1.register, plan.derived[$0].values[0]) }, then: "},\"derived_parts\":{")
        derivedCount = program.derived.count
        var parts: [Parts] = []
        var armRegisters: [Int32] = []
        for (index, expr) in plan.derived.enumerated() {
            b.text((index > 0 ? "," : "") + qs(program.derived[index].name) + ":")
            let root = expr.nodes[0]
            switch root.kind {
            case .sum(let labels):
                b.text("{")
                let values = keyedClosed(
                    expr.children(0).enumerated().map { k, child in
                        (expr.labels[labels][k], expr.nodes[child].register, expr.values[child])
                    }, then: "}")
                parts.append(Parts(mode: .sum, start: Int32(values.lowerBound), count: Int32(values.count), register: 0, fragments: 0))
            case .cases(let arms, let hasOtherwise):
                var texts: [String] = []
                for arm in 0..<arms {
                    let when = qs(expr.texts[expr.child(0, 2 * arm)])
                    texts.append("{\"case\":\(arm + 1),\"when\":\(when),\"holds\":true}")
                    texts.append("{\"case\":\(arm + 1),\"when\":\(when),\"holds\":null}")
                    armRegisters.append(Int32(expr.nodes[expr.child(0, 2 * arm)].register))
                }
                texts.append(hasOtherwise ? "{\"case\":\(arms + 1),\"when\":null,\"holds\":true}" : "{\"case\":null,\"when\":null,\"holds\":false}")
                let ids = b.variants(texts)
                parts.append(
                    Parts(
                        mode: .cases, start: Int32(armRegisters.count - arms), count: Int32(arms), register: 0,
                        fragments: Int32(ids[0])))
            case .table(let tableIndex):
                let table = expr.tables[tableIndex]
                let ids = b.variants(table.rows.map { "{\"row\":\(qs($0.keyText))}" } + ["{\"row\":\"default\"}", "{\"row\":null}"])
                parts.append(
                    Parts(
                        mode: .table, start: 0, count: Int32(table.rows.count), register: Int32(table.rowRegister),
                        fragments: Int32(ids[0])))
            default:
                b.text("null")
                parts.append(Parts(mode: .fixed, start: 0, count: 0, register: 0, fragments: 0))
            }
        }
        // Rules.
        b.text("},\"rules\":[")
        let firstRule = items.count
        for (index, rule) in program.rules.enumerated() {
            let common = "{\"id\":\(qs(rule.id)),\"domain\":\(qs(program.domains[rule.domain].name)),\"outcome\":"
            let rest =
                ",\"points\":\(rule.points)" + (rule.flag.map { ",\"flag\":\(qs(program.flags[$0].name))" } ?? "")
                + ",\"because\":\(qs(rule.because))"
            let heads = outcomes.map { common + "\"\($0)\"" + rest + ",\"condition\":\(qs(ExprPlan.oneLine(rule.text)))" }
            items.append(item(first: index == 0, heads: heads + [heads[0]], expr: plan.rules[index]))
        }
        rules = firstRule..<items.count
        b.text("],\"flags\":[")
        b.hole()
        // Domains.
        afterFlags = Int32(b.start())
        b.text("],\"domains\":{")
        func adjustment(first: Bool, id: String, atLeast: Int, because: String, expr: ExprPlan) -> Item {
            let heads = outcomes.map { outcome in
                "{\"id\":\(qs(id)),\"outcome\":\"\(outcome)\",\"at_least\":\(qs(tierList[atLeast])),"
                    + (outcome == "fired" ? "\"applied\":true,\"because\":\(qs(because))" : "\"applied\":false")
            }
            return item(first: first, heads: heads + [heads[0]], expr: expr)
        }
        var domains: [Domain] = []
        for (domainIndex, domain) in program.domains.enumerated() {
            b.text((domainIndex > 0 ? "," : "") + qs(domain.name) + ":{\"score\":")
            b.hole()
            let afterScore = Int32(b.start())
            b.text(",\"tier\":")
            b.hole()
            let domainScale = scale(domain.bands, prefix: ",")
            b.text(",\"floors\":[")
            let firstFloor = items.count
            for (index, floor) in domain.floors.enumerated() {
                items.append(
                    adjustment(
                        first: index == 0, id: floor.id, atLeast: floor.atLeast, because: floor.because,
                        expr: plan.floors[domainIndex][index]))
            }
            b.text("]}")
            domains.append(
                Domain(
                    scoreRegister: Int32(domain.scoreRegister), tierRegister: Int32(domain.tierRegister), afterScore: afterScore,
                    scale: domainScale, floorStart: Int32(firstFloor), floorCount: Int32(items.count - firstFloor)))
        }
        domainCount = domains.count
        // The total, its tier and scale, the escalations.
        b.text("},\"total_score\":")
        b.hole()
        afterTotal = Int32(b.start())
        b.text(",\"tier\":")
        b.hole()
        b.text(",\"overall\":{")
        overall = scale(program.overall.bands, prefix: "")
        b.text("},\"escalations\":[")
        let firstEscalation = items.count
        for (index, escalation) in program.overall.escalations.enumerated() {
            items.append(
                adjustment(
                    first: index == 0, id: escalation.id, atLeast: escalation.atLeast, because: escalation.because,
                    expr: plan.escalations[index]))
        }
        escalations = firstEscalation..<items.count
        // The model.
        b.text("],\"model\":")
        b.hole()
        let modelNameTable = names(program.models.map(\.id))
        b.text(",\"model_candidates\":[")
        let firstModel = items.count
        for (index, model) in program.models.enumerated() {
            let heads = outcomes.map { "{\"id\":\(qs(model.id)),\"outcome\":\"\($0)\",\"chosen\":false" }
            let chosen =
                "{\"id\":\(qs(model.id)),\"outcome\":\"fired\",\"chosen\":true,\"contact\":\(qs(model.contact)),"
                + "\"review_days\":\(model.reviewDays),\"because\":\(qs(model.because))"
            items.append(item(first: index == 0, heads: heads + [chosen], expr: plan.models[index]))
        }
        models = firstModel..<items.count
        // The rules that made the trace: the file's name and the SHA-256
        // of its bytes, the same on every line.
        let ruleSetName = program.name.map(qs) ?? "null"
        b.text("],\"rule_set\":{\"name\":\(ruleSetName),\"sha256\":\"\(SHA256.hex(program.source.bytes))\"},\"review_by\":")
        b.hole()
        let changes = b.variants(["," + "\"model_changes\":null}\n", ",\"model_changes\":["])
        b.hole()
        changesNull = Int32(changes[0])
        changesOpen = Int32(changes[1])

        // Names the record writes by index.
        let inputNameIds = program.inputs.map { Int32(b.standalone(q($0.name), repeatable: true)) }
        let flagNameIds = program.flags.map { Int32(b.standalone(q($0.name), repeatable: true)) }
        let tierTable = names(tierList)
        tierNames = tierTable.0
        tierCount = tierTable.1
        modelNames = modelNameTable.0

        // Bounds: every fragment but names is written at most once.
        let nameBytes = program.inputs.reduce(0) { $0 + JSONBytes.quoted($1.name).count + 1 }
        let flagBytes = program.flags.reduce(0) { $0 + JSONBytes.quoted($1.name).count + 1 }
        let value = 32 + b.longestRepeatable
        missingBound = nameBytes + 16
        recordBound = b.onceBytes + b.holes * value + (nameBytes + 16) + flagBytes + tape.count + 64

        // Flat tables.
        let (arena, fragments) = b.finish()
        self.arena = FixedBuffer(arena)
        self.fragments = FixedBuffer(fragments)
        self.slots = FixedBuffer(slots)
        self.items = FixedBuffer(items)
        self.partText = FixedBuffer(partText)
        inputNames = FixedBuffer(inputNameIds)
        flagRegisters = FixedBuffer(program.flags.map { Int32($0.register) })
        flagNames = FixedBuffer(flagNameIds)
        flagCount = program.flags.count
        self.parts = FixedBuffer(parts)
        self.maskRegisters = FixedBuffer(maskRegisters)
        self.segments = FixedBuffer(segments)
        self.armRegisters = FixedBuffer(armRegisters)
        self.bandLower = FixedBuffer(bandLower)
        self.domains = FixedBuffer(domains)
        totalRegister = Int32(program.overall.totalRegister)
        tierRegister = Int32(program.overall.tierRegister)
        modelRegister = Int32(program.modelRegister)
        reviewRegister = Int32(program.review?.register ?? -1)
    }
}
