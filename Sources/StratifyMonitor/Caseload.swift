import StratifyRules

/// Demand against capacity per case-management model: how many patients
/// each model has, how many case managers that takes at the model's
/// `caseload`, how many contacts a month at its `contact_days`, and, with
/// the staff in post, the gap and who waits.
package struct CaseloadReport: Sendable, Equatable {
    package struct Row: Sendable, Equatable {
        package var model: String
        package var patients: Int
        /// nil when the rule set gives the model no `caseload`.
        package var caseload: Int?
        /// Patients ÷ caseload, rounded up.
        package var needed: Int?
        /// Patients × 30 ÷ contact_days (unrounded; shown to one decimal).
        package var contactsPerMonth: Double?
        /// nil without `--staff`.
        package var staff: Int?
        /// Staff × caseload.
        package var capacity: Int?
        /// Needed minus staff: positive means short.
        package var gap: Int?
        /// Patients beyond capacity.
        package var waitlisted: Int?
    }

    /// One patient beyond capacity, in priority order within its model.
    package struct WaitlistEntry: Sendable, Equatable {
        package var model: String
        /// 1 for the first patient beyond capacity.
        package var position: Int
        package var identifier: String
        package var tier: String
        package var totalScore: Double?
        package var reviewBy: Int?
    }

    package var models: [Row]
    package var total: Row
    package var waitlist: [WaitlistEntry]
}

/// Counts a population's assessments by model and, where staff is given,
/// keeps each model's patients to find the wait list.
package final class CaseloadCounter {
    private let program: Program
    private let vocabulary: AssessmentVocabulary
    private let staff: [Int?]?
    private var patients: [Int]
    /// Per model with staff: the patients, to rank when over capacity.
    private var members: [[Assessment]]

    /// - Parameter staff: case managers per model (indexed like
    ///   `program.models`), or nil when no staff was given.
    package init(program: Program, staff: [Int?]?) {
        self.program = program
        self.vocabulary = AssessmentVocabulary(program: program)
        self.staff = staff
        patients = Array(repeating: 0, count: program.models.count)
        members = Array(repeating: [], count: program.models.count)
    }

    package func add(_ assessment: Assessment) {
        patients[assessment.model] += 1
        // Only a model that can run over capacity needs its patients kept.
        if let staff, staff[assessment.model] != nil, program.models[assessment.model].caseload != nil {
            members[assessment.model].append(assessment)
        }
    }

    package func finish() -> CaseloadReport {
        var rows: [CaseloadReport.Row] = []
        var waitlist: [CaseloadReport.WaitlistEntry] = []
        for (index, model) in program.models.enumerated() {
            let count = patients[index]
            var row = CaseloadReport.Row(model: model.id, patients: count)
            row.caseload = model.caseload
            row.needed = model.caseManagersNeeded(for: count)
            if let days = model.contactDays {
                row.contactsPerMonth = Double(count) * 30 / Double(days)
            }
            if let staff, let inPost = staff[index] {
                row.staff = inPost
                if let caseload = model.caseload, let needed = row.needed {
                    let capacity = inPost * caseload
                    row.capacity = capacity
                    row.gap = needed - inPost
                    row.waitlisted = max(0, count - capacity)
                    if count > capacity {
                        let ranked = members[index].sorted(by: Self.higherPriority)
                        for (position, patient) in ranked[capacity...].enumerated() {
                            waitlist.append(
                                CaseloadReport.WaitlistEntry(
                                    model: model.id, position: position + 1, identifier: patient.identifier,
                                    tier: vocabulary.tiers[patient.tier], totalScore: patient.totalScore, reviewBy: patient.reviewBy))
                        }
                    }
                }
            }
            rows.append(row)
        }
        return CaseloadReport(models: rows, total: Self.total(of: rows, staffGiven: staff != nil), waitlist: waitlist)
    }

    /// Highest tier, then highest total score, then earliest review date
    /// (none last), then identifier.
    static func higherPriority(_ a: Assessment, _ b: Assessment) -> Bool {
        if a.tier != b.tier { return a.tier > b.tier }
        let scoreA = a.totalScore ?? -.infinity, scoreB = b.totalScore ?? -.infinity
        if scoreA != scoreB { return scoreA > scoreB }
        let reviewA = a.reviewBy ?? .max, reviewB = b.reviewBy ?? .max
        if reviewA != reviewB { return reviewA < reviewB }
        return a.identifier.utf8.lexicographicallyPrecedes(b.identifier.utf8)
    }

    /// Sums of the rows; a figure no row has stays nil.
    private static func total(of rows: [CaseloadReport.Row], staffGiven: Bool) -> CaseloadReport.Row {
        func sum<T: AdditiveArithmetic>(_ key: KeyPath<CaseloadReport.Row, T?>) -> T? {
            let values = rows.compactMap { $0[keyPath: key] }
            return values.isEmpty ? nil : values.reduce(.zero, +)
        }
        var total = CaseloadReport.Row(model: "total", patients: rows.reduce(0) { $0 + $1.patients })
        total.caseload = nil
        total.needed = sum(\.needed)
        total.contactsPerMonth = sum(\.contactsPerMonth)
        if staffGiven {
            total.staff = sum(\.staff)
            total.capacity = sum(\.capacity)
            total.gap = sum(\.gap)
            total.waitlisted = sum(\.waitlisted)
        }
        return total
    }
}

