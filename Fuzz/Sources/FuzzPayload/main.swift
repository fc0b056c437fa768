import CFuzzDriver
import Foundation
import ScoopCore

/// Nested Codable shapes the payload decoder must survive on any input:
/// keyed, unkeyed, optionals, enums with payloads, dictionaries, strings.
struct Shape: Codable, Equatable {
    var id: Int
    var name: String
    var values: [Double]
    var tags: [String: [Int32]]
    var child: Child?
    var flags: [Bool]
    var mode: Mode

    struct Child: Codable, Equatable {
        var bytes: [UInt8]
        var next: [Child]
        var label: String?
    }

    enum Mode: Codable, Equatable {
        case plain
        case scaled(by: Double)
        case named(String, count: UInt64)
    }
}

/// Another layout over the same bytes: fewer keys, other types, fixed-width fields.
struct Other: Codable, Equatable {
    var id: Int8
    var name: String?
    var blob: Data
    var small: [UInt16]
    var unique: Set<Int>
    var matrix: [[Float]]
    var nested: [String: [Int?]]
    var flag: Bool?
}

/// One libFuzzer input: decode it as each payload a peer may send. Decoding
/// must throw or succeed, never trap; a decoded value must round-trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    roundTrip(Shape.self, bytes)
    roundTrip([Int].self, bytes)
    roundTrip([String: String].self, bytes)
    roundTrip([[Double]?].self, bytes)
    roundTrip(String.self, bytes)
    roundTrip(Other.self, bytes)
    roundTrip(Data.self, bytes)
    roundTrip([UInt8].self, bytes)
    roundTrip([Int8?].self, bytes)
    roundTrip(Set<String>.self, bytes)
    roundTrip([Int: Double].self, bytes)
    roundTrip(Shape.Mode.self, bytes)
    roundTrip(JoinRequest.self, bytes)
    roundTrip(JoinReply.self, bytes)
    roundTrip(RemoteError.self, bytes)
    _ = try? SharedConstantRecord(payload: bytes)
    var reader = PayloadReader(bytes)
    while (try? reader.readUInt32()) != nil {}
    return 0
}

/// Decodes `bytes` as `T`; what decodes must encode and decode to an equal value.
func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) {
    guard let value = try? PayloadCodec.decode(T.self, from: bytes) else { return }
    guard let again = try? PayloadCodec.encode(value) else {
        preconditionFailure("\(T.self) decoded but does not encode again")
    }
    let back = try? PayloadCodec.decode(T.self, from: again)
    precondition(back == value || isNaNMismatch(back, value), "\(T.self) does not round-trip")
}

/// NaN is never equal to itself: a value holding one cannot compare equal after a round trip.
func isNaNMismatch<T>(_ a: T?, _ b: T) -> Bool {
    String(describing: a).contains("nan") || String(describing: b).contains("nan")
}


/// `SCOOP_FUZZ_WRITE_SEEDS=DIR FuzzPayload` writes the seed corpus (encoded
/// values of each shape the target decodes) to DIR and exits. The seeds in
/// Fuzz/Corpus/payload were made this way.
func writeSeeds(to directory: String) {
    let leaf = Shape.Child(bytes: [1, 2], next: [], label: nil)
    let shape = Shape(id: -3, name: "π shape", values: [1.5, -0.0, 1e300], tags: ["a": [1, -2], "": []],
                      child: Shape.Child(bytes: [], next: [leaf, leaf], label: "kid"), flags: [true, false],
                      mode: .named("x", count: 7))
    let seeds: [[UInt8]?] = [
        try? PayloadCodec.encode(shape),
        try? PayloadCodec.encode(Shape(id: 0, name: "", values: [], tags: [:], child: nil, flags: [], mode: .scaled(by: 2))),
        try? PayloadCodec.encode([1, 2, 3, Int.max, Int.min]),
        try? PayloadCodec.encode(["key": "value", "k2": ""]),
        try? PayloadCodec.encode([[1.0, 2.0], nil, []] as [[Double]?]),
        try? PayloadCodec.encode("hello, ünïcode"),
        try? PayloadCodec.encode(JoinRequest(build: "b", workerID: 3, host: "h", processID: 9, slots: 2)),
        try? PayloadCodec.encode(JoinReply(workerCount: 4)),
        try? PayloadCodec.encode(RemoteError(typeName: "E", message: "m", function: "f", worker: 1, host: "h")),
        SharedConstantRecord(name: "weights", value: [1, 2, 3]).payload,
        try? PayloadCodec.encode(Other(id: -1, name: nil, blob: Data([1, 2, 3]), small: [7, 65535], unique: [3, 1],
                                       matrix: [[1.5], []], nested: ["n": [1, nil, 3]], flag: true)),
        try? PayloadCodec.encode(Data(repeating: 0xAB, count: 40)),
        try? PayloadCodec.encode([Int8?]([1, nil, -128])),
        try? PayloadCodec.encode(Set(["a", "b"])),
        try? PayloadCodec.encode([1: 0.5, -7: .infinity] as [Int: Double]),
    ]
    for (index, seed) in seeds.enumerated() {
        guard let seed else { continue }
        FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed))
    }
}

// Entry point: write the seeds, or hand over to libFuzzer (its options and corpus directories in argv).
if let directory = ProcessInfo.processInfo.environment["SCOOP_FUZZ_WRITE_SEEDS"] {
    writeSeeds(to: directory)
    exit(0)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzPayload($0, $1) })
