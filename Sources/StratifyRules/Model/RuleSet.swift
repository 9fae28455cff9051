import StratifyCore
import StratifyYAML

/// A rule file as written, decoded from YAML but not yet checked: names are
/// not resolved and expressions are not typed. `RuleChecker` turns it into a
/// `Program`.
public struct RuleSet: Sendable {
    /// The rule language this build reads: a rule file's `version` (which
    /// may be left out) must be this.
    public static let languageVersion = 1

    public var source: SourceFile
    public var name: String?
    public var identifier: Located<String>
    public var inputs: [InputField]
    public var derived: [DerivedDefinition]
    /// The tier scale, lowest first; domain and overall bands use its names.
    public var tierLevels: [Located<String>]
    public var domains: [DomainDefinition]
    public var overall: OverallDefinition
    public var models: [ModelDefinition]
    public var reviewBy: ReviewDefinition?
}

/// A named value computed from the inputs (`derived:`).
public struct DerivedDefinition: Sendable {
    public var name: Located<String>
    public var description: String?
    /// Declared values, which make the derived value an enum (`values: [..]`).
    public var values: [Located<String>]?
    public var body: DerivedBody
}

public indirect enum DerivedBody: Sendable {
    /// `expr: part_a + part_b`
    case expression(SourceExpression)
    /// `table: {of: stay_days, rows: {...}, default: 0}`
    case table(TableDefinition)
    /// `cases: [{when: .., then: ..}, .., {otherwise: ..}]`
    case cases([CaseDefinition], otherwise: SourceExpression?, location: SourceLocation)
    /// `sum: {L: {table: ..}, A: ..}`: labelled parts added up.
    case sum([(label: Located<String>, body: DerivedBody)])
}

public struct TableDefinition: Sendable {
    public var key: SourceExpression
    public var rows: [TableRow]
    public var defaultValue: SourceExpression?
    public var location: SourceLocation
}

/// One row of a lookup table: a key (`3`, `4..6`, `14..`, `true`, `often`)
/// and the value it maps to.
public struct TableRow: Sendable {
    public var key: Located<String>
    public var value: SourceExpression
}

public struct CaseDefinition: Sendable {
    public var when: SourceExpression
    public var then: SourceExpression
}

public struct DomainDefinition: Sendable {
    public var name: Located<String>
    public var description: String?
    public var bands: [BandDefinition]
    public var bandsLocation: SourceLocation
    public var rules: [RuleDefinition]
    public var floors: [FloorDefinition]
}

/// A tier band: `amber: 4..7`, or open above: `red: 8..`.
public struct BandDefinition: Sendable {
    public var tier: Located<String>
    public var lower: Int
    public var upper: Int?
    public var location: SourceLocation
}

public struct RuleDefinition: Sendable {
    public var id: Located<String>
    public var when: SourceExpression
    public var points: Located<Int>
    public var flag: Located<String>?
    public var because: String
    public var location: SourceLocation
}

/// Raises a domain's tier to at least `atLeast` when `when` holds.
public struct FloorDefinition: Sendable {
    public var id: Located<String>
    public var when: SourceExpression
    public var atLeast: Located<String>
    public var because: String
    public var location: SourceLocation
}

public struct OverallDefinition: Sendable {
    public var bands: [BandDefinition]
    public var bandsLocation: SourceLocation
    public var escalations: [EscalationDefinition]
}

/// Raises the overall tier to at least `atLeast` when `when` holds.
public struct EscalationDefinition: Sendable {
    public var id: Located<String>
    public var when: SourceExpression
    public var atLeast: Located<String>
    public var because: String
    public var location: SourceLocation
}

/// A case-management model; the first whose condition holds is chosen.
public struct ModelDefinition: Sendable {
    public var id: Located<String>
    /// nil for the last model, which always holds.
    public var when: SourceExpression?
    public var contact: String
    /// Days between two contacts (`contact_days`), when the rule set says.
    public var contactDays: Located<Int>?
    /// Patients one case manager carries (`caseload`), when the rule set says.
    public var caseload: Located<Int>?
    public var reviewDays: Located<Int>
    public var because: String
    public var location: SourceLocation
}

/// `review_by: {from: visit_date}`: the review date is that date field plus
/// the chosen model's `review_days`.
public struct ReviewDefinition: Sendable {
    public var from: Located<String>
    public var location: SourceLocation
}
