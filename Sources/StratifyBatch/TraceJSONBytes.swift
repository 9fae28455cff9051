import StratifyEngine
import StratifyIO
import StratifyRules

/// The fixed parts of the JSON trace, made once per program: keys, ids,
/// `because` sentences and condition texts, escaped and quoted, in one
/// byte arena; and where each value is, as plain numbers.
///
/// Fixed text that follows a value is joined at start with the text after
/// it, one variant per outcome where the outcome decides it (`,"holds":true}`
/// then the next check's head), so that a record is written with few,
/// longer copies.
final class TraceJSONBytes: Sendable {
    /// A range of `arena`.
    struct Fragment: Sendable {
        var start: Int
        var count: Int
        static let none = Fragment(start: 0, count: 0)
    }

    /// Fragments by a three-valued register: 1, 0, unknown.
    struct ByOutcome: Sendable {
        var fired: Fragment
        var notFired: Fragment
        var unknown: Fragment

        @inline(__always)
        func pick(_ value: Double) -> Fragment {
            value == 1 ? fired : (value == 0 ? notFired : unknown)
        }
    }

    /// How to write a register's value.
    enum Value: Sendable {
        case integer, number, boolean, date, null
        /// A name: `names[base + value]`, quoted.
        case names(base: Int, count: Int)
    }

    /// A check's operands and what follows it; its head is in the text before.
    struct Check: Sendable {
        var register: Int
        var left: Int
        var leftValue: Value
        /// `,"op":">=","right":` for a comparison; empty otherwise.
        var middle: Fragment
        var right: Int
        var rightValue: Value
        /// `,"holds":…}` then the next check's head, or `],"outcome":`.
        var tail: ByOutcome
    }

    /// A condition inside an object (rule, floor, escalation, model) whose
    /// head ends with `"checks":[` and the first check's head.
    struct Condition: Sendable {
        var rootRegister: Int
        var checks: Range<Int>
        /// Index into `plans`.
        var plan: Int
        var shape: Shape
        /// `"fired","failed":[` …
        var outcome: ByOutcome
        /// After `failed`, when the condition is known: `],"missing":[]` and
        /// the object's end.
        var close: ByOutcome
        /// After the missing inputs of an unknown condition: `]` and the object's end.
        var closeUnknown: Fragment
    }

    /// The parts that can fail, for the usual shapes of condition, so that
    /// `failed` needs no walk of the plan: a single test fails as a whole;
    /// an `and` or `or` of single tests fails by its false parts (all of
    /// them, for `or`). Other shapes ask `ConditionExplainer`.
    enum Shape: Sendable {
        case single(Fragment)
        /// `parts` indexes `parts`.
        case flat(isAnd: Bool, parts: Range<Int>)
        case nested
    }

    /// A part of a flat condition: its register and quoted text.
    struct Part: Sendable {
        var register: Int
        var text: Fragment
    }

    /// An object of the trace with a condition: its head (first and later
    /// in a list, the later with a leading comma) up to its first check.
    struct Item: Sendable {
        var head: Fragment
        var laterHead: Fragment
        /// Index into `conditions`; -1 for a model that always holds.
        var condition: Int
    }

    struct Keyed: Sendable {
        var register: Int
        /// `"age":`, with a leading comma after the first.
        var key: Fragment
        var value: Value
    }

    struct Domain: Sendable {
        var key: Fragment
        var scoreRegister: Int
        var tierRegister: Int
        var bands: TierBands
        var floors: Range<Int>
    }

    let arena: [UInt8]
    let names: [Fragment]
    let identifierKey: Fragment
    let inputs: [Keyed]
    /// Quoted input names, by input index.
    let inputNames: [Fragment]
    let missingOrder: [Int]
    let derived: [Keyed]
    let flags: [(register: Int, name: Fragment)]
    let tiers: Value
    let checks: [Check]
    let conditions: [Condition]
    /// The condition plans, by `Condition.plan`.
    let plans: [ExprPlan]
    let parts: [Part]
    let rules: [Item]
    let domains: [Domain]
    let floors: [Item]
    let escalations: [Item]
    let models: [Item]
    let modelNames: [Fragment]
    let totalRegister: Int
    let tierRegister: Int
    let overallBands: TierBands
    let reviewRegister: Int
    /// A guess at one record's size, reserved before writing it.
    let typicalSize: Int

