import StratifyCore
import StratifyIO
@testable import StratifyMonitor
import StratifyRules
import Testing

/// The worklist's triggers, reasons, order and dates on hand-made patients
/// of the reference rule set (tiers low 0 … very_high 3; models intensive 0
/// (contact every 7 days) … brokerage 3 (every 90); flags homeless 0,
/// interpersonal_safety 1, self_harm_risk 2).
@Suite struct WorklistTests {
    let program = Fixture.defaultProgram
    let asOf = ISODate.parse("2026-12-01")!

    func patient(_ id: String, tier: Int = 1, model: Int = 3, flags: UInt64 = 0, review: String? = nil) -> Assessment {
        Assessment(
            identifier: id, tier: tier, model: model, domainTiers: [0, 0, 0, 0, 0], flags: flags,
            totalScore: 5, reviewBy: review.flatMap(ISODate.parse))
    }

    func previous(_ patients: [Assessment]) -> PatientTable {
        let table = PatientTable(vocabulary: AssessmentVocabulary(program: program))
        patients.forEach { table.insert($0) }
        return table
    }

    @Test func theEscalatingFlagsAreThoseEscalationsRead() {
        #expect(
            WorklistBuilder.flagsUsedByEscalations(program).map { program.flags[$0].name }
                == ["homeless", "interpersonal_safety", "self_harm_risk"])
    }

    @Test func everyTriggerInOrderWithItsReasons() {
        let before = previous([
            patient("FLAG", tier: 2, flags: 0),
            patient("ROSE", tier: 1),
            patient("SAME", tier: 2, flags: 0b100),
        ])
        let contacts: ContactTable = [
            "CONTACT": ISODate.parse("2026-08-01")!,  // brokerage: next 2026-10-30, 32 days overdue
            "SOON": ISODate.parse("2026-09-10")!,  // next 2026-12-09: due in 8 days
            "NODATE": nil,
        ]
        let builder = WorklistBuilder(program: program, asOf: asOf, horizon: 14, previous: before, contacts: contacts)
        builder.add(patient("SOON", review: "2027-06-01"))
        builder.add(patient("NODATE", review: "2027-06-01"))  // nothing applies
        builder.add(patient("CONTACT", review: "2026-12-15"))  // overdue contact + review due in 14 days
        builder.add(patient("REVIEW", review: "2026-11-30"))  // 1 day overdue
        builder.add(patient("ROSE", tier: 2, review: "2026-12-01"))  // rose; review due today
        builder.add(patient("FLAG", tier: 2, flags: 0b101, review: "2026-12-16"))  // two new flags; review just past the horizon
        builder.add(patient("SAME", tier: 2, flags: 0b100))  // flag not new, no review: nothing
        builder.add(patient("NEW", tier: 3, flags: 0b100))  // absent before: no flag trigger
        let list = builder.finish()
        #expect(list.map(\.identifier) == ["FLAG", "ROSE", "REVIEW", "CONTACT", "SOON"])
        #expect(list.map(\.priority) == [1, 2, 3, 4, 5])
        #expect(list.map(\.trigger) == [.newEscalatingFlag, .tierRose, .reviewOverdue, .contactOverdue, .dueSoon])
        #expect(
            list.map(\.reason) == [
                "homeless is new since the previous assessment; self_harm_risk is new since the previous assessment",
                "tier rose from moderate to high; review due today",
                "review 1 day overdue",
                "contact 32 days overdue; review due in 14 days",
                "contact due in 8 days",
            ])
        #expect(list.map(\.daysOverdue) == [0, 0, 1, 32, 0])
        #expect(list[3].nextContact == ISODate.parse("2026-10-30"))
        #expect(list[3].lastContact == ISODate.parse("2026-08-01"))
        #expect(builder.unmatchedContacts == 0)
    }

    @Test func withinATriggerHigherTierThenEarlierDueThenIdentifier() {
        let builder = WorklistBuilder(
            program: program, asOf: asOf, horizon: 30, previous: nil,
            contacts: [
                "C": ISODate.parse("2026-11-20")!  // brokerage next contact 2027-02-18 (beyond horizon)
            ])
        builder.add(patient("B", tier: 1, review: "2026-12-20"))
        builder.add(patient("A", tier: 1, review: "2026-12-20"))
        builder.add(patient("C", tier: 1, review: "2026-12-10"))
        builder.add(patient("D", tier: 3, review: "2026-12-30"))
        #expect(builder.finish().map(\.identifier) == ["D", "C", "A", "B"])
    }

    @Test func daysOverdueCountsFromTheEarliestOverdueDate() {
        let builder = WorklistBuilder(
            program: program, asOf: asOf, horizon: 0, previous: nil,
            contacts: [
                "X": ISODate.parse("2026-11-01")!  // intensive: next contact 2026-11-08, 23 days overdue
            ])
        builder.add(patient("X", model: 0, review: "2026-11-21"))  // review 10 days overdue
        let entry = builder.finish()[0]
        #expect(entry.reason == "review 10 days overdue; contact 23 days overdue")
        #expect(entry.daysOverdue == 23)
    }

    /// A repeat is left out, and names the record it repeats: the current
    /// side's, whether the patient is new or was in the previous side.
    @Test func repeatedIdentifiersAreCheckedOnce() {
        let builder = WorklistBuilder(
            program: program, asOf: asOf, horizon: 14, previous: previous([patient("OLD", tier: 2)]), contacts: ["GONE": nil])
        func add(_ value: Assessment, record: Int) -> Int? {
            AssessmentRecord.with(value, domains: 5) { record0 in
                var numbered = record0
                numbered.recordNumber = record
                return builder.add(numbered)
            }
        }
        #expect(add(patient("A", review: "2026-11-01"), record: 4) == nil)
        #expect(add(patient("OLD", review: "2026-11-01"), record: 6) == nil)
        #expect(add(patient("A", review: "2026-11-02"), record: 9) == 4)
        #expect(add(patient("OLD", review: "2026-11-02"), record: 10) == 6)
        #expect(builder.finish().map(\.identifier) == ["A", "OLD"])
        #expect(builder.duplicates == 2)
        #expect(builder.unmatchedContacts == 1)
    }

    @Test func repeatedValuesAreLeftOut() {
        let builder = WorklistBuilder(program: program, asOf: asOf, horizon: 14, previous: nil, contacts: ["GONE": nil])
        #expect(builder.add(patient("A", review: "2026-11-01")) == nil)
        #expect(builder.add(patient("A", review: "2026-11-02")) == 0)
        #expect(builder.finish().count == 1)
        #expect(builder.duplicates == 1)
        #expect(builder.unmatchedContacts == 1)
    }

    /// The cached date texts are the dates: for days sharing a slot, in
    /// any order, and for years that are not kept (outside 0…9999).
    @Test func cachedDatesAreTheDates() {
        let dates = DateTexts()
        let days = [0, 20_000, 20_000 + 4096, 20_000, -719_528, -719_529, 2_932_896, 2_932_897, 1, 4097, 1, -1, -4097, 20_001]
        for day in days + days.reversed() {
            let cached = OutputBuffer(capacity: 32), direct = OutputBuffer(capacity: 32)
            dates.append(day, to: cached)
            direct.appendDate(daysSince1970: day)
            #expect(cached.bytes == direct.bytes, "day \(day)")
        }
    }

    @Test func csvAndNDJSONRows() {
        let builder = WorklistBuilder(program: program, asOf: asOf, horizon: 14, previous: nil, contacts: [:])
        builder.add(patient("A,1", review: "2026-11-30"))
        let list = builder.finish()
        #expect(
            String(decoding: WorklistWriter(format: .csv, identifierName: "patient_id").bytes(list), as: UTF8.self) == """
                patient_id,priority,reason,tier,model,review_by,days_overdue,last_contact,next_contact
                "A,1",1,review 1 day overdue,moderate,brokerage,2026-11-30,1,,

                """)
        #expect(
            String(decoding: WorklistWriter(format: .ndjson, identifierName: "patient_id").bytes(list), as: UTF8.self) == """
                {"patient_id":"A,1","priority":1,"reason":"review 1 day overdue","tier":"moderate","model":"brokerage","review_by":"2026-11-30","days_overdue":1,"last_contact":null,"next_contact":null}

                """)
    }

    /// The CSV and NDJSON rows are written straight from the entries'
    /// numbers and names as bytes; they must be the rows of the
    /// ``WorklistEntry`` values, in the same order (identifiers alike in
    /// their first eight bytes, or one the start of another, included).
    @Test func rowsWrittenAsBytesAreTheRowsOfTheValues() {
        let before = previous([patient("FLAG", tier: 1), patient("ROSE", tier: 0), patient("PATIENT-0001-B", tier: 0)])
        let contacts: ContactTable = ["CONTACT": ISODate.parse("2026-08-01")!, "SOON": ISODate.parse("2026-09-10")!, "NODATE": nil]
        let builder = WorklistBuilder(program: program, asOf: asOf, horizon: 14, previous: before, contacts: contacts)
        builder.add(patient("SOON", review: "2027-06-01"))
        builder.add(patient("CONTACT", review: "2026-12-15"))
        builder.add(patient("ROSE", tier: 2, review: "2026-12-01"))
        builder.add(patient("FLAG", tier: 2, flags: 0b101, review: "2026-12-16"))
        for id in ["PATIENT-0001-B", "PATIENT-0001-A", "PATIENT-0001", "PATIENT-00", "A,\"1\"", "AB", "ABC", "AB\u{0}"] {
            builder.add(patient(id, tier: 2, review: "2026-11-30"))
        }
        builder.add(patient("NODATE", review: "2026-12-05"))
        let list = builder.finish()
        #expect(
            list.map(\.identifier).suffix(10) == [
                "A,\"1\"", "AB", "AB\u{0}", "ABC", "PATIENT-00", "PATIENT-0001", "PATIENT-0001-A", "CONTACT", "NODATE", "SOON",
            ])
        for format in [WorklistWriter.Format.csv, .ndjson] {
            let writer = WorklistWriter(format: format, identifierName: "patient_id")
            var written: [UInt8] = []
            builder.write(writer) { written += $0.bytes }
            #expect(written == writer.bytes(list), "\(format)")
        }
    }
}
