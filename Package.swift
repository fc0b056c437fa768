// swift-tools-version: 6.1
//
// swift-scoop: SCOOP's futures API in Swift over threads, ZeroMQ and MPI.
//
// The core (`ScoopCore`: wire format, payload codec, scheduler, transport
// protocols) depends on neither libzmq nor OpenMPI. The transports are package
// traits, both on by default; build without them on a machine that has neither:
//
//     swift build --target Scoop --disable-default-traits
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let examples = ["hello", "pi", "fib", "mapreduce", "shared", "errors", "ascompleted", "progress", "lazymap"]

let package = Package(
    name: "swift-scoop",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Scoop", targets: ["Scoop"]),
        // The wire format, codec, scheduler and transport protocols, for transport authors and benchmarks.
        .library(name: "ScoopCore", targets: ["ScoopCore"]),
        .executable(name: "scoop", targets: ["scoop"]),
        .executable(name: "scoop-bench", targets: ["scoop-bench"]),
    ] + examples.map { .executable(name: $0, targets: [$0]) },
    traits: [
        .trait(name: "ZeroMQ", description: "The ZeroMQ broker transport (needs libzmq, Debian: libzmq3-dev)."),
        .trait(name: "MPI", description: "The MPI transport (needs OpenMPI, Debian: libopenmpi-dev, openmpi-bin)."),
        .default(enabledTraits: ["ZeroMQ", "MPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // MARK: Core: no system libraries below this line (CScoopSystem: cycle counter, trace cursor, thread slice; its one C file is compiled here).
        .target(name: "CScoopSystem"),
        .target(
            name: "ScoopCore",
            dependencies: [
                "CScoopSystem",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Scoop",
            dependencies: [
                "ScoopCore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .target(name: "ScoopZeroMQ", condition: .when(traits: ["ZeroMQ"])),
                .target(name: "ScoopMPI", condition: .when(traits: ["MPI"])),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: ZeroMQ transport.
        // zmq.h is in the default include path; libzmq's pkg-config flags
        // (Kerberos, PGM) are not needed by the header and SwiftPM rejects them.
        .systemLibrary(
            name: "CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(
            name: "ScoopZeroMQ",
            dependencies: [
                "CZeroMQ", "ScoopCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: MPI transport.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        .target(
            name: "ScoopMPI",
            dependencies: [
                "CMPI", "ScoopCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "mpi-pingpong",
            dependencies: ["ScoopMPI", "ScoopCore"],
            path: "Sources/Tools/mpi-pingpong",
            swiftSettings: swiftSettings
        ),

        // MARK: Launcher.
        .target(
            name: "ScoopLaunch",
            dependencies: [
                "ScoopCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scoop",
            dependencies: [
                "ScoopLaunch", "ScoopCore", "ScoopZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (the peer workloads; micro benchmarks live in Benchmarks/).
        .executableTarget(
            name: "scoop-bench",
            dependencies: [
                "Scoop",
                "ScoopCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests.
        // The program the chaos tests run under `scoop run` (IntegrationTests find it next to their binary).
        .executableTarget(name: "scoop-chaos", dependencies: ["Scoop"], path: "Tests/Programs/chaos", swiftSettings: swiftSettings),
        .testTarget(name: "ScoopCoreTests", dependencies: ["ScoopCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ScoopTests", dependencies: ["Scoop", "ScoopCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ScoopZeroMQTests", dependencies: ["ScoopZeroMQ", "ScoopCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ScoopLaunchTests", dependencies: ["ScoopLaunch"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ScoopMPITests",
            dependencies: [.target(name: "ScoopMPI", condition: .when(traits: ["MPI"]))],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["ScoopCore"], swiftSettings: swiftSettings),
    ] + examples.map {
        .executableTarget(name: $0, dependencies: ["Scoop"], path: "Examples/\($0)", swiftSettings: swiftSettings)
    }
)