    init(plan: TracePlan) {
        let program = plan.program
        var arena: [UInt8] = []
        var names: [Fragment] = []
        var nameTables: [ObjectIdentifier: Value] = [:]
        func add(_ bytes: [UInt8]) -> Fragment {
            arena += bytes
            return Fragment(start: arena.count - bytes.count, count: bytes.count)
        }
        func b(_ text: String) -> [UInt8] { Array(text.utf8) }
        let q = JSONBytes.quoted
        func value(_ kind: ValueKind) -> Value {
            switch kind {
            case .integer: return .integer
            case .number: return .number
            case .boolean: return .boolean
            case .date: return .date
            case .text: return .null
            case .names(let table):
                if let known = nameTables[ObjectIdentifier(table)] { return known }
                names += table.names.map { add(q($0)) }
                let value = Value.names(base: names.count - table.names.count, count: table.names.count)
                nameTables[ObjectIdentifier(table)] = value
                return value
            }
        }
        func byOutcome(_ make: (String) -> [UInt8]) -> ByOutcome {
            ByOutcome(fired: add(make("fired")), notFired: add(make("not_fired")), unknown: add(make("unknown")))
        }

        var checks: [Check] = []
        var conditions: [Condition] = []
        var plans: [ExprPlan] = []
        var parts: [Part] = []
        /// Adds a condition; returns its index and the text that opens it
        /// (`"condition":"…","checks":[` and the first check's head), which
        /// the caller joins to its object's head. `suffix(outcome)` is what
        /// the object writes after `missing`: its end.
        func condition(_ expr: ExprPlan, text conditionText: String, suffix: (String) -> [UInt8]) -> (Int, [UInt8]) {
            let heads = expr.checks.map { index -> [UInt8] in
                b("{\"expr\":") + q(expr.texts[index]) + b(expr.nodes[index].kind.isCompare ? ",\"left\":" : ",\"value\":")
            }
            let first = checks.count
            for (position, index) in expr.checks.enumerated() {
                let node = expr.nodes[index]
                let next = position + 1 < heads.count ? b(",") + heads[position + 1] : b("],\"outcome\":")
                let tail = ByOutcome(
                    fired: add(b(",\"holds\":true}") + next), notFired: add(b(",\"holds\":false}") + next),
                    unknown: add(b(",\"holds\":null}") + next))
                if case .compare(let op) = node.kind {
                    let (left, right) = (expr.child(index, 0), expr.child(index, 1))
                    checks.append(Check(
                        register: node.register, left: expr.nodes[left].register, leftValue: value(expr.values[left]),
                        middle: add(b(",\"op\":") + q(op.rawValue) + b(",\"right\":")),
                        right: expr.nodes[right].register, rightValue: value(expr.values[right]), tail: tail))
                } else {
                    let tested = node.childCount == 0 ? index : expr.child(index, 0)
                    checks.append(Check(
                        register: node.register, left: expr.nodes[tested].register, leftValue: value(expr.values[tested]),
                        middle: .none, right: 0, rightValue: .null, tail: tail))
                }
            }
            plans.append(expr)
            let root = expr.nodes[0]
            let shape: Shape
            if !root.isLogic {
                shape = .single(add(q(expr.texts[0])))
            } else if expr.children(0).allSatisfy({ !expr.nodes[$0].isLogic }) {
                let first = parts.count
                for child in expr.children(0) {
                    parts.append(Part(register: expr.nodes[child].register, text: add(q(expr.texts[child]))))
                }
                shape = .flat(isAnd: root.kind == .and, parts: first..<parts.count)
            } else {
                shape = .nested
            }
            conditions.append(Condition(
                rootRegister: expr.rootRegister, checks: first..<checks.count, plan: plans.count - 1, shape: shape,
                outcome: byOutcome { b("\"\($0)\",\"failed\":[") },
                close: byOutcome { b("],\"missing\":[]") + suffix($0) },
                closeUnknown: add(b("]") + suffix("unknown"))))
            let open = b("\"condition\":") + q(ExprPlan.oneLine(conditionText)) + b(",\"checks\":[")
                + (heads.first ?? b("],\"outcome\":"))
            return (conditions.count - 1, open)
        }
        func item(_ head: [UInt8], _ condition: (Int, [UInt8])) -> Item {
            Item(head: add(head + condition.1), laterHead: add(b(",") + head + condition.1), condition: condition.0)
        }

        identifierKey = add(b("{") + q(program.inputs[program.identifier].name) + b(":"))
        inputs = program.inputs.indices
            .filter { $0 != program.identifier && program.inputs[$0].type != .string }
            .enumerated()
            .map { position, input in
                Keyed(register: input, key: add(b(position == 0 ? "" : ",") + q(program.inputs[input].name) + b(":")),
                      value: value(plan.inputKinds[input]))
            }
        inputNames = program.inputs.map { add(q($0.name)) }
        missingOrder = program.missingOrder
        derived = program.derived.enumerated().map { index, derived in
            Keyed(register: derived.register, key: add(b(index == 0 ? "" : ",") + q(derived.name) + b(":")),
                  value: value(plan.derived[index].values[0]))
        }
        flags = program.flags.map { ($0.register, add(q($0.name))) }
        tiers = value(.names(plan.tiers))
        let none: (String) -> [UInt8] = { _ in b("}") }
        rules = program.rules.enumerated().map { index, rule in
            let head = b("{\"id\":") + q(rule.id) + b(",\"domain\":") + q(program.domains[rule.domain].name)
                + b(",\"points\":\(rule.points),\"flag\":") + (rule.flag.map { q(program.flags[$0].name) } ?? b("null"))
                + b(",\"because\":") + q(rule.because) + b(",")
            return item(head, condition(plan.rules[index], text: rule.text, suffix: none))
        }
        let tierNames = program.tiers.values
        let applied: (String) -> [UInt8] = { b($0 == "fired" ? ",\"applied\":true}" : ",\"applied\":false}") }
        func adjustment(_ id: String, _ atLeast: Int, _ because: String, _ expr: ExprPlan, _ text: String) -> Item {
            item(b("{\"id\":") + q(id) + b(",\"at_least\":") + q(tierNames[atLeast]) + b(",\"because\":") + q(because) + b(","),
                 condition(expr, text: text, suffix: applied))
        }
        var floors: [Item] = []
        domains = program.domains.enumerated().map { domainIndex, domain in
            let first = floors.count
            for (index, floor) in domain.floors.enumerated() {
                floors.append(adjustment(floor.id, floor.atLeast, floor.because, plan.floors[domainIndex][index], floor.text))
            }
            return Domain(
                key: add(b(domainIndex == 0 ? "" : ",") + q(domain.name) + b(":{\"score\":")), scoreRegister: domain.scoreRegister,
                tierRegister: domain.tierRegister, bands: domain.bands, floors: first..<floors.count)
        }
        self.floors = floors
        escalations = program.overall.escalations.enumerated().map { index, escalation in
            adjustment(escalation.id, escalation.atLeast, escalation.because, plan.escalations[index], escalation.text)
        }
        modelNames = program.models.map { add(q($0.id)) }
        // A model's object ends with `"chosen":` and the writer's `true}`/`false}`.
        let chosen: (String) -> [UInt8] = { _ in b(",\"chosen\":") }
        models = program.models.enumerated().map { index, model in
            let head = b("{\"id\":") + q(model.id) + b(",\"contact\":") + q(model.contact)
                + b(",\"review_days\":\(model.reviewDays),\"because\":") + q(model.because) + b(",")
            if let expr = plan.models[index] {
                return item(head, condition(expr, text: model.text ?? expr.texts[0], suffix: chosen))
            }
            let always = head + b("\"condition\":null,\"checks\":[],\"outcome\":\"fired\",\"failed\":[],\"missing\":[],\"chosen\":")
            return Item(head: add(always), laterHead: add(b(",") + always), condition: -1)
        }
        totalRegister = program.overall.totalRegister
        tierRegister = program.overall.tierRegister
        overallBands = program.overall.bands
        reviewRegister = program.review?.register ?? -1
        self.checks = checks
        self.conditions = conditions
        self.plans = plans
        self.parts = parts
        self.names = names
        self.arena = arena
        typicalSize = 4096 + arena.count / 2
    }
}

extension ExprPlan.Kind {
    var isCompare: Bool { if case .compare = self { true } else { false } }
}
