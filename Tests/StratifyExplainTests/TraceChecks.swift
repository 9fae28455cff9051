import Foundation
import StratifyEngine
import StratifyExplain
import Testing

/// Comparisons of a trace with the other outputs of the same evaluation.
enum TraceChecks {
    /// The `score` CSV line the trace implies (spec section 7), rebuilt from
    /// the trace's own fields.
    static func scoreLine(of trace: Trace) -> String {
        var fields = [csv(trace.identifier)]
        for domain in trace.domains {
            fields += [String(domain.score), domain.tier]
        }
        fields += [
            String(trace.totalScore), trace.tier, trace.model, trace.flags.joined(separator: ";"),
            trace.missing.joined(separator: ";"), trace.reviewBy ?? "",
        ]
        return fields.joined(separator: ",")
    }

    private static func csv(_ value: String) -> String {
        value.contains(",") || value.contains("\"") || value.contains("\n")
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// The JSON trace written from the registers says what the `Trace` says,
    /// key by key (`docs/explain.md`), and its shown values are those of the
    /// inputs and derived values they name.
    static func expectJSONMatches(_ record: TraceHarness.Record, sourceLocation: SourceLocation = #_sourceLocation) {
        let trace = record.trace
        let json = record.json
        #expect(record.jsonLine.hasSuffix("}\n") && !record.jsonLine.dropLast().contains("\n"), sourceLocation: sourceLocation)
        #expect(Set(json.keys) == Set(topLevelKeys + [trace.identifierName]), sourceLocation: sourceLocation)
        #expect(json[trace.identifierName] as? String == trace.identifier, sourceLocation: sourceLocation)
        let inputs = json["inputs"] as? [String: Any] ?? [:]
        #expect(inputs.count == trace.inputs.count, sourceLocation: sourceLocation)
        for input in trace.inputs {
            #expect(value(inputs[input.name]) == input.value, "\(trace.identifier) \(input.name)", sourceLocation: sourceLocation)
        }
        #expect(json["missing"] as? [String] == trace.missing, sourceLocation: sourceLocation)
        #expect(json["inputs_known"] as? Int == trace.inputsKnown, sourceLocation: sourceLocation)
        #expect(json["inputs_total"] as? Int == trace.inputsTotal, sourceLocation: sourceLocation)
        let derived = json["derived"] as? [String: Any] ?? [:]
        #expect(derived.count == trace.derived.count, sourceLocation: sourceLocation)
        let parts = json["derived_parts"] as? [String: Any] ?? [:]
        for value in trace.derived {
            #expect(self.value(derived[value.name]) == value.value, sourceLocation: sourceLocation)
            expectParts(parts[value.name], value, sourceLocation: sourceLocation)
        }
        // Values shown beside conditions are the inputs' and derived values'.
        var known: [String: TraceValue] = [:]
        for input in trace.inputs { known[input.name] = input.value }
        for value in trace.derived { known[value.name] = value.value }
        let rules = json["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == trace.rules.count, sourceLocation: sourceLocation)
        for (object, rule) in zip(rules, trace.rules) {
            #expect(Set(object.keys) == Set(ruleKeys + (rule.flag == nil ? [] : ["flag"])), sourceLocation: sourceLocation)
            #expect(object["id"] as? String == rule.id, sourceLocation: sourceLocation)
            #expect(object["domain"] as? String == rule.domain, sourceLocation: sourceLocation)
            #expect(object["points"] as? Int == rule.points, sourceLocation: sourceLocation)
            #expect(object["flag"] as? String == rule.flag, sourceLocation: sourceLocation)
            #expect(object["because"] as? String == rule.because, sourceLocation: sourceLocation)
            #expect(object["condition"] as? String == rule.condition.text, sourceLocation: sourceLocation)
            expectCondition(object, rule.condition, "\(trace.identifier) \(rule.id)", known: known, sourceLocation: sourceLocation)
        }
        #expect(json["flags"] as? [String] == trace.flags, sourceLocation: sourceLocation)
        let domains = json["domains"] as? [String: [String: Any]] ?? [:]
        #expect(domains.count == trace.domains.count, sourceLocation: sourceLocation)
        for domain in trace.domains {
            let object = domains[domain.name] ?? [:]
            #expect(object["score"] as? Int == domain.score, sourceLocation: sourceLocation)
            #expect(object["tier"] as? String == domain.tier, sourceLocation: sourceLocation)
            expectScale(object, domain.scale, sourceLocation: sourceLocation)
            let floors = object["floors"] as? [[String: Any]] ?? []
            #expect(floors.count == domain.floors.count, sourceLocation: sourceLocation)
            for (floorObject, floor) in zip(floors, domain.floors) {
                expectAdjustment(floorObject, floor, known: known, sourceLocation: sourceLocation)
            }
        }
        #expect(json["total_score"] as? Int == trace.totalScore, sourceLocation: sourceLocation)
        #expect(json["tier"] as? String == trace.tier, sourceLocation: sourceLocation)
        expectScale(json["overall"] as? [String: Any] ?? [:], trace.overall, sourceLocation: sourceLocation)
        let escalations = json["escalations"] as? [[String: Any]] ?? []
        #expect(escalations.count == trace.escalations.count, sourceLocation: sourceLocation)
        for (object, escalation) in zip(escalations, trace.escalations) {
            expectAdjustment(object, escalation, known: known, sourceLocation: sourceLocation)
        }
        #expect(json["model"] as? String == trace.model, sourceLocation: sourceLocation)
        let candidates = json["model_candidates"] as? [[String: Any]] ?? []
        #expect(candidates.count == trace.modelCandidates.count, sourceLocation: sourceLocation)
        for (object, candidate) in zip(candidates, trace.modelCandidates) {
            #expect(object["id"] as? String == candidate.id, sourceLocation: sourceLocation)
            #expect(object["chosen"] as? Bool == candidate.chosen, sourceLocation: sourceLocation)
            #expect(object["outcome"] as? String == candidate.outcome.rawValue, sourceLocation: sourceLocation)
            // The chosen model says how it works and why.
            #expect(object["contact"] as? String == (candidate.chosen ? candidate.contact : nil), sourceLocation: sourceLocation)
            #expect(object["review_days"] as? Int == (candidate.chosen ? candidate.reviewDays : nil), sourceLocation: sourceLocation)
            #expect(object["because"] as? String == (candidate.chosen ? candidate.because : nil), sourceLocation: sourceLocation)
            if let condition = candidate.condition {
                expectCondition(object, condition, candidate.id, known: known, sourceLocation: sourceLocation)
            } else {
                #expect((object["values"] as? [String: Any])?.isEmpty == true, sourceLocation: sourceLocation)
                #expect(object["failed"] as? [String] == [] && object["missing"] as? [String] == [], sourceLocation: sourceLocation)
            }
        }
        if let changes = trace.modelChanges {
            let objects = json["model_changes"] as? [[String: Any]] ?? []
            #expect(objects.map { $0["field"] as? String } == changes.map(\.field), sourceLocation: sourceLocation)
            #expect(objects.map { $0["model"] as? String } == changes.map(\.model), sourceLocation: sourceLocation)
            #expect(objects.map { value($0["from"]) } == changes.map(\.from), sourceLocation: sourceLocation)
            #expect(objects.map { value($0["to"]) } == changes.map(\.to), sourceLocation: sourceLocation)
        } else {
            #expect(json["model_changes"] is NSNull, sourceLocation: sourceLocation)
        }
        if let reviewBy = trace.reviewBy {
            #expect(json["review_by"] as? String == reviewBy, sourceLocation: sourceLocation)
        } else {
            #expect(json["review_by"] is NSNull, sourceLocation: sourceLocation)
        }
    }

    /// The keys of a trace besides the identifier's (`docs/explain.md`).
    static let topLevelKeys = [
        "inputs", "missing", "inputs_known", "inputs_total", "derived", "derived_parts", "rules", "flags", "domains", "total_score", "tier", "overall",
        "escalations", "model", "model_candidates", "rule_set", "review_by", "model_changes",
    ]

    /// A rule's keys (and `flag` when it sets one).
    static let ruleKeys = ["id", "domain", "outcome", "points", "because", "condition", "values", "failed", "missing"]

    /// A floor or escalation: `applied`, and `because` exactly when applied.
    static func expectAdjustment(
        _ object: [String: Any], _ adjustment: Trace.Adjustment, known: [String: TraceValue], sourceLocation: SourceLocation
    ) {
        #expect(object["id"] as? String == adjustment.id, sourceLocation: sourceLocation)
        #expect(object["at_least"] as? String == adjustment.atLeast, sourceLocation: sourceLocation)
        #expect(object["applied"] as? Bool == adjustment.applied, sourceLocation: sourceLocation)
        #expect(object["because"] as? String == (adjustment.applied ? adjustment.because : nil), sourceLocation: sourceLocation)
        expectCondition(object, adjustment.condition, adjustment.id, known: known, sourceLocation: sourceLocation)
    }

    /// A condition's outcome, shown values, failed parts and missing inputs.
    static func expectCondition(
        _ object: [String: Any], _ condition: Trace.Condition, _ what: String, known: [String: TraceValue],
        sourceLocation: SourceLocation
    ) {
        #expect(object["outcome"] as? String == condition.outcome.rawValue, "\(what)", sourceLocation: sourceLocation)
        #expect(object["missing"] as? [String] == condition.missing, "\(what)", sourceLocation: sourceLocation)
        #expect(object["failed"] as? [String] == condition.failed.map(\.expr), "\(what)", sourceLocation: sourceLocation)
        let values = object["values"] as? [String: Any] ?? [:]
        #expect(values.count == condition.values.count, "\(what)", sourceLocation: sourceLocation)
        for shown in condition.values {
            #expect(value(values[shown.name]) == shown.value, "\(what) \(shown.name)", sourceLocation: sourceLocation)
            if let expected = known[shown.name] {
                #expect(shown.value == expected, "\(what) \(shown.name)", sourceLocation: sourceLocation)
            }
        }
    }

    /// `derived_parts`: a sum's parts as the text form shows them
    /// (`L 4 (…) + A 3 (…)`), the case a case list used, the row of a table.
    static func expectParts(_ parts: Any?, _ derived: Trace.Derived, sourceLocation: SourceLocation) {
        guard let object = parts as? [String: Any] else {
            #expect(parts is NSNull, "\(derived.name)", sourceLocation: sourceLocation)
            return
        }
        if let arm = object["case"] {
            let holds = object["holds"]
            switch (arm, holds) {
            case (let number as Int, let holds as Bool) where holds:
                // The otherwise (no `when`) is what the text calls "no case holds".
                let words = object["when"] is NSNull ? "no case holds" : "case \(number) holds"
                #expect(derived.steps.contains(words), "\(derived.steps)", sourceLocation: sourceLocation)
            case (let number as Int, is NSNull):
                #expect(derived.steps.contains("case \(number) is unknown"), "\(derived.steps)", sourceLocation: sourceLocation)
            default:
                #expect(derived.steps.contains("no case holds"), "\(derived.steps)", sourceLocation: sourceLocation)
            }
        } else if object["row"] == nil {
            for (label, value) in object {
                #expect(derived.steps.contains("\(label) \(self.value(value))"), "\(derived.steps)", sourceLocation: sourceLocation)
            }
        }
    }

    static func expectScale(_ object: [String: Any], _ scale: Trace.Scale, sourceLocation: SourceLocation) {
        let band = object["band"] as? [String: Any] ?? [:]
        #expect(band["tier"] as? String == scale.band.tier, sourceLocation: sourceLocation)
        #expect(band["from"] as? Int == scale.band.lower, sourceLocation: sourceLocation)
        #expect(band["to"] as? Int == scale.band.upper, sourceLocation: sourceLocation)
        let up = object["next_up"] as? [String: Any]
        #expect(up?["tier"] as? String == scale.up?.tier && up?["points"] as? Int == scale.up?.points, sourceLocation: sourceLocation)
        let down = object["next_down"] as? [String: Any]
        #expect(down?["tier"] as? String == scale.down?.tier && down?["points"] as? Int == scale.down?.points, sourceLocation: sourceLocation)
        let highest = object["highest_tier"] as? [String: Any] ?? [:]
        #expect(highest["tier"] as? String == scale.reachable, sourceLocation: sourceLocation)
        #expect(highest["exact"] as? Bool == scale.exact, sourceLocation: sourceLocation)
    }

    /// A JSON value read as a `TraceValue` (dates and enum names are both strings).
    static func value(_ json: Any?) -> TraceValue {
        switch json {
        case nil, is NSNull: return .unknown
        case let string as String:
            return string.count == 10 && string.dropFirst(4).first == "-" && string.first!.isNumber ? .date(string) : .name(string)
        case let number as NSNumber:
            if String(describing: type(of: number)).contains("Bool") {
                return .boolean(number.boolValue)
            }
            let double = number.doubleValue
            return double == double.rounded() && double.magnitude < 9e15 ? .integer(Int(double)) : .number(double)
        default:
            return .unknown
        }
    }
}
