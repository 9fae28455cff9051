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
            if fired { out.append(",fired") }
            out.append(10)
        case .json:
            out.append(UInt8(ascii: "["))
        case .ndjson:
            break
        }
    }

    public func separator(into out: inout OutputBuffer) {
        if format == .json { out.append(",\n") }
    }

    public func footer(into out: inout OutputBuffer) {
        if format == .json { out.append("]\n") }
    }

    public func write(_ evaluator: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if format == .csv {
            writeCSV(evaluator, identifier: identifier, into: &out)
        } else {
            writeJSON(evaluator, identifier: identifier, into: &out)
        }
    }

    private func writeCSV(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = e.registers
        out.appendCSVField(identifier)
        for domain in names.domains {
            out.append(UInt8(ascii: ","))
            out.append(decimal: Int(r[domain.scoreRegister]))
            out.append(UInt8(ascii: ","))
            out.append(bytes: names.tiers[Int(r[domain.tierRegister])])
        }
        out.append(UInt8(ascii: ","))
        out.append(decimal: Int(r[names.totalRegister]))
        out.append(UInt8(ascii: ","))
        out.append(bytes: names.tiers[Int(r[names.tierRegister])])
        out.append(UInt8(ascii: ","))
        out.append(bytes: names.models[e.modelIndex])
        out.append(UInt8(ascii: ","))
        var first = true
        for flag in names.flags where r[flag.register] == 1 {
            if !first { out.append(UInt8(ascii: ";")) }
            out.append(bytes: flag.name)
            first = false
        }
        out.append(UInt8(ascii: ","))
        first = true
        for input in names.missing where r[input.register].isNaN {
            if !first { out.append(UInt8(ascii: ";")) }
            out.append(bytes: input.name)
            first = false
        }
        out.append(UInt8(ascii: ","))
        if names.reviewRegister >= 0, !r[names.reviewRegister].isNaN {
            out.appendDate(daysSince1970: Int(r[names.reviewRegister]))
        }
        if fired {
            out.append(UInt8(ascii: ","))
            first = true
            for rule in names.rules where r[rule.register] == 1 {
                if !first { out.append(UInt8(ascii: ";")) }
                out.append(bytes: rule.name)
                first = false
            }
        }
        out.append(10)
    }

    private func writeJSON(_ e: Evaluator, identifier: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let r = e.registers
        out.append(bytes: names.jsonIdentifierKey)
        out.appendJSONString(identifier)
        for domain in names.domains {
            out.append(bytes: domain.jsonScoreKey)
            out.append(decimal: Int(r[domain.scoreRegister]))
            out.append(bytes: domain.jsonTierKey)
            out.append(bytes: names.quotedTiers[Int(r[domain.tierRegister])])
        }
        out.append(",\"total_score\":")
        out.append(decimal: Int(r[names.totalRegister]))
        out.append(",\"tier\":")
        out.append(bytes: names.quotedTiers[Int(r[names.tierRegister])])
        out.append(",\"model\":")
        out.append(bytes: names.quotedModels[e.modelIndex])
        out.append(",\"flags\":[")
        var first = true
        for flag in names.flags where r[flag.register] == 1 {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(bytes: flag.quoted)
            first = false
        }
        out.append("],\"missing\":[")
        first = true
        for input in names.missing where r[input.register].isNaN {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(bytes: input.quoted)
            first = false
        }
        out.append("],\"review_by\":")
        if names.reviewRegister >= 0, !r[names.reviewRegister].isNaN {
            out.append(UInt8(ascii: "\""))
            out.appendDate(daysSince1970: Int(r[names.reviewRegister]))
            out.append(UInt8(ascii: "\""))
        } else {
            out.append("null")
        }
        if fired {
            out.append(",\"fired\":[")
            first = true
            for rule in names.rules where r[rule.register] == 1 {
                if !first { out.append(UInt8(ascii: ",")) }
                out.append(bytes: rule.quoted)
                first = false
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        if format == .ndjson { out.append(10) }
    }
}

/// The output's names as bytes, prepared once so that writing a record is
/// only copying.
struct OutputNames {
    struct Named {
        var name: [UInt8]
        var quoted: [UInt8]
        var register: Int
    }

    struct DomainColumns {
        var scoreRegister: Int
        var tierRegister: Int
        var jsonScoreKey: [UInt8]
        var jsonTierKey: [UInt8]
    }

    var csvHeader: [UInt8]
    var jsonIdentifierKey: [UInt8]
    var domains: [DomainColumns]
    var tiers: [[UInt8]]
    var quotedTiers: [[UInt8]]
    var models: [[UInt8]]
    var quotedModels: [[UInt8]]
    var flags: [Named]
    var missing: [Named]
    var rules: [Named]
    var totalRegister: Int
    var tierRegister: Int
    var reviewRegister: Int

    /// The output columns of spec section 7, in order.
    static func columns(of program: Program) -> [String] {
        var columns = [program.inputs[program.identifier].name]
        for domain in program.domains {
            columns += ["\(domain.name)_score", "\(domain.name)_tier"]
        }
        return columns + ["total_score", "tier", "model", "flags", "missing", "review_by"]
    }

    init(program: Program) {
        func quoted(_ text: String) -> [UInt8] {
            var buffer = OutputBuffer(capacity: text.utf8.count + 8)
            buffer.appendJSONString(text)
            return buffer.bytes
        }
        csvHeader = Array(Self.columns(of: program).joined(separator: ",").utf8)
        jsonIdentifierKey = Array("{".utf8) + quoted(program.inputs[program.identifier].name) + Array(":".utf8)
        domains = program.domains.map { domain in
            DomainColumns(
                scoreRegister: domain.scoreRegister, tierRegister: domain.tierRegister,
                jsonScoreKey: Array(",".utf8) + quoted("\(domain.name)_score") + Array(":".utf8),
                jsonTierKey: Array(",".utf8) + quoted("\(domain.name)_tier") + Array(":".utf8))
        }
        tiers = program.tiers.values.map { Array($0.utf8) }
        quotedTiers = program.tiers.values.map(quoted)
        models = program.models.map { Array($0.id.utf8) }
        quotedModels = program.models.map { quoted($0.id) }
        flags = program.flags.map { Named(name: Array($0.name.utf8), quoted: quoted($0.name), register: $0.register) }
        missing = program.missingOrder.map { index in
            let name = program.inputs[index].name
            return Named(name: Array(name.utf8), quoted: quoted(name), register: index)
        }
        rules = program.rules.map { Named(name: Array($0.id.utf8), quoted: quoted($0.id), register: $0.condition.register) }
        totalRegister = program.overall.totalRegister
        tierRegister = program.overall.tierRegister
        reviewRegister = program.review?.register ?? -1
    }
}
