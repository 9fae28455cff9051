import Foundation

/// Sections 2 and 3 of the reference-rule-set spec, written again in plain
/// Swift straight from its tables, over a record's text values, with
/// Kleene unknowns as `nil`. It shares nothing with the engine, so that the
/// traces' rule outcomes are checked against the spec, not against itself.
struct SpecOracle {
    let values: [String: String]

    init(_ values: [String: String]) {
        self.values = values.filter { !$0.value.isEmpty }
    }

    // MARK: - Reading values

    func int(_ field: String) -> Int? { values[field].flatMap { Int($0) } }
    func number(_ field: String) -> Double? { values[field].flatMap { Double($0) } }
    func text(_ field: String) -> String? { values[field]?.lowercased() }
    func bool(_ field: String) -> Bool? {
        switch values[field]?.lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    // MARK: - Kleene logic

    static func and(_ parts: Bool?...) -> Bool? {
        if parts.contains(false) { return false }
        return parts.contains(nil) ? nil : true
    }

    static func or(_ parts: Bool?...) -> Bool? {
        if parts.contains(true) { return true }
        return parts.contains(nil) ? nil : false
    }

    func atLeast(_ field: String, _ bound: Int) -> Bool? { int(field).map { $0 >= bound } }
    func between(_ field: String, _ low: Int, _ high: Int) -> Bool? { int(field).map { $0 >= low && $0 <= high } }
    func `is`(_ field: String, _ value: String) -> Bool? { text(field).map { $0 == value } }

    // MARK: - Section 2: derived values

    /// LACE = L + A + C + E; unknown when any input is.
    var lace: Int? {
        guard let los = int("los_days"), let acute = bool("acute_admission"),
            let charlson = int("charlson_index"), let ed = int("ed_visits_6mo")
        else { return nil }
        let l: Int =
            switch los {
            case 0: 0
            case 1: 1
            case 2: 2
            case 3: 3
            case 4...6: 4
            case 7...13: 5
            default: 7
            }
        let a = acute ? 3 : 0
        let c = charlson >= 4 ? 5 : charlson
        let e = ed >= 4 ? 4 : ed
        return l + a + c + e
    }

    /// The first category whose condition holds; an unknown condition stops the search.
    var bpCategory: String? {
        let systolic = int("systolic_bp")
        let diastolic = int("diastolic_bp")
        let cases: [(Bool?, String)] = [
            (Self.or(systolic.map { $0 > 180 }, diastolic.map { $0 > 120 }), "crisis"),
            (Self.or(systolic.map { $0 >= 140 }, diastolic.map { $0 >= 90 }), "stage2"),
            (Self.or(systolic.map { $0 >= 130 }, diastolic.map { $0 >= 80 }), "stage1"),
            (systolic.map { $0 >= 120 }, "elevated"),
        ]
        for (condition, category) in cases {
            guard let condition else { return nil }
            if condition { return category }
        }
        return "normal"
    }

    // MARK: - Section 3: rules

    /// Every rule of the table: true (holds), false, or nil (unknown).
    var rules: [String: Bool?] {
        let income = number("income_pct_fpl")
        return [
            "clinical.lace_high": lace.map { $0 >= 10 },
            "clinical.lace_moderate": lace.map { $0 >= 5 && $0 <= 9 },
            "clinical.bp_crisis": bpCategory.map { $0 == "crisis" },
            "clinical.bp_stage2": bpCategory.map { $0 == "stage2" },
            "clinical.frequent_admissions": atLeast("admissions_12mo", 2),
            "clinical.polypharmacy": atLeast("med_count", 10),
            "clinical.older_age": atLeast("age", 75),
            "mental_health.phq9_severe": atLeast("phq9_total", 20),
            "mental_health.phq9_moderately_severe": between("phq9_total", 15, 19),
            "mental_health.phq9_moderate": between("phq9_total", 10, 14),
            "mental_health.self_harm": atLeast("phq9_item9", 1),
            "mental_health.gad7_severe": atLeast("gad7_total", 15),
            "mental_health.gad7_moderate": between("gad7_total", 10, 14),
            "mental_health.smi": bool("smi_diagnosis"),
            "mental_health.psych_admission": atLeast("psych_admissions_12mo", 1),
            "mental_health.substance_use_disorder": `is`("substance_use", "disorder"),
            "financial.below_poverty": income.map { $0 < 100 },
            "financial.near_poverty": income.map { $0 >= 100 && $0 < 200 },
            "financial.uninsured": `is`("insurance", "uninsured"),
            "financial.food_insecurity": bool("food_insecure"),
            "financial.utilities": bool("utilities_shutoff_threat"),
            "financial.cost_nonadherence": bool("cost_related_nonadherence"),
            "housing.homeless": `is`("living_situation", "no_steady_place"),
            "housing.at_risk": `is`("living_situation", "worried"),
            "housing.problems": atLeast("housing_problems", 1),
            "housing.many_problems": atLeast("housing_problems", 3),
            "support.interpersonal_safety": atLeast("interpersonal_safety_score", 11),
            "support.no_caregiver": bool("caregiver_available").map { !$0 },
            "support.lives_alone": bool("lives_alone"),
            "support.lonely": text("loneliness").map { $0 == "often" || $0 == "always" },
            "support.transportation": bool("transportation_barrier"),
        ]
    }

    /// The ids of the rules that hold, sorted.
    var holding: [String] {
        rules.filter { $0.value == true }.map(\.key).sorted()
    }
}

/// Reads intake fixtures into records of text values, for the oracle.
enum IntakeText {
    /// The data records of a CSV file (RFC 4180 quoting), by column name.
    static func csv(_ text: String) -> [[String: String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\r": break
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { values in
            var record: [String: String] = [:]
            for (name, value) in zip(header, values) { record[name] = value }
            return record
        }
    }

    /// The records of an NDJSON file; numbers and booleans as CSV would write them.
    static func ndjson(_ text: String) -> [[String: String]] {
        text.split(separator: "\n").map { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [:] }
            var record: [String: String] = [:]
            for (key, value) in object {
                if let string = value as? String {
                    record[key] = string
                } else if let number = value as? NSNumber {
                    let double = number.doubleValue
                    record[key] = double == double.rounded() ? String(Int(double)) : String(double)
                }
            }
            return record
        }
    }

    /// The record numbers (from 1) listed in an errors CSV.
    static func rejectedRecords(_ errorsCSV: String) -> Set<Int> {
        Set(csv(errorsCSV).compactMap { $0["record"].flatMap { Int($0) } })
    }
}
