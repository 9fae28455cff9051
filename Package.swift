// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the pipeline:
//   CYAML (libyaml) → StratifyYAML (located YAML tree, diagnostics)
//   → StratifyRules (rule model, expression language, checker, compiler → Program)
//   → StratifyEngine (record validation, evaluation of a Program, tracing, explanations)
//   CZlib (zlib) → StratifyIO (intake and output formats at the byte level: CSV, NDJSON, JSON, gzip)
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
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "StratifyYAML", dependencies: ["CYAML"]),
        .target(name: "StratifyRules", dependencies: ["StratifyYAML", "StratifyIO"]),
        .target(name: "StratifyEngine", dependencies: ["StratifyRules", "StratifyIO"]),
        .target(name: "StratifyIO", dependencies: ["CZlib"]),
        .target(name: "StratifyBatch", dependencies: ["StratifyEngine", "StratifyIO"]),
        // Monitoring over time: caseload, track, worklist (aggregates of a
        // scored population, through the batch pipeline).
        // FHIR R4 in (a YAML mapping onto the rules' inputs) and RiskAssessment out.
        .target(name: "StratifyFHIR", dependencies: ["StratifyYAML", "StratifyRules", "StratifyIO", "StratifyBatch"]),
        .target(name: "StratifyMonitor", dependencies: ["StratifyBatch", "StratifyEngine", "StratifyRules", "StratifyIO"]),
        .executableTarget(
            name: "stratify",
            dependencies: [
                "StratifyBatch", "StratifyMonitor", "StratifyFHIR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Resources/default.yaml"), .embedInCode("Resources/fhir.yaml")]
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
            dependencies: ["StratifyIO", "CZlib"]
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
            name: "StratifyFHIRTests",
            dependencies: ["StratifyFHIR", "StratifyBatch", "StratifyRules"]
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
