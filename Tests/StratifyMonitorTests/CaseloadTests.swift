import Testing
@testable import StratifyMonitor
import StratifyRules

@Suite struct CaseloadTests {
    let program = Fixture.defaultProgram
    /// Model indexes of the reference rule set.
    let intensive = 0, clinical = 1, strengths = 2, brokerage = 3

    func patient(_ id: String, model: Int, tier: Int = 0, total: Double? = 1, review: Int? = nil) -> Assessment {
        Assessment(identifier: id, tier: tier, model: model, domainTiers: [0, 0, 0, 0, 0], flags: 0, totalScore: total, reviewBy: review)
    }

    @Test func neededIsRoundedUpAndContactsAreCountedPerThirtyDays() {
        let counter = CaseloadCounter(program: program, staff: nil)
        for i in 0..<16 { counter.add(patient("I\(i)", model: intensive)) }
        for i in 0..<26 { counter.add(patient("C\(i)", model: clinical)) }
        counter.add(patient("B", model: brokerage))
        let report = counter.finish()
        #expect(report.models.map(\.patients) == [16, 26, 0, 1])
        #expect(report.models.map(\.caseload) == [15, 25, 20, 75])
        #expect(report.models.map(\.needed) == [2, 2, 0, 1])
        #expect(report.models.map { $0.contactsPerMonth.map(CaseloadReport.oneDecimal) } == ["68.6", "55.7", "0.0", "0.3"])
        #expect(report.models.map(\.staff) == [nil, nil, nil, nil])
        #expect(report.total.patients == 43)
        #expect(report.total.needed == 5)
        // The total is the sum of the exact figures, rounded once.
        #expect(report.total.contactsPerMonth.map(CaseloadReport.oneDecimal) == "124.6")
        #expect(report.total.staff == nil && report.total.gap == nil)
        #expect(report.waitlist.isEmpty)
    }

    @Test func exactlyAtCapacityWaitsNoOneAndOneMoreWaitsOne() {
        let staff: [Int?] = [1, 0, 0, 0]
        let counter = CaseloadCounter(program: program, staff: staff)
        for i in 0..<15 { counter.add(patient(String(format: "P%02d", i), model: intensive)) }
        var report = counter.finish()
        #expect(report.models[intensive].capacity == 15)
        #expect(report.models[intensive].gap == 0)
        #expect(report.models[intensive].waitlisted == 0)
        counter.add(patient("P15", model: intensive))
        report = counter.finish()
        #expect(report.models[intensive].needed == 2)
        #expect(report.models[intensive].gap == 1)
        #expect(report.models[intensive].waitlisted == 1)
        #expect(report.waitlist.map(\.identifier) == ["P15"])
        // No staff at all: everyone in the model waits, gap = needed.
        #expect(report.models[brokerage].capacity == 0)
        #expect(report.total.staff == 1)
        #expect(report.total.gap == 1 + 0 + 0 + 0)
    }

    /// Highest tier, then highest total, then earliest review (none last),
    /// then identifier; positions count from the first beyond capacity.
    @Test func theWaitListIsInPriorityOrder() {
        let counter = CaseloadCounter(program: program, staff: [0, nil, nil, nil])
        let patients = [
            patient("E", model: intensive, tier: 2, total: 10, review: 100),
            patient("A", model: intensive, tier: 3, total: 5, review: nil),
            patient("D", model: intensive, tier: 2, total: 10, review: nil),
            patient("B", model: intensive, tier: 2, total: 12, review: 300),
            patient("C", model: intensive, tier: 2, total: 10, review: 100),
        ]
        patients.forEach(counter.add)
        let report = counter.finish()
        #expect(report.waitlist.map(\.identifier) == ["A", "B", "C", "E", "D"])
        #expect(report.waitlist.map(\.position) == [1, 2, 3, 4, 5])
        #expect(report.waitlist.map(\.tier) == ["very_high", "high", "high", "high", "high"])
        // A model not named in the staff has no capacity figures.
        #expect(report.models[clinical].staff == nil && report.models[clinical].waitlisted == nil)
    }