/// `--staff`: case managers in post per model, as `MODEL=N,MODEL=N` or in
/// a file of `model,staff` rows (CSV with that header).
package enum StaffParser {
    package struct Failure: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    /// Staff per model of `program`, indexed like its models; a model not
    /// named has 0 (no one in post: all its patients wait).
    package static func parse(assignments text: String, program: Program, origin: String) throws(Failure) -> [Int?] {
        var staff: [Int?] = Array(repeating: nil, count: program.models.count)
        let pairs = text.split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
        for (number, pair) in pairs.enumerated() {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
            guard parts.count == 2 else {
                throw Failure(description: "\(origin): '\(pair)' is not MODEL=N (item \(number + 1))")
            }
            try assign(parts[0], parts[1], to: &staff, program: program, origin: origin)
        }
        return staff.map { $0 ?? 0 }
    }

    /// A staff file: a `model,staff` header, then one row per model.
    package static func parse(file text: String, program: Program, path: String) throws(Failure) -> [Int?] {
        var staff: [Int?] = Array(repeating: nil, count: program.models.count)
        // `\r\n` is one Character, a newline like `\n`.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: " \t").lowercased() }),
            let modelColumn = header.firstIndex(of: "model"), let staffColumn = header.firstIndex(of: "staff")
        else {
            throw Failure(description: "\(path):1: error: a staff file starts with a header naming the columns 'model' and 'staff'")
        }
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t") }
            guard fields.count == header.count else {
                throw Failure(description: "\(path):\(offset + 1): error: the row has \(fields.count) fields, the header has \(header.count)")
            }
            try assign(fields[modelColumn], fields[staffColumn], to: &staff, program: program, origin: "\(path):\(offset + 1)")
        }
        return staff.map { $0 ?? 0 }
    }

    private static func assign(_ name: String, _ count: String, to staff: inout [Int?], program: Program, origin: String) throws(Failure) {
        guard let index = program.models.firstIndex(where: { $0.id == name }) else {
            let models = program.models.map(\.id)
            throw Failure(description: "\(origin): error: no model '\(name)' in the rule set (models: \(models.joined(separator: ", ")))")
        }
        guard let value = Int(count), value >= 0 else {
            throw Failure(description: "\(origin): error: the staff of model '\(name)' must be a whole number of case managers, 0 or more, found '\(count)'")
        }
        guard staff[index] == nil else {
            throw Failure(description: "\(origin): error: model '\(name)' is given staff twice")
        }
        staff[index] = value
    }
}

private extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
