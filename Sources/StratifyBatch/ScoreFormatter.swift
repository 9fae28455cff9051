import StratifyCore
import StratifyEngine
import StratifyIO
import StratifyRules

/// The output record of spec section 7, in CSV, NDJSON or a JSON array:
/// the identifier, each domain's score and tier, the total, the tier, the
/// model, the flags set, the inputs missing, and the review date.
///
/// With `fired`, a last column lists the rules that fired (`;`-joined in CSV,
/// an array in JSON).
public struct ScoreFormatter: RecordFormatter {
    public let format: OutputFormat
    public let fired: Bool
    private let program: Program
    private let names: OutputNames

    public init(program: Program, format: OutputFormat, fired: Bool = false) {
        self.program = program
        self.format = format
        self.fired = fired
        self.names = OutputNames(program: program)
    }

    public func header(into out: inout OutputBuffer) {
        switch format {
        case .csv:
            out.append(bytes: names.csvHeader)
            if fired { out.append(",fired" as StaticString) }
            out.append(10)
        case .json:
            out.append(UInt8(ascii: "["))
        case .ndjson:
            break
        }
    }

    public func separator(into out: inout OutputBuffer) {
        if format == .json { out.append(",\n" as StaticString) }
    }

    public func footer(into out: inout OutputBuffer) {
        if format == .json { out.append("]\n" as StaticString) }
    }