    @Test func theWaitListIsWrittenAsCSVAndNDJSON() {
        let counter = CaseloadCounter(program: program, staff: [0, nil, nil, nil])
        counter.add(patient("A,1", model: intensive, tier: 3, total: 9, review: 20_000))
        counter.add(patient("B", model: intensive, tier: 2, total: nil, review: nil))
        let report = counter.finish()
        #expect(
            String(decoding: report.waitlistBytes(ndjson: false, identifierName: "patient_id"), as: UTF8.self) == """
                model,position,patient_id,tier,total_score,review_by
                intensive,1,"A,1",very_high,9,2024-10-04
                intensive,2,B,high,,

                """)
        #expect(
            String(decoding: report.waitlistBytes(ndjson: true, identifierName: "patient_id"), as: UTF8.self) == """
                {"model":"intensive","position":1,"patient_id":"A,1","tier":"very_high","total_score":9,"review_by":"2024-10-04"}
                {"model":"intensive","position":2,"patient_id":"B","tier":"high","total_score":null,"review_by":null}

                """)
    }

    @Test func staffIsParsedFromAssignmentsAndFiles() throws {
        #expect(try StaffParser.parse(assignments: "intensive=2, clinical=3", program: program, origin: "--staff") == [2, 3, 0, 0])
        #expect(try StaffParser.parse(file: "model,staff\r\nbrokerage,1\r\n\r\n", program: program, path: "s.csv") == [0, 0, 0, 1])
        #expect(try StaffParser.parse(file: "staff,model\n4,clinical\n", program: program, path: "s.csv") == [0, 4, 0, 0])
    }

    @Test(arguments: [
        ("intensiv=2", "--staff: error: no model 'intensiv' in the rule set (models: intensive, clinical, strengths_based, brokerage)"),
        ("intensive=-1", "--staff: error: the staff of model 'intensive' must be a whole number of case managers, 0 or more, found '-1'"),
        ("intensive=2,intensive=3", "--staff: error: model 'intensive' is given staff twice"),
        ("intensive", "--staff: 'intensive' is not MODEL=N (item 1)"),
    ])
    func badStaffAssignmentsAreRefused(text: String, message: String) {
        #expect(throws: StaffParser.Failure(description: message)) {
            try StaffParser.parse(assignments: text, program: program, origin: "--staff")
        }
    }

    @Test func badStaffFilesNameTheLine() {
        #expect(throws: StaffParser.Failure(description: "s.csv:1: error: a staff file starts with a header naming the columns 'model' and 'staff'")) {
            try StaffParser.parse(file: "intensive,2\n", program: program, path: "s.csv")
        }
        #expect(throws: StaffParser.Failure(description: "s.csv:3: error: the row has 3 fields, the header has 2")) {
            try StaffParser.parse(file: "model,staff\nintensive,2\nclinical,1,x\n", program: program, path: "s.csv")
        }
        #expect(
            throws: StaffParser.Failure(
                description: "s.csv:2: error: the staff of model 'clinical' must be a whole number of case managers, 0 or more, found 'two'")
        ) {
            try StaffParser.parse(file: "model,staff\nclinical,two\n", program: program, path: "s.csv")
        }
    }

    @Test func formatsCarryNullsForFiguresThatDoNotApply() {
        let counter = CaseloadCounter(program: program, staff: nil)
        counter.add(patient("A", model: clinical))
        let report = counter.finish()
        #expect(
            report.json() == """
                {"models":[{"model":"intensive","patients":0,"caseload":15,"needed":0,"contacts_per_month":0.0,"staff":null,"capacity":null,"gap":null,"waitlisted":null},\
                {"model":"clinical","patients":1,"caseload":25,"needed":1,"contacts_per_month":2.1,"staff":null,"capacity":null,"gap":null,"waitlisted":null},\
                {"model":"strengths_based","patients":0,"caseload":20,"needed":0,"contacts_per_month":0.0,"staff":null,"capacity":null,"gap":null,"waitlisted":null},\
                {"model":"brokerage","patients":0,"caseload":75,"needed":0,"contacts_per_month":0.0,"staff":null,"capacity":null,"gap":null,"waitlisted":null}],\
                "total":{"patients":1,"caseload":null,"needed":1,"contacts_per_month":2.1,"staff":null,"capacity":null,"gap":null,"waitlisted":null}}

                """)
        #expect(report.csv().split(separator: "\n").last == "total,1,,1,2.1,,,,")
    }

    @Test func oneDecimalRoundsHalfAwayFromZero() {
        #expect(CaseloadReport.oneDecimal(0.05) == "0.1")
        #expect(CaseloadReport.oneDecimal(2.25) == "2.3")
        #expect(CaseloadReport.oneDecimal(-1.26) == "-1.3")
        #expect(CaseloadReport.oneDecimal(1e6 / 3) == "333333.3")
    }
}
