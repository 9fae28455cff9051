import StratifyCore
import StratifyIO

extension DiffReport {
    /// The report as JSON: `records`, `changed`, `tier_migration`,
    /// `model_migration` and `rules` first (the keys scripts rely on), then
    /// `read`, `outputs_changed`, `rules_changed`, `rejected`, `total_score`
    /// and `domains`. Matrices are `{OLD: {NEW: count}}` with every tier (model)
    /// of each file, zeros included.
    public func json() -> String {
        var members: [(String, DiffJSON)] = [
            ("records", .int(records)),
            ("changed", .int(changed)),
            ("tier_migration", Self.json(tierMigration)),
            ("model_migration", Self.json(modelMigration)),
            (
                "rules",
                .object(
                    rules.map { rule in
                        (
                            rule.id,
                            .object([
                                ("fired_old", .int(rule.firedOld)), ("fired_new", .int(rule.firedNew)),
                                ("unknown_old", .int(rule.unknownOld)), ("unknown_new", .int(rule.unknownNew)),
                                ("changed", .int(rule.changed)), ("in_old", .bool(rule.inOld)), ("in_new", .bool(rule.inNew)),
                            ])
                        )
                    })
            ),
            ("read", .int(read)),
            ("outputs_changed", .int(outputsChanged)),
            ("rules_changed", .int(rulesChanged)),
        ]
        func named(_ names: [String], _ counts: [String: Int]) -> DiffJSON {
            .object(names.map { ($0, .int(counts[$0] ?? 0)) })
        }
        members.append(
            (
                "rejected",
                .object([
                    ("both", .int(rejected.both)), ("old_only", .int(rejected.oldOnly)), ("new_only", .int(rejected.newOnly)),
                    ("old_only_by_new_tier", named(newTiers, rejected.oldOnlyByNewTier)),
                    ("old_only_by_new_model", named(newModels, rejected.oldOnlyByNewModel)),
                    ("new_only_by_old_tier", named(oldTiers, rejected.newOnlyByOldTier)),
                    ("new_only_by_old_model", named(oldModels, rejected.newOnlyByOldModel)),
                ])
            ))
        members.append(("total_score", Self.json(totalScore)))
        members.append(("domains", .object(domains.map { ($0.name, Self.json($0)) })))
        if !demand.isEmpty {
            func optional(_ value: Int?) -> DiffJSON { value.map { .int($0) } ?? .null }
            members.append(
                (
                    "caseload",
                    .object(
                        demand.map { row in
                            (
                                row.model,
                                .object([
                                    ("patients_old", .int(row.patientsOld)), ("patients_new", .int(row.patientsNew)),
                                    ("caseload_old", optional(row.caseloadOld)), ("caseload_new", optional(row.caseloadNew)),
                                    ("needed_old", optional(row.neededOld)), ("needed_new", optional(row.neededNew)),
                                    ("change", optional(row.change)),
                                ])
                            )
                        })
                ))
        }
        var out = OutputBuffer(capacity: 8 << 10)
        DiffJSON.object(members).write(into: &out, depth: 0)
        out.append(10)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func json(_ matrix: Matrix) -> DiffJSON {
        .object(
            matrix.rows.enumerated().map { r, row in
                (row, .object(matrix.columns.enumerated().map { c, column in (column, .int(matrix.counts[r][c])) }))
            })
    }

    private static func json(_ change: ScoreChange) -> DiffJSON {
        var members: [(String, DiffJSON)] = []
        if change.name != "total_score" {
            members += [("in_old", .bool(change.inOld)), ("in_new", .bool(change.inNew))]
        }
        members += [
            ("score_up", .int(change.up)), ("score_down", .int(change.down)), ("score_same", .int(change.same)),
            ("total_change", .int(change.totalChange)), ("mean_change", .number(change.meanChange)),
        ]
        if let tiers = change.tiers { members.append(("tier_migration", json(tiers))) }
        return .object(members)
    }
}

/// Just enough JSON to write the report: objects keep their key order;
/// the two outer levels go one member per line, deeper ones on one line.
indirect enum DiffJSON {
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    case object([(String, DiffJSON)])

    func write(into out: inout OutputBuffer, depth: Int) {
        switch self {
        case .int(let value): out.append(decimal: value)
        case .number(let value): out.append(Self.numberText(value))
        case .bool(let value): out.append(value ? "true" : "false")
        case .null: out.append("null" as StaticString)
        case .object(let members):
            guard !members.isEmpty else {
                out.append("{}")
                return
            }
            let multiline = depth < 2
            let indent = String(repeating: "  ", count: depth + 1)
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if multiline {
                    out.append(10)
                    out.append(indent)
                } else if index > 0 {
                    out.append(UInt8(ascii: " "))
                }
                out.appendJSONString(key)
                out.append(": ")
                value.write(into: &out, depth: depth + 1)
            }
            if multiline {
                out.append(10)
                out.append(String(repeating: "  ", count: depth))
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// At most 4 decimals; never an exponent or `-0`.
    static func numberText(_ value: Double) -> String {
        NumberText.fixed(value, decimals: 4, trimZeros: true)
    }
}
