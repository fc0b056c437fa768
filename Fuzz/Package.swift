// swift-tools-version: 6.1
//
// libFuzzer targets for swift-scoop's decoders of untrusted bytes. A package of
// its own so that the main build is unaffected; build and run (ci/fuzz.sh):
//
//     cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address
//     .build/debug/FuzzEnvelope Corpus/envelope -max_total_time=30
//
// FuzzEnvelope: the envelope header decoder, packed frames, and the broker's
// whole receive path (a BrokerCore with a pool, fed arbitrary frames).
// FuzzPayload: the payload codec decoding nested Codable types, and the
// control payloads a broker or worker parses (join request, shared constant,
// remote error).
import PackageDescription

let package = Package(
    name: "swift-scoop-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-scoop", path: ".."),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzEnvelope",
            dependencies: ["CFuzzDriver", .product(name: "ScoopCore", package: "swift-scoop")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzPayload",
            dependencies: ["CFuzzDriver", .product(name: "ScoopCore", package: "swift-scoop")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
