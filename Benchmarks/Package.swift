// swift-tools-version: 6.1
//
// Micro benchmarks of swift-scoop's hot paths, with ordo-one/package-benchmark.
// A package of its own so that the main build and CI stay light:
//
//     cd Benchmarks && swift package benchmark
//     swift package benchmark baseline update main        # record a baseline
//     swift package benchmark baseline check main         # compare against it
import PackageDescription

let package = Package(
    name: "swift-scoop-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-scoop", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ScoopMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Scoop", package: "swift-scoop"),
                .product(name: "ScoopCore", package: "swift-scoop"),
            ],
            path: "Benchmarks/ScoopMicro",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
