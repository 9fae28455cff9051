import StratifyIO

/// Just enough JSON for the report: objects keep their key order; numbers
/// carry full precision (the shortest text that reads back the same double).
indirect enum EvaluationJSON {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([EvaluationJSON])
    case object([(String, EvaluationJSON)])

    static func int(_ value: Int?) -> EvaluationJSON { value.map { .int($0) } ?? .null }
    static func number(_ value: Double?) -> EvaluationJSON { value.map { .number($0) } ?? .null }
    static func string(_ value: String?) -> EvaluationJSON { value.map { .string($0) } ?? .null }
    static func interval(_ value: (Double, Double)?) -> EvaluationJSON {
        value.map { .array([.number($0.0), .number($0.1)]) } ?? .null
    }

    func write(into out: inout OutputBuffer, depth: Int) {
        switch self {
        case .null: out.append("null" as StaticString)
        case .bool(let value): out.append(value ? "true" : "false")
        case .int(let value): out.append(decimal: value)
        case .number(let value): out.append(value.isFinite ? "\(value)" : "null")
        case .string(let value): out.appendJSONString(value)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if depth < 2 {
                    out.append(10)
                    out.append(String(repeating: "  ", count: depth + 1))
                }
                item.write(into: &out, depth: depth + 1)
            }
            if depth < 2 && !items.isEmpty {
                out.append(10)
                out.append(String(repeating: "  ", count: depth))
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(depth < 1 ? "," : ", ") }
                if depth < 1 {
                    out.append(10)
                    out.append(String(repeating: "  ", count: depth + 1))
                }
                out.appendJSONString(key)
                out.append(": ")
                value.write(into: &out, depth: depth + 1)
            }
            if depth < 1 && !members.isEmpty {
                out.append(10)
                out.append(String(repeating: "  ", count: depth))
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension EvaluationReport {
    /// The report as JSON (documented by docs/evaluate.schema.json).
    package func json() -> String {
        var members: [(String, EvaluationJSON)] = [
            (
                "records",
                .object(
                    [
                        ("scored", .int(records.scored)), ("with_outcome", .int(records.withOutcome)),
                        ("without_outcome", .int(records.withoutOutcome)), ("outcomes_unmatched", .int(records.outcomesUnmatched)),
                        ("rejected", .int(records.rejected)),
                    ]
                        + (candidate == nil
                            ? []
                            : [
                                ("rejected_current_only", .int(records.rejectedCurrentOnly)),
                                ("rejected_candidate_only", .int(records.rejectedCandidateOnly)),
                                ("rejected_both", .int(records.rejectedBoth)),
                            ]))
            ),
            ("min_cell", .int(minCell)),
            ("rules_file", .string(rulesFile)),
        ]
        members += side(current)
        if let candidate {
            members.append(("candidate", .object([("rules_file", .string(candidateFile))] + side(candidate))))
        }
        if let comparison {
            members.append(("comparison", Self.json(comparison)))
        }
        var out = OutputBuffer(capacity: 16 << 10)
        EvaluationJSON.object(members).write(into: &out, depth: 0)
        out.append(10)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private func side(_ side: SideReport) -> [(String, EvaluationJSON)] {
        figures(side.figures) + [
            (
                "groups",
                .array(
                    side.groups.map { group in
                        .object([("by", .string(group.by)), ("value", .string(group.value))] + figures(group.figures))
                    })
            )
        ]
    }

    private static func json(_ c: CStatistic?) -> EvaluationJSON {
        guard let c else { return .null }
        return .object([("value", .number(c.value)), ("ci95", .interval(c.ci95)), ("se", .number(c.standardError))])
    }

    private static func json(_ comparison: Comparison) -> EvaluationJSON {
        func difference(_ d: CStatisticDifference?) -> EvaluationJSON {
            guard let d else { return .null }
            return .object([("value", .number(d.value)), ("ci95", .interval(d.ci95)), ("p", .number(d.p)), ("se", .number(d.standardError))])
        }
        return .object([
            ("c_statistic_difference", difference(comparison.cStatisticDifference)),
            ("c_statistic_difference_tier", difference(comparison.cStatisticDifferenceTier)),
            (
                "nri",
                comparison.nri.map { nri in
                    .object([
                        ("events", .number(nri.events)), ("non_events", .number(nri.nonEvents)), ("total", .number(nri.total)),
                        ("events_up", .int(nri.eventsUp)), ("events_down", .int(nri.eventsDown)),
                        ("non_events_up", .int(nri.nonEventsUp)), ("non_events_down", .int(nri.nonEventsDown)),
                    ])
                } ?? .null
            ),
        ])
    }

    private func figures(_ f: Figures) -> [(String, EvaluationJSON)] {
        let binary = outcomeType == .binary
        var outcome: [(String, EvaluationJSON)] = [("name", .string(outcomeName)), ("type", .string(outcomeType.rawValue)), ("n", .int(f.n))]
        if binary {
            outcome += [("events", .int(f.events)), ("rate", .number(f.rate))]
        } else {
            outcome += [("mean", .number(f.mean)), ("median", .number(f.median)), ("total", .number(f.total))]
        }
        outcome.append(("suppressed", .bool(f.suppressed)))
        var members: [(String, EvaluationJSON)] = [("outcome", .object(outcome))]
        members.append(
            (
                "c_statistic",
                binary
                    ? .object([("total_score", Self.json(f.cTotalScore)), ("tier", Self.json(f.cTier))]) : .null
            ))
        members.append(("tiers", .array(f.tiers.map { row($0, key: "tier") })))
        members.append(
            (
                "thresholds",
                .array(
                    f.thresholds.map { t in
                        .object([
                            ("at_least", .string(t.atLeast)), ("flagged", .int(t.flagged)), ("share", .number(t.share)),
                            ("events", .int(t.events)), ("sensitivity", .number(t.sensitivity)), ("specificity", .number(t.specificity)),
                            ("ppv", .number(t.ppv)), ("lift", .number(t.lift)), ("suppressed", .bool(t.suppressed)),
                        ])
                    })
            ))
        members.append(("models", .array(f.models.map { row($0, key: "model") })))
        members.append(
            (
                "rules",
                .array(
                    f.rules.map { r in
                        var fields: [(String, EvaluationJSON)] = [("rule", .string(r.rule)), ("fired", .int(r.fired)), ("not_fired", .int(r.notFired))]
                        if binary {
                            fields += [
                                ("events_fired", .int(r.eventsFired)), ("events_not_fired", .int(r.eventsNotFired)),
                                ("rate_fired", .number(r.rateFired)), ("rate_not_fired", .number(r.rateNotFired)), ("lift", .number(r.lift)),
                            ]
                        } else {
                            fields += [("mean_fired", .number(r.meanFired)), ("mean_not_fired", .number(r.meanNotFired))]
                        }
                        return .object(fields + [("suppressed", .bool(r.suppressed))])
                    })
            ))
        if binary {
            members.append(
                (
                    "calibration",
                    .object([
                        (
                            "bands",
                            .array(
                                f.bands.map { band in
                                    var object = row(band, key: "tier")
                                    if case .object(let fields) = object {
                                        object = .object([fields[0], ("lower", .int(band.lower)), ("upper", .int(band.upper))] + fields.dropFirst())
                                    }
                                    return object
                                })
                        ),
                        (
                            "scores",
                            .array(
                                f.scores.map { score in
                                    var object = row(score, key: "total_score")
                                    if case .object(var fields) = object {
                                        fields[0].1 = Double(score.name).map { .number($0) } ?? .string(score.name)
                                        object = .object(fields)
                                    }
                                    return object
                                })
                        ),
                    ])
                ))
        } else {
            members.append(("spearman", .number(f.spearman)))
        }
        return members
    }

    private func row(_ r: Row, key: String) -> EvaluationJSON {
        var fields: [(String, EvaluationJSON)] = [(key, .string(r.name)), ("n", .int(r.n))]
        if outcomeType == .binary {
            fields += [("events", .int(r.events)), ("rate", .number(r.rate)), ("ci95", .interval(r.ci95))]
        } else {
            fields += [("mean", .number(r.mean)), ("median", .number(r.median)), ("total", .number(r.total)), ("share", .number(r.share))]
        }
        return .object(fields + [("suppressed", .bool(r.suppressed))])
    }
}
