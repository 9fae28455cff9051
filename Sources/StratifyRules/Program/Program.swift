import StratifyCore
import StratifyYAML

/// A checked and compiled rule set, ready to evaluate records.
///
/// Everything the engine needs is here, addressed by index and register,
/// never by name; the names are kept for output and explanations.
public struct Program: Sendable {
    public let source: SourceFile
    public let name: String?
    /// The intake schema; input `i` lives in register `i`.
    public let inputs: [InputField]
    /// The input copied to the output to identify the record.
    public let identifier: Int
    /// Inputs other than the identifier, sorted by name: the order of `missing`.
    public let missingOrder: [Int]
    /// The tier scale, lowest first.
    public let tiers: EnumType
    public let derived: [DerivedValue]
    public let domains: [Domain]
    public let rules: [Rule]
    /// Flags sorted by name, the order of the `flags` output.
    public let flags: [Flag]
    public let overall: Overall
    public let models: [Model]
    /// Register of the chosen model's index.
    public let modelRegister: Int
    public let review: Review?
    /// The instructions that compute every register (laid out by
    /// `CodePlanner` after checking).
    public internal(set) var code: Code

    public struct DerivedValue: Sendable {
        public let name: String
        public let description: String?
        public let expr: TypedExpr
        public var type: ValueType { expr.type }
        public var register: Int { expr.register }
    }

    public struct Domain: Sendable {
        public let name: String
        public let description: String?
        public let bands: TierBands
        public let floors: [Floor]
        /// Indexes into `rules`, in file order.
        public let rules: [Int]
        public let scoreRegister: Int
        /// The tier from the bands alone.
        public let bandTierRegister: Int
        /// The tier after floors.
        public let tierRegister: Int
    }

    public struct Rule: Sendable {
        public let id: String
        public let domain: Int
        public let points: Int
        public let flag: Int?
        public let because: String
        public let condition: TypedExpr
        /// The condition as written.
        public let text: String
        public let location: SourceLocation
    }

    public struct Flag: Sendable {
        public let name: String
        /// Rules that set it; the flag is their Kleene `or`.
        public let rules: [Int]
        public let register: Int
    }

    public struct Floor: Sendable {
        public let id: String
        public let condition: TypedExpr
        public let text: String
        public let atLeast: Int
        public let because: String
        public let location: SourceLocation
    }

    public struct Overall: Sendable {
        public let bands: TierBands
        public let escalations: [Escalation]
        public let totalRegister: Int
        public let bandTierRegister: Int
        public let tierRegister: Int
    }

    public struct Escalation: Sendable {
        public let id: String
        public let condition: TypedExpr
        public let text: String
        public let atLeast: Int
        public let because: String
        public let location: SourceLocation
    }

    public struct Model: Sendable {
        public let id: String
        /// nil: always holds (the last model).
        public let condition: TypedExpr?
        public let text: String?
        public let contact: String
        /// Days between two contacts; nil when the rule set does not say.
        public let contactDays: Int?
        /// Patients per case manager; nil when the rule set does not say.
        public let caseload: Int?
        public let reviewDays: Int
        public let because: String
        public let location: SourceLocation
    }

    public struct Review: Sendable {
        /// The date input the review interval counts from.
        public let from: Int
        public let register: Int
    }
}

/// Score bands of a tier scale, ascending: the tier of a score is that of
/// the last band whose lower bound it reaches.
public struct TierBands: Sendable {
    public struct Band: Sendable {
        public let tier: Int
        public let lower: Int
        /// nil: open above.
        public let upper: Int?
    }

    public let bands: [Band]

    public func tier(for score: Int) -> Int {
        var result = bands.first?.tier ?? 0
        for band in bands where score >= band.lower {
            result = band.tier
        }
        return result
    }

    /// The band a score falls in.
    public func band(for score: Int) -> Band? {
        bands.last { score >= $0.lower }
    }
}

extension Program.Model {
    /// Case managers this model needs for `patients`: patients ÷ caseload,
    /// rounded up; nil when the rule set gives the model no caseload.
    public func caseManagersNeeded(for patients: Int) -> Int? {
        caseload.map { (patients + $0 - 1) / $0 }
    }
}
