/// What the mapping needs of one patient's resources: dates, numbers,
/// codes and resource names (for provenance), never the resources. Each
/// fact is a few dozen bytes plus its codes (see docs/limits.md).
struct PatientFacts {
    var observations: [ObservationFact] = []
    var encounters: [EncounterFact] = []
    var conditions: [ConditionFact] = []
    var medications: [MedicationFact] = []
    var coverages: [CoverageFact] = []

    mutating func merge(_ other: PatientFacts) {
        observations += other.observations
        encounters += other.encounters
        conditions += other.conditions
        medications += other.medications
        coverages += other.coverages
    }
}

/// An Observation's value element, as section 4 of the spec reads it.
enum ObservationValue {
    case none
    /// A `dataAbsentReason`: missing, whatever value is beside it.
    case absent
    /// A JSON number (`valueQuantity.value` without a comparator,
    /// `valueInteger`, `valueDecimal`), as written.
    case number(String)
    case string(String)
    case boolean(Bool)
    /// `valueCodeableConcept` codings (`system|code`), in order.
    case codings([String])
    /// `valueDateTime` (or a QuestionnaireResponse `valueDate`).
    case dateTime(String)
    /// A value of a kind no input reads (`valueQuantity` with a comparator
    /// or without a number, `valuePeriod`, …).
    case unreadable
}

struct ObservationFact {
    /// The codings of `code` that the mapping reads.
    var codes: [String]
    var usable: Bool
    /// Days since 1970-01-01 of the effective date part.
    var date: Int?
    /// Input order across the run: breaks ties between equal dates.
    var order: Int
    /// `Observation/id` (a virtual Observation names its QuestionnaireResponse).
    var name: String?
    var value: ObservationValue
    var components: [(codes: [String], value: ObservationValue)]
    /// `hasMember` references, resolved to `Type/id` where possible.
    var members: [String]
}

struct EncounterFact {
    var counted: Bool
    var classCode: String?
    var start: Int?
    var end: Int?
    var acute: Bool
    var reasonCodes: [String]
    var reasonReferences: [String]
    var order: Int
    var name: String?
}

struct ConditionFact {
    var clinicalStatus: [String]
    var verificationStatus: [String]
    var onset: Int?
    var codes: [String]
    var name: String?
}

struct MedicationFact {
    var active: Bool
    var authored: Int?
    /// What identifies the drug (see section 6.5); nil: a key of its own.
    var key: String?
    /// A `medicationReference` to resolve at the end of the input.
    var reference: String?
    var name: String?
}

struct CoverageFact {
    var active: Bool
    var start: Int?
    var end: Int?
    var types: [String]
    var name: String?
}

/// Calendar dates as days since 1970-01-01, from a FHIR date's first ten
/// characters (the local date as written, no time-zone conversion).
enum CivilDate {
    static func days(_ text: String) -> Int? {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month)
        else { return nil }
        return days(year: year, month: month, day: day)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func text(_ days: Int) -> String {
        let (year, month, day) = civil(days)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
