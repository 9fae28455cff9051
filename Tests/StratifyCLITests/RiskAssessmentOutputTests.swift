import StratifyTestSupport
import Foundation
import Testing

/// `score --format fhir` writes RiskAssessments that conform to the FHIR R4
/// definition: checked element by element against a trimmed copy of the
/// official StructureDefinition (Tests/Fixtures/fhir/riskassessment-r4-trimmed.json:
/// names, cardinalities, types, the required status binding).
@Suite struct RiskAssessmentOutputTests {
    /// A small conformance checker over the trimmed definition.
    struct Definition {
        var elements: [String: [String: Any]] = [:]
        var datatypes: [String: String] = [:]

        init() throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: CLI.root + "/Tests/Fixtures/fhir/riskassessment-r4-trimmed.json"))
            let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            func add(_ snapshot: Any?) {
                for element in ((snapshot as? [String: Any])?["element"] as? [[String: Any]]) ?? [] {
                    elements[element["path"] as! String] = element
                }
            }
            add(root["snapshot"])
            for (name, definition) in (root["_datatypes"] as? [String: Any]) ?? [:] {
                add((definition as? [String: Any])?["snapshot"])
                datatypes[name] = name
            }
        }

        func types(_ element: [String: Any]) -> [String] {
            ((element["type"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
        }

        /// The problems of `object` read as the element at `path`.
        func check(_ object: [String: Any], at path: String, problems: inout [String]) {
            for (key, value) in object where !(path == "RiskAssessment" && key == "resourceType") {
                var element = elements["\(path).\(key)"]
                var type = element.map { types($0) }?.first
                if element == nil {
                    // A choice: occurrenceDateTime is occurrence[x] of type dateTime.
                    for (candidate, definition) in elements where candidate.hasPrefix(path + ".") && candidate.hasSuffix("[x]") {
                        let stem = String(candidate.dropFirst(path.count + 1).dropLast(3))
                        guard key.hasPrefix(stem) else { continue }
                        let suffix = key.dropFirst(stem.count)
                        if let match = types(definition).first(where: { $0.prefix(1).uppercased() + $0.dropFirst() == suffix }) {
                            element = definition
                            type = match
                        }
                    }
                }
                guard let element, let type else {
                    problems.append("\(path).\(key): not an element of the R4 definition")
                    continue
                }
                let many = element["max"] as? String == "*"
                let values: [Any]
                if many {
                    guard let array = value as? [Any], !array.isEmpty else {
                        problems.append("\(path).\(key): 0..* must be a non-empty array")
                        continue
                    }
                    values = array
                } else {
                    if value is [Any] {
                        problems.append("\(path).\(key): at most one, found an array")
                        continue
                    }
                    values = [value]
                }
                for item in values {
                    if let binding = element["binding"] as? [String: Any], binding["strength"] as? String == "required",
                        let codes = binding["_codes"] as? [String], !codes.contains(item as? String ?? "")
                    {
                        problems.append("\(path).\(key): '\(item)' is not in the required value set")
                    }
                    if type == "BackboneElement" || datatypes[type] != nil {
                        guard let child = item as? [String: Any] else {
                            problems.append("\(path).\(key): expected an object")
                            continue
                        }
                        check(child, at: type == "BackboneElement" ? "\(path).\(key)" : type, problems: &problems)
                    } else if type == "integer" {
                        // (On Linux an NSNumber also casts to Bool: ask the dynamic type.)
                        let isInteger = (item as? NSNumber).map { $0.doubleValue == Double($0.intValue) } ?? false
                        if !isInteger || Swift.type(of: item) == Bool.self { problems.append("\(path).\(key): expected an integer") }
                    } else if type == "boolean" {
                        if Swift.type(of: item) != Bool.self { problems.append("\(path).\(key): expected a boolean") }
                    } else if !(item is String) || (item as? String)?.isEmpty == true {
                        problems.append("\(path).\(key): expected a non-empty string (\(type))")
                    }
                }
            }
            for (candidate, element) in elements where (element["min"] as? Int ?? 0) > 0 {
                guard candidate.hasPrefix(path + "."), !candidate.dropFirst(path.count + 1).contains(".") else { continue }
                let name = String(candidate.dropFirst(path.count + 1))
                if object[name] == nil { problems.append("\(candidate): required (min 1), absent") }
            }
        }
    }

    static func check(_ output: String) throws -> (resources: Int, problems: [String]) {
        let definition = try Definition()
        var problems: [String] = []
        var count = 0
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["resourceType"] as? String == "RiskAssessment")
            definition.check(object, at: "RiskAssessment", problems: &problems)
            count += 1
        }
        return (count, problems)
    }

    @Test func fromFHIRInputConformsToR4() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/fhir", csv = scratch.path + "/flat.csv"
        try FHIRInputTests.generate(seed: 31, layout: "bundles", folder: folder, csv: csv, n: 200)
        let result = try CLI.run(["score", "--as-of", "2026-12-31", "--format", "fhir", folder])
        let (count, problems) = try Self.check(result.stdout)
        #expect(Array(problems.prefix(5)) == [])
        let scored = try CLI.run(["score", "--format", "csv", csv]).stdout.split(separator: "\n").count - 1
        #expect(count == scored)
        // Both layouts give the same resources, byte for byte.
        let bulk = scratch.path + "/bulk"
        try FHIRInputTests.generate(seed: 31, layout: "bulk", folder: bulk, csv: csv, n: 200)
        #expect(try CLI.run(["score", "--as-of", "2026-12-31", "--format", "fhir", bulk]).stdout == result.stdout)
        #expect(result.stdout.contains(#""basis":[{"reference":"Patient/P0000001"}"#))
    }

    @Test func fromCSVIntakeHasNoBasis() throws {
        let result = try CLI.run(["score", "--format", "fhir", "Tests/Fixtures/acceptance/edge-cases.csv"])
        let (count, problems) = try Self.check(result.stdout)
        #expect(count > 0)
        #expect(Array(problems.prefix(5)) == [])
        #expect(!result.stdout.contains("\"basis\""))
        let first = try #require(result.stdout.split(separator: "\n").first)
        let digest = try CLI.sha256(ofFile: "Rules/default.yaml")
        #expect(first.contains("\"text\":\"reference version 1, sha256 \(digest)\""))
        #expect(first.contains(#""status":"final""#))
    }

    /// The checker itself catches what it is for.
    @Test func theCheckerRejectsNonConformingResources() throws {
        let bad = #"{"resourceType":"RiskAssessment","status":"done","prediction":{"outcome":{"text":"x"}},"mitigations":"y"}"#
        let (_, problems) = try Self.check(bad)
        #expect(problems.contains("RiskAssessment.status: 'done' is not in the required value set"))
        #expect(problems.contains("RiskAssessment.prediction: 0..* must be a non-empty array"))
        #expect(problems.contains("RiskAssessment.mitigations: not an element of the R4 definition"))
        #expect(problems.contains("RiskAssessment.subject: required (min 1), absent"))
    }
}
