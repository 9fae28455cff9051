import Testing
import StratifyIO

/// Field names that are an input's name only once normalised (case,
/// surrounding whitespace, spaces and hyphens for `_`) are matched to it:
/// CSV headers through `FieldNameMatching`, NDJSON keys by the parser.
@Suite struct FieldNameMatchingTests {
    @Test func namesAreTrimmedLoweredAndGetUnderscores() {
        #expect(FieldNameMatching.normalized("Assessed On") == "assessed_on")
        #expect(FieldNameMatching.normalized(" age\t") == "age")
        #expect(FieldNameMatching.normalized("PHQ9-Total") == "phq9_total")
        #expect(FieldNameMatching.normalized("Patient ID") == "patient_id")
        #expect(FieldNameMatching.normalized("") == "")
        #expect(FieldNameMatching.normalized("   ") == "")
        // Only ASCII letters change case; other bytes are kept.
        #expect(FieldNameMatching.normalized("Ärger x") == "Ärger_x")
    }

    @Test func inputsThatNormaliseAlikeAreNotMatchedThatWay() {
        #expect(FieldNameMatching.normalizedNames(["age", "Age", "sex"]) == [nil, nil, "sex"])
    }

    func indexes(_ parser: JSONLineParser, _ text: String) throws -> [Int32] {
        try bytes(text).withUnsafeBytes { buf in
            try parser.parse(buf)
            return parser.members.map(\.keyIndex)
        }
    }

    @Test func keysAreMatchedByNormalisedNameOnRequest() throws {
        let keys = ["patient_id", "age", "phq9_total"]
        let parser = JSONLineParser(keys: keys, normalizingKeys: true)
        // Every line, whatever the parser guessed from the one before.
        for _ in 0..<3 {
            #expect(try indexes(parser, #"{"Patient ID":"P1"," age ":4,"PHQ9-Total":3}"#) == [0, 1, 2])
            #expect(try indexes(parser, #"{"patient_id":"P1","age":4,"Phq9 Total":3,"Agee":1}"#) == [0, 1, 2, -1])
        }
        // Escaped keys are unescaped first.
        #expect(try indexes(parser, #"{"\u0041ge":4}"#) == [1])
        #expect(try indexes(JSONLineParser(keys: keys), #"{"Age":4," age ":5}"#) == [-1, -1])
        // An exact name wins over a normalised one; an ambiguous one matches neither.
        let clashing = JSONLineParser(keys: ["age", "Age"], normalizingKeys: true)
        #expect(try indexes(clashing, #"{"Age":1}"#) == [1])
        #expect(try indexes(clashing, #"{"AGE":1}"#) == [-1])
    }

    @Test func twoSpellingsOfOneKeyOnALineAreARepeatedKey() throws {
        let parser = JSONLineParser(keys: ["id", "age"], normalizingKeys: true)
        #expect(throws: JSONParseError(column: 20, message: "duplicate key 'Age': read as 'age', like the key 'age' before it")) {
            try indexes(parser, #"{"id":"P1","age":4,"Age":5}"#)
        }
        #expect(throws: JSONParseError(column: 20, message: "duplicate key 'age': read as 'age', like the key 'AGE' before it")) {
            try indexes(parser, #"{"id":"P1","AGE":4,"age":5}"#)
        }
        // The same spelling twice keeps the plain message.
        #expect(throws: JSONParseError(column: 20, message: "duplicate key 'Age'")) {
            try indexes(parser, #"{"id":"P1","Age":4,"Age":5}"#)
        }
    }
}
