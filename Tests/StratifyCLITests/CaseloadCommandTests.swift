import StratifyTestSupport
import Foundation
import Testing

/// `stratify caseload` through the binary, on the README's sample.
@Suite struct CaseloadCommandTests {
    @Test func countsTheSampleAndWaitListsBeyondCapacity() throws {
        let directory = try ScratchFolder()
        let waitlist = directory.file("waitlist.csv")
        let result = try CLI.run(["caseload", "--staff", "Samples/staff.csv", "--waitlist", waitlist, "--format", "csv", "Samples/intake.csv"])
        // Record 18 of the sample is invalid: reported, and exit 1 as for score.
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("23 scored, 1 rejected\n"))
        #expect(
            result.stdout == """
                model,patients,caseload,needed,contacts_per_month,staff,capacity,gap,waitlisted
                intensive,0,15,0,0.0,1,15,-1,0
                clinical,3,25,1,6.4,1,25,0,0
                strengths_based,12,20,1,12.0,0,0,1,12
                brokerage,8,75,1,2.7,1,75,0,0
                total,23,,3,21.1,3,115,0,12

                """)
        let rows = try String(contentsOfFile: waitlist, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "model,position,patient_id,tier,total_score,review_by")
        #expect(rows.count == 13)
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix("strengths_based,") })
        #expect(rows[1].split(separator: ",")[1] == "1")
    }

    @Test func usageErrors() throws {
        let cases: [([String], String)] = [
            (["--waitlist", "w.csv", "Samples/intake.csv"], "--waitlist needs --staff"),
            (["--staff", "intensive=1", "--waitlist", "w.txt", "Samples/intake.csv"], "--waitlist must name a .csv or .ndjson file"),
            (["--staff", "intensiv=1", "Samples/intake.csv"], "no model 'intensiv' in the rule set"),
            (["--staff", "no-such-staff.csv", "Samples/intake.csv"], "no-such-staff.csv: error:"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(["caseload"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
