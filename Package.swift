// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the pipeline (ARCHITECTURE.md is the map):
//   StratifyCore (source files, diagnostics and their rendering, dates, number text, raw-memory owners)
//   CYAML (libyaml) → StratifyYAML (located YAML tree)
//   → StratifyRules (rule model, expression language, decoding, checking, linting; Planning/ lays the
//     checked program out as instructions)
//   → StratifyEngine (record decoding and evaluation of a Program, nothing else)
//   CZlib (zlib) → StratifyIO (bytes in and out: CSV, NDJSON, JSON, gzip, delimiter stages)
//   → StratifyBatch (the streaming, parallel pipeline: intake → engine → output; score output; Diff/)
//   → StratifyExplain (Tracing/ observes the evaluator; Rendering/ writes explanations as text and JSON,
//     plugged into the pipeline as record formatters)
//   → StratifyRuleTesting (the runner behind `stratify test`: expectations, coverage)
//   → StratifyMonitor (over time: track, worklist, caseload), StratifyEvaluate (outcomes against tiers),
//     StratifyFHIR (FHIR R4 in and out), StratifyReport (HTML)
//   → stratify (the command-line tool)
// Every import is declared here: scripts/check-imports.py (make test) fails otherwise.
let package = Package(
    name: "stratify",
    products: [
        .executable(name: "stratify", targets: ["stratify"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "StratifyCore"),
        .target(name: "StratifyYAML", dependencies: ["StratifyCore", "CYAML"]),
        .target(name: "StratifyRules", dependencies: ["StratifyCore", "StratifyYAML"]),
        .target(name: "StratifyEngine", dependencies: ["StratifyCore", "StratifyRules", "StratifyIO"]),
        .target(name: "StratifyIO", dependencies: ["StratifyCore", "CZlib"]),
        .target(name: "StratifyBatch", dependencies: ["StratifyCore", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        .target(name: "StratifyExplain", dependencies: ["StratifyCore", "StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        .target(
            name: "StratifyRuleTesting",
            dependencies: ["StratifyCore", "StratifyExplain", "StratifyEngine", "StratifyRules", "StratifyYAML", "StratifyIO"]
        ),
        // Monitoring over time: caseload, track, worklist (aggregates of a
        // scored population, through the batch pipeline).
        .target(name: "StratifyMonitor", dependencies: ["StratifyCore", "StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        // Outcomes against tiers: how well a rule set predicts what happened
        // next, by subgroup, and whether a candidate predicts better.
        .target(
            name: "StratifyEvaluate",
            dependencies: ["StratifyCore", "StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO", "StratifyMonitor"]
        ),
        // FHIR R4 in (Bulk NDJSON, Bundles → intake, through a YAML mapping) and out (RiskAssessment).
        .target(
            name: "StratifyFHIR",
            dependencies: ["StratifyCore", "StratifyYAML", "StratifyRules", "StratifyEngine", "StratifyIO", "StratifyBatch"]
        ),
        // Self-contained HTML reports: inline SVG charts drawn from the
        // figures the other modules compute (no computation of its own).
        .target(
            name: "StratifyReport",
            dependencies: [
                "StratifyCore", "StratifyBatch", "StratifyExplain", "StratifyEngine", "StratifyRules", "StratifyIO", "StratifyMonitor",
                "StratifyEvaluate",
            ]
        ),
        .executableTarget(
            name: "stratify",
            dependencies: [
                "StratifyCore", "StratifyYAML", "StratifyRules", "StratifyEngine", "StratifyIO", "StratifyBatch", "StratifyExplain",
                "StratifyRuleTesting", "StratifyMonitor", "StratifyEvaluate", "StratifyFHIR", "StratifyReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Resources/default.yaml"), .embedInCode("Resources/fhir.yaml")]
        ),
        // What the test targets share (repository root, fixture reading,
        // the reference rule set compiled, scratch files, position markers,
        // snapshot comparison).
        .target(
            name: "StratifyTestSupport",
            dependencies: ["StratifyCore", "StratifyRules", "StratifyYAML"],
            path: "Tests/StratifyTestSupport"
        ),
        .testTarget(
            name: "StratifyCoreTests",
            dependencies: ["StratifyCore"]
        ),
        .testTarget(
            name: "StratifyYAMLTests",
            dependencies: ["StratifyCore", "StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyRulesTests",
            dependencies: ["StratifyTestSupport", "StratifyCore", "StratifyRules", "StratifyEngine", "StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyEngineTests",
            dependencies: ["StratifyEngine", "StratifyRules", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyExplainTests",
            dependencies: ["StratifyTestSupport", 
                "StratifyExplain", "StratifyEngine", "StratifyBatch", "StratifyRules", "StratifyIO", "StratifyYAML", "StratifyCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "StratifyRuleTestingTests",
            dependencies: ["StratifyTestSupport", "StratifyRuleTesting", "StratifyEngine", "StratifyYAML", "StratifyCore"]
        ),
        .testTarget(
            name: "StratifyIOTests",
            dependencies: ["StratifyTestSupport", "StratifyIO", "StratifyCore", "CZlib"]
        ),
        .testTarget(
            name: "StratifyBatchTests",
            dependencies: ["StratifyTestSupport", "StratifyCore", "StratifyBatch", "StratifyEngine", "StratifyIO", "StratifyRules", "StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyMonitorTests",
            dependencies: ["StratifyCore", "StratifyMonitor", "StratifyBatch", "StratifyRules", "StratifyIO", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyEvaluateTests",
            dependencies: ["StratifyEvaluate", "StratifyBatch", "StratifyRules", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyFHIRTests",
            dependencies: ["StratifyTestSupport", "StratifyCore", "StratifyFHIR", "StratifyRules", "StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyReportTests",
            dependencies: ["StratifyReport", "StratifyMonitor"]
        ),
        .testTarget(
            name: "StratifyCLITests",
            dependencies: ["stratify", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyPropertyTests",
            dependencies: ["StratifyCore", 
                "StratifyRules", "StratifyEngine", "StratifyBatch", "StratifyIO", "StratifyYAML",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
