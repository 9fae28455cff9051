// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the pipeline:
//   CYAML (libyaml) → StratifyYAML (located YAML tree, diagnostics)
//   → StratifyRules (rule model, expression language, checker, compiler → Program)
//   → StratifyEngine (record validation, evaluation of a Program, tracing, explanations)
//   StratifyIO (intake and output formats at the byte level: CSV, NDJSON, JSON)
//   → StratifyBatch (the streaming, parallel pipeline: intake → engine → output)
//   → stratify (the command-line tool)
let package = Package(
    name: "stratify",
    products: [
        .executable(name: "stratify", targets: ["stratify"]),
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
        .target(name: "StratifyYAML", dependencies: ["CYAML"]),
        .target(name: "StratifyRules", dependencies: ["StratifyYAML", "StratifyIO"]),
        .target(name: "StratifyEngine", dependencies: ["StratifyRules", "StratifyIO"]),
        .target(name: "StratifyIO"),
        .target(name: "StratifyBatch", dependencies: ["StratifyEngine", "StratifyIO"]),
        // Monitoring over time: caseload, track, worklist (aggregates of a
        // scored population, through the batch pipeline).
        .target(name: "StratifyMonitor", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        // Outcomes against tiers: how well a rule set predicts what happened
        // next, by subgroup, and whether a candidate predicts better.
        .target(name: "StratifyEvaluate", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO", "StratifyMonitor"]),
        .executableTarget(
            name: "stratify",
            dependencies: [
                "StratifyBatch", "StratifyMonitor", "StratifyEvaluate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Resources/default.yaml")]
        ),
        .testTarget(
            name: "StratifyYAMLTests",
            dependencies: ["StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyRulesTests",
            dependencies: ["StratifyRules", "StratifyEngine"]
        ),
        .testTarget(
            name: "StratifyEngineTests",
            dependencies: [
                "StratifyEngine", "StratifyBatch",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "StratifyIOTests",
            dependencies: ["StratifyIO"]
        ),
        .testTarget(
            name: "StratifyBatchTests",
            dependencies: ["StratifyBatch"]
        ),
        .testTarget(
            name: "StratifyMonitorTests",
            dependencies: ["StratifyMonitor", "StratifyBatch", "StratifyRules"]
        ),
        .testTarget(
            name: "StratifyEvaluateTests",
            dependencies: ["StratifyEvaluate", "StratifyBatch", "StratifyRules", "StratifyEngine", "StratifyYAML"]
        ),
        .testTarget(
            name: "StratifyCLITests",
            dependencies: ["stratify"]
        ),
        .testTarget(
            name: "StratifyPropertyTests",
            dependencies: [
                "StratifyRules", "StratifyEngine", "StratifyBatch", "StratifyIO",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
