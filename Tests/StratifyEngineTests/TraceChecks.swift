import Foundation
import StratifyEngine
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
        fields += [String(trace.totalScore), trace.tier, trace.model, trace.flags.joined(separator: ";"),
                   trace.missing.joined(separator: ";"), trace.reviewBy ?? ""]
        return fields.joined(separator: ",")
    }

    private static func csv(_ value: String) -> String {
        value.contains(",") || value.contains("\"") || value.contains("\n")
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// The JSON trace written from the registers says what the `Trace` says.
    static func expectJSONMatches(_ record: TraceHarness.Record, sourceLocation: SourceLocation = #_sourceLocation) {
        let trace = record.trace
        let json = record.json
        #expect(record.jsonLine.hasSuffix("}\n") && !record.jsonLine.dropLast().contains("\n"), sourceLocation: sourceLocation)
        #expect(json[trace.identifierName] as? String == trace.identifier, sourceLocation: sourceLocation)
        let inputs = json["inputs"] as? [String: Any] ?? [:]
        for input in trace.inputs {
            #expect(value(inputs[input.name]) == input.value, "\(trace.identifier) \(input.name)", sourceLocation: sourceLocation)
        }
        #expect(json["missing"] as? [String] == trace.missing, sourceLocation: sourceLocation)
        let derived = json["derived"] as? [String: Any] ?? [:]
        let steps = json["derived_steps"] as? [String: String] ?? [:]
        for value in trace.derived {
            #expect(self.value(derived[value.name]) == value.value, sourceLocation: sourceLocation)
            #expect(steps[value.name] == value.steps, sourceLocation: sourceLocation)
        }
        let rules = json["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == trace.rules.count, sourceLocation: sourceLocation)
        for (object, rule) in zip(rules, trace.rules) {
            #expect(object["id"] as? String == rule.id, sourceLocation: sourceLocation)
            #expect(object["domain"] as? String == rule.domain, sourceLocation: sourceLocation)
            #expect(object["points"] as? Int == rule.points, sourceLocation: sourceLocation)
            #expect(object["because"] as? String == rule.because, sourceLocation: sourceLocation)
            expectCondition(object, rule.condition, "\(trace.identifier) \(rule.id)", sourceLocation: sourceLocation)
        }
        #expect(json["flags"] as? [String] == trace.flags, sourceLocation: sourceLocation)
        let domains = json["domains"] as? [String: [String: Any]] ?? [:]
        for domain in trace.domains {
            let object = domains[domain.name] ?? [:]
            #expect(object["score"] as? Int == domain.score, sourceLocation: sourceLocation)
            #expect(object["tier"] as? String == domain.tier, sourceLocation: sourceLocation)
            expectScale(object, domain.scale, sourceLocation: sourceLocation)
            let floors = object["floors"] as? [[String: Any]] ?? []
            #expect(floors.count == domain.floors.count, sourceLocation: sourceLocation)
            for (floorObject, floor) in zip(floors, domain.floors) {
                #expect(floorObject["id"] as? String == floor.id, sourceLocation: sourceLocation)
                #expect(floorObject["applied"] as? Bool == floor.applied, sourceLocation: sourceLocation)
                expectCondition(floorObject, floor.condition, floor.id, sourceLocation: sourceLocation)
            }
        }
        #expect(json["total_score"] as? Int == trace.totalScore, sourceLocation: sourceLocation)
        #expect(json["tier"] as? String == trace.tier, sourceLocation: sourceLocation)
        expectScale(json["overall"] as? [String: Any] ?? [:], trace.overall, sourceLocation: sourceLocation)
        let escalations = json["escalations"] as? [[String: Any]] ?? []
        #expect(escalations.count == trace.escalations.count, sourceLocation: sourceLocation)
        for (object, escalation) in zip(escalations, trace.escalations) {
            #expect(object["id"] as? String == escalation.id, sourceLocation: sourceLocation)
            #expect(object["applied"] as? Bool == escalation.applied, sourceLocation: sourceLocation)
            #expect(object["at_least"] as? String == escalation.atLeast, sourceLocation: sourceLocation)
            expectCondition(object, escalation.condition, escalation.id, sourceLocation: sourceLocation)
        }
        #expect(json["model"] as? String == trace.model, sourceLocation: sourceLocation)
        let candidates = json["model_candidates"] as? [[String: Any]] ?? []
        #expect(candidates.count == trace.modelCandidates.count, sourceLocation: sourceLocation)
        for (object, candidate) in zip(candidates, trace.modelCandidates) {
            #expect(object["id"] as? String == candidate.id, sourceLocation: sourceLocation)
            #expect(object["chosen"] as? Bool == candidate.chosen, sourceLocation: sourceLocation)
            #expect(object["outcome"] as? String == candidate.outcome.rawValue, sourceLocation: sourceLocation)
            if let condition = candidate.condition {
                expectCondition(object, condition, candidate.id, sourceLocation: sourceLocation)
            } else {
                #expect(object["condition"] is NSNull, sourceLocation: sourceLocation)
            }
        }
        if let changes = trace.modelChanges {
            let objects = json["model_changes"] as? [[String: Any]] ?? []
            #expect(objects.map { $0["field"] as? String } == changes.map(\.field), sourceLocation: sourceLocation)
            #expect(objects.map { $0["model"] as? String } == changes.map(\.model), sourceLocation: sourceLocation)
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

    static func expectCondition(_ object: [String: Any], _ condition: Trace.Condition, _ what: String, sourceLocation: SourceLocation) {
        #expect(object["outcome"] as? String == condition.outcome.rawValue, "\(what)", sourceLocation: sourceLocation)
        #expect(object["condition"] as? String == condition.text, "\(what)", sourceLocation: sourceLocation)
        #expect(object["missing"] as? [String] == condition.missing, "\(what)", sourceLocation: sourceLocation)
        #expect(object["failed"] as? [String] == condition.failed.map(\.expr), "\(what)", sourceLocation: sourceLocation)
        let checks = object["checks"] as? [[String: Any]] ?? []
        #expect(checks.count == condition.checks.count, "\(what)", sourceLocation: sourceLocation)
        for (checkObject, check) in zip(checks, condition.checks) {
            #expect(checkObject["expr"] as? String == check.expr, sourceLocation: sourceLocation)
            #expect(checkObject["op"] as? String == check.op, sourceLocation: sourceLocation)
            let holds: Outcome = switch checkObject["holds"] {
            case let value as Bool: value ? .fired : .notFired
            default: .unknown
            }
            #expect(holds == check.holds, "\(what) \(check.expr)", sourceLocation: sourceLocation)
            if check.op != nil {
                #expect(value(checkObject["left"]) == check.left, sourceLocation: sourceLocation)
                #expect(value(checkObject["right"]) == check.right, sourceLocation: sourceLocation)
            } else {
                #expect(value(checkObject["value"]) == check.value, sourceLocation: sourceLocation)
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
