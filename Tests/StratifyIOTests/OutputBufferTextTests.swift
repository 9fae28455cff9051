import StratifyCore
import StratifyIO
import Testing

/// The output buffer writes numbers and dates through StratifyCore's one
/// formatter for each; these check the wrappers, including when the buffer
/// has to grow in the middle of a run.
@Suite struct OutputBufferTextTests {
    @Test(arguments: [0.0, -0.0, 42.0, -7.0, 0.1, 1.0 / 3.0, 1e-7, 2.5e20, -1.2345678901234568e-300])
    func numbersAsNumberTextWritesThem(value: Double) {
        let out = OutputBuffer(capacity: 4)
        out.append(number: value)
        #expect(String(decoding: out.bytes, as: UTF8.self) == NumberText.shortest(value))
    }

    @Test func datesAsISODateWritesThem() {
        let out = OutputBuffer(capacity: 4)
        out.appendDate(daysSince1970: 11016)
        out.append(",")
        out.appendDate(daysSince1970: -25567)
        out.append(",")
        out.appendDate(daysSince1970: ISODate.daysFromCivil(year: -1, month: 3, day: 4))
        #expect(String(decoding: out.bytes, as: UTF8.self) == "2000-02-29,1900-01-01,-0001-03-04")
    }

    @Test(arguments: [0, 7, 42, -1, 123_456, Int.max, Int.min])
    func decimals(value: Int) {
        let out = OutputBuffer(capacity: 4)
        out.append(decimal: value)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
    }
}