    public func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if format == .csv {
            writeCSV(evaluator, identifier: identifier, into: &out)
        } else {
            writeJSON(evaluator, identifier: identifier, into: &out)
        }
    }

    private func writeCSV(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let names = self.names
        let r = e.registerValues.baseAddress!
        let comma = UInt8(ascii: ",")
        out.appendCSVField(identifier)
        // Everything up to the review date has a known maximum length:
        // written through one cursor, with no capacity check per piece.
        var p = out.cursor(reserving: names.csvBound)
        for index in 0..<names.domainCount {
            p.pointee = comma
            p = NumberText.writeDecimal(Int(r[names.domainScoreRegisters[index]]), at: p + 1)
            p.pointee = comma
            p = names.tiers.copy(Int(r[names.domainTierRegisters[index]]), to: p + 1)
        }
        p.pointee = comma
        p = NumberText.writeDecimal(Int(r[names.totalRegister]), at: p + 1)
        p.pointee = comma
        p = names.tiers.copy(Int(r[names.tierRegister]), to: p + 1)
        p.pointee = comma
        p = names.models.copy(Int(r[names.modelRegister]), to: p + 1)
        p.pointee = comma
        p = names.copyList(names.flagRegisters, names.flags, separator: UInt8(ascii: ";"), when: { $0 == 1 }, r, to: p + 1)
        p.pointee = comma
        p = names.copyList(names.missingRegisters, names.missing, separator: UInt8(ascii: ";"), when: { $0.isNaN }, r, to: p + 1)
        p.pointee = comma
        out.commit(end: p + 1)
        if names.reviewRegister >= 0, !r[names.reviewRegister].isNaN {
            out.appendDate(daysSince1970: Int(r[names.reviewRegister]))
        }
        if fired {
            out.append(comma)
            names.appendList(names.ruleRegisters, names.rules, separator: UInt8(ascii: ";"), when: { $0 == 1 }, r, into: out)
        }
        out.append(10)
    }

    private func writeJSON(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let names = self.names
        let r = e.registerValues.baseAddress!
        out.append(bytes: names.jsonIdentifierKey[0])
        out.appendJSONString(identifier)
        // From here to the review date, the length has a known maximum:
        // one cursor, no capacity check per piece (as in `writeCSV`).
        var p = out.cursor(reserving: names.jsonBound)
        for index in 0..<names.domainCount {
            p = names.jsonDomainKeys.copy(2 * index, to: p)
            p = NumberText.writeDecimal(Int(r[names.domainScoreRegisters[index]]), at: p)
            p = names.jsonDomainKeys.copy(2 * index + 1, to: p)
            p = names.quotedTiers.copy(Int(r[names.domainTierRegisters[index]]), to: p)
        }
        p = names.jsonFixedKeys.copy(0, to: p)
        p = NumberText.writeDecimal(Int(r[names.totalRegister]), at: p)
        p = names.jsonFixedKeys.copy(1, to: p)
        p = names.quotedTiers.copy(Int(r[names.tierRegister]), to: p)
        p = names.jsonFixedKeys.copy(2, to: p)
        p = names.quotedModels.copy(Int(r[names.modelRegister]), to: p)
        p = names.jsonFixedKeys.copy(3, to: p)
        p = names.copyList(names.flagRegisters, names.quotedFlags, separator: UInt8(ascii: ","), when: { $0 == 1 }, r, to: p)
        p = names.jsonFixedKeys.copy(4, to: p)
        p = names.copyList(names.missingRegisters, names.quotedMissing, separator: UInt8(ascii: ","), when: { $0.isNaN }, r, to: p)
        p = names.jsonFixedKeys.copy(5, to: p)
        out.commit(end: p)
        if names.reviewRegister >= 0, !r[names.reviewRegister].isNaN {
            out.append(UInt8(ascii: "\""))
            out.appendDate(daysSince1970: Int(r[names.reviewRegister]))
            out.append(UInt8(ascii: "\""))
        } else {
            out.append("null" as StaticString)
        }
        if fired {
            out.append(",\"fired\":[" as StaticString)
            names.appendList(names.ruleRegisters, names.quotedRules, separator: UInt8(ascii: ","), when: { $0 == 1 }, r, into: out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        if format == .ndjson { out.append(10) }
    }
}

/// The output's names as bytes and the registers they are read from,
/// prepared once so that writing a record is only copying.
final class OutputNames: Sendable {
    // Immutable after init.
    let csvHeader: [UInt8]
    let jsonIdentifierKey: ByteTable
    let domainCount: Int
    let domainScoreRegisters: FixedBuffer<Int>
    let domainTierRegisters: FixedBuffer<Int>
    /// `,"NAME_score":` and `,"NAME_tier":` for each domain, in turn.
    let jsonDomainKeys: ByteTable
    let tiers: ByteTable
    let quotedTiers: ByteTable
    let models: ByteTable
    let quotedModels: ByteTable
    let flagRegisters: RegisterList
    let flags: ByteTable
    let quotedFlags: ByteTable
    let missingRegisters: RegisterList
    let missing: ByteTable
    let quotedMissing: ByteTable
    let ruleRegisters: RegisterList
    let rules: ByteTable
    let quotedRules: ByteTable
    let totalRegister: Int
    let tierRegister: Int
    let modelRegister: Int
    let reviewRegister: Int
    /// The most bytes a CSV record takes after its identifier and before
    /// its review date: the most digits of each score, the longest names,
    /// every flag and every missing input.
    let csvBound: Int
    /// The keys between the domains and the review date, in order.
    let jsonFixedKeys = ByteTable([",\"total_score\":", ",\"tier\":", ",\"model\":", ",\"flags\":[", "],\"missing\":[", "],\"review_by\":"])
    /// As `csvBound`, for a JSON record.
    let jsonBound: Int

    /// The output columns of spec section 7, in order.
    static func columns(of program: Program) -> [String] {
        var columns = [program.inputs[program.identifier].name]
        for domain in program.domains {
            columns += ["\(domain.name)_score", "\(domain.name)_tier"]
        }
        return columns + ["total_score", "tier", "model", "flags", "missing", "review_by"]
    }

    init(program: Program) {
        let quoted = ByteTable.jsonQuoted
        csvHeader = Array(Self.columns(of: program).joined(separator: ",").utf8)
        let identifierKey: [UInt8] = [UInt8(ascii: "{")] + quoted(program.inputs[program.identifier].name) + [UInt8(ascii: ":")]
        jsonIdentifierKey = ByteTable([identifierKey])
        domainCount = program.domains.count
        domainScoreRegisters = FixedBuffer(program.domains.map(\.scoreRegister))
        domainTierRegisters = FixedBuffer(program.domains.map(\.tierRegister))
        var domainKeys: [[UInt8]] = []
        for domain in program.domains {
            for suffix in ["_score", "_tier"] {
                let key: [UInt8] = [UInt8(ascii: ",")] + quoted(domain.name + suffix) + [UInt8(ascii: ":")]
                domainKeys.append(key)
            }
        }
        jsonDomainKeys = ByteTable(domainKeys)
        tiers = ByteTable(program.tiers.values)
        quotedTiers = ByteTable(program.tiers.values.map(quoted))
        models = ByteTable(program.models.map(\.id))
        quotedModels = ByteTable(program.models.map { quoted($0.id) })
        flagRegisters = RegisterList(program.flags.map(\.register))
        flags = ByteTable(program.flags.map(\.name))
        quotedFlags = ByteTable(program.flags.map { quoted($0.name) })
        missingRegisters = RegisterList(program.missingOrder)
        missing = ByteTable(program.missingOrder.map { program.inputs[$0].name })
        quotedMissing = ByteTable(program.missingOrder.map { quoted(program.inputs[$0].name) })
        ruleRegisters = RegisterList(program.rules.map(\.condition.register))
        rules = ByteTable(program.rules.map(\.id))
        quotedRules = ByteTable(program.rules.map { quoted($0.id) })
        totalRegister = program.overall.totalRegister
        tierRegister = program.overall.tierRegister
        modelRegister = program.modelRegister
        reviewRegister = program.review?.register ?? -1
        let score = 1 + 20 + 1 + tiers.longest
        csvBound =
            (domainCount + 1) * score + 1 + models.longest
            + 1 + flags.total + flags.count + 1 + missing.total + missing.count + 1
        jsonBound =
            jsonDomainKeys.total + domainCount * (20 + quotedTiers.longest)
            + jsonFixedKeys.total + 20 + quotedTiers.longest + quotedModels.longest
            + quotedFlags.total + quotedFlags.count + quotedMissing.total + quotedMissing.count
    }

    /// Writes the names whose register passes `when`, separated, at `p`
    /// (with room for all of them); returns the end.
    @inline(__always)
    func copyList(
        _ registers: RegisterList, _ names: ByteTable, separator: UInt8, when: (Double) -> Bool,
        _ r: UnsafePointer<Double>, to p: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        var q = p
        for index in 0..<registers.count where when(r[registers[index]]) {
            if q != p {
                q.pointee = separator
                q += 1
            }
            q = names.copy(index, to: q)
        }
        return q
    }

    /// Appends the names whose register passes `when`, separated.
    @inline(__always)
    func appendList(
        _ registers: RegisterList, _ names: ByteTable, separator: UInt8, when: (Double) -> Bool,
        _ r: UnsafePointer<Double>, into out: OutputBuffer
    ) {
        var first = true
        for index in 0..<registers.count where when(r[registers[index]]) {
            if !first { out.append(separator) }
            out.append(bytes: names[index])
            first = false
        }
    }
}

/// Register numbers in a flat buffer.
final class RegisterList: Sendable {
    private let storage: FixedBuffer<Int>
    let count: Int

    init(_ registers: [Int]) {
        count = registers.count
        storage = FixedBuffer(registers)
    }

    @inline(__always)
    subscript(index: Int) -> Int { storage[index] }
}
