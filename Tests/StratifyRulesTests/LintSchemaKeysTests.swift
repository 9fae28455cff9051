import StratifyTestSupport
import Foundation
import Testing
@testable import StratifyRules

/// Rules/schema.json (for editors) names exactly the keys the rule decoder
/// accepts, so that neither flags a key the other takes. Whether shipped rule
/// files validate against it is checked by scripts/check-rule-schema.py
/// (`make test`), with a real JSON Schema validator.
@Suite struct LintSchemaKeysTests {
    static func schema() throws -> [String: Any] {
        let text = try RepositoryFixtures.text("Rules/schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The property names of the object schema at `path` (definition names,
    /// then `properties` inside `oneOf` branches by index).
    static func keys(_ schema: [String: Any], _ path: [String]) throws -> Set<String> {
        var node: Any = schema
        for step in path {
            if let index = Int(step), let array = node as? [Any] {
                node = array[index]
            } else {
                node = try #require((node as? [String: Any])?[step], "no \(step) in \(path)")
            }
        }
        let properties = try #require((node as? [String: Any])?["properties"] as? [String: Any], "no properties at \(path)")
        return Set(properties.keys)
    }

    @Test func schemaNamesTheKeysTheDecoderAccepts() throws {
        let schema = try Self.schema()
        #expect(try Self.keys(schema, []) == Set(RuleSetDecoder.topLevelKeys))
        #expect(try Self.keys(schema, ["definitions", "input"]) == Set(RuleSetDecoder.inputKeys))
        #expect(try Self.keys(schema, ["definitions", "derived", "oneOf", "1"]) == Set(RuleSetDecoder.derivedKeys))
        #expect(try Self.keys(schema, ["definitions", "part", "oneOf", "1"]) == Set(RuleSetDecoder.bodyKeys))
        #expect(try Self.keys(schema, ["definitions", "table"]) == Set(RuleSetDecoder.tableKeys))
        let caseKeys = try Self.keys(schema, ["definitions", "case", "oneOf", "0"]).union(Self.keys(schema, ["definitions", "case", "oneOf", "1"]))
        #expect(caseKeys == Set(RuleSetDecoder.caseKeys))
        #expect(try Self.keys(schema, ["definitions", "domain"]) == Set(RuleSetDecoder.domainKeys))
        #expect(try Self.keys(schema, ["definitions", "rule"]) == Set(RuleSetDecoder.ruleKeys))
        #expect(try Self.keys(schema, ["definitions", "floor"]) == Set(RuleSetDecoder.floorKeys))
        #expect(try Self.keys(schema, ["definitions", "escalation"]) == Set(RuleSetDecoder.floorKeys))
        #expect(try Self.keys(schema, ["definitions", "overall"]) == Set(RuleSetDecoder.overallKeys))
        #expect(try Self.keys(schema, ["definitions", "model"]) == Set(RuleSetDecoder.modelKeys))
        #expect(try Self.keys(schema, ["definitions", "review_by"]) == Set(RuleSetDecoder.reviewKeys))
        let types = try #require(
            ((schema["definitions"] as? [String: Any])?["input"] as? [String: Any]).flatMap {
                (($0["properties"] as? [String: Any])?["type"] as? [String: Any])?["enum"] as? [String]
            })
        #expect(Set(types) == Set(RuleSetDecoder.typeNames))
    }

    @Test func everyPropertyHasADescription() throws {
        var missing: [String] = []
        func visit(_ node: Any, _ path: String) {
            if let object = node as? [String: Any] {
                if let properties = object["properties"] as? [String: Any] {
                    for (name, value) in properties {
                        let property = value as? [String: Any] ?? [:]
                        var described = property["description"] != nil
                        if !described, let reference = property["$ref"] as? String {
                            let name = String(reference.split(separator: "/").last ?? "")
                            let definitions = (try? Self.schema())?["definitions"] as? [String: Any]
                            described = (definitions?[name] as? [String: Any])?["description"] != nil
                        }
                        if !described { missing.append("\(path)/\(name)") }
                    }
                }
                // `if` schemas only test a value; they describe nothing.
                for (key, value) in object where key != "if" { visit(value, "\(path)/\(key)") }
            } else if let array = node as? [Any] {
                for (index, value) in array.enumerated() { visit(value, "\(path)/\(index)") }
            }
        }
        visit(try Self.schema(), "")
        #expect(missing == [])
    }
}
