// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the pipeline (ARCHITECTURE.md is the map):
//   CYAML (libyaml) → StratifyYAML (located YAML tree, diagnostics)
//   → StratifyRules (rule model, expression language, checker, linter, compiler → Program)
//   → StratifyEngine (record decoding, evaluation of a Program; Tracing/ for explanations,
//     RuleTesting/ for `stratify test`)
//   CZlib (zlib) → StratifyIO (bytes in and out: CSV, NDJSON, JSON, gzip, delimiter stages)
//   → StratifyBatch (the streaming, parallel pipeline: intake → engine → output; score and
//     trace formatters; Diff/)
//   → StratifyMonitor (over time: track, worklist, caseload)
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
        .target(name: "StratifyYAML", dependencies: ["CYAML"]),
        .target(name: "StratifyRules", dependencies: ["StratifyYAML", "StratifyIO"]),
        .target(name: "StratifyEngine", dependencies: ["StratifyRules", "StratifyIO", "StratifyYAML"]),
        .target(name: "StratifyIO", dependencies: ["CZlib"]),
        .target(name: "StratifyBatch", dependencies: ["StratifyEngine", "StratifyRules", "StratifyIO"]),
        // Monitoring over time: caseload, track, worklist (aggregates of a
        // scored population, through the batch pipeline).
        // FHIR R4 in (a YAML mapping onto the rules' inputs) and RiskAssessment out.
        // FHIR R4 in (Bulk NDJSON, Bundles → intake, through a YAML mapping) and out (RiskAssessment).
        .target(name: "StratifyFHIR", dependencies: ["StratifyYAML", "StratifyRules", "StratifyEngine", "StratifyIO", "StratifyBatch"]),
        .target(name: "StratifyMonitor", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        // Outcomes against tiers: how well a rule set predicts what happened
        // next, by subgroup, and whether a candidate predicts better.
        .target(name: "StratifyEvaluate", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO", "StratifyMonitor"]),
        // Self-contained HTML reports: inline SVG charts drawn from the
        // figures the other modules compute (no computation of its own).
        .target(
            name: "StratifyReport", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO", "StratifyMonitor", "StratifyEvaluate"]),
        .executableTarget(
            name: "stratify",
            dependencies: [
                "StratifyBatch", "StratifyMonitor", "StratifyEvaluate", "StratifyFHIR", "StratifyReport", "StratifyEngine", "StratifyRules", "StratifyIO",
                "StratifyYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Resources/default.yaml"), .embedInCode("Resources/fhir.yaml")]
        ),
        // What the test targets share (repository root, fixture reading,
        // the reference rule set compiled, scratch files, position markers,
        // snapshot comparison).
        .target(
            name: "StratifyTestSupport",
            dependencies: ["StratifyRules", "StratifyYAML"],
            path: "Tests/StratifyTestSupport"
        ),
        .testTarget(
            name: "StratifyYAMLTests",
            dependencies: ["StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyRulesTests",
            dependencies: ["StratifyRules", "StratifyEngine", "StratifyYAML", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyEngineTests",
            dependencies: [
                "StratifyEngine", "StratifyBatch", "StratifyRules", "StratifyIO", "StratifyYAML", "StratifyTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "StratifyIOTests",
            dependencies: ["StratifyIO", "CZlib", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyBatchTests",
            dependencies: ["StratifyBatch", "StratifyEngine", "StratifyIO", "StratifyRules", "StratifyYAML", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyMonitorTests",
            dependencies: ["StratifyMonitor", "StratifyBatch", "StratifyRules", "StratifyIO", "StratifyYAML", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyEvaluateTests",
            dependencies: ["StratifyEvaluate", "StratifyBatch", "StratifyRules", "StratifyEngine", "StratifyYAML", "StratifyTestSupport"]
        ),
        .testTarget(
            name: "StratifyFHIRTests",
            dependencies: ["StratifyFHIR", "StratifyBatch", "StratifyRules", "StratifyYAML", "StratifyTestSupport"]
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
            dependencies: [
                "StratifyRules", "StratifyEngine", "StratifyBatch", "StratifyIO", "StratifyYAML",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
