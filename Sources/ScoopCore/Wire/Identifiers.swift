/// The identity of one worker process (or, on the threads transport, one worker slot).
///
/// Worker 0 is the origin: the process that runs the program's main body.
/// ``WorkerID/broker`` names the broker on transports that have one.
public struct WorkerID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = UInt32(truncatingIfNeeded: value) }

    /// The origin: runs the program's main body as the root future.
    public static let origin = WorkerID(rawValue: 0)
    /// The broker (ZeroMQ) or the scheduling rank (MPI).
    public static let broker = WorkerID(rawValue: .max)
    /// No particular worker: "any", or "not known yet".
    public static let none = WorkerID(rawValue: .max - 1)

    public static func < (a: WorkerID, b: WorkerID) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .broker: "broker"
        case .none: "none"
        default: "worker \(rawValue)"
        }
    }
}

/// A future's identity, unique across the whole run: the owner's worker id in
/// the high 24 bits and a per-owner sequence number in the low 40 bits.
///
/// The owner is the process that submitted the future and receives its result,
/// so a broker can route a result from the id alone, without decoding anything.
public struct FutureID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(owner: WorkerID, sequence: UInt64) {
        self.rawValue = (UInt64(owner.rawValue & 0xFF_FFFF) << 40) | (sequence & 0xFF_FFFF_FFFF)
    }
    /// The process that submitted this future and receives its result.
    public var owner: WorkerID { WorkerID(rawValue: UInt32(truncatingIfNeeded: rawValue >> 40)) }
    public var sequence: UInt64 { rawValue & 0xFF_FFFF_FFFF }
    /// No future: the parent of the root future.
    public static let none = FutureID(rawValue: .max)
    public static func < (a: FutureID, b: FutureID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { self == .none ? "none" : "\(owner.rawValue).\(sequence)" }
}

/// A task function's identity on the wire: a stable 32-bit hash of its name
/// (FNV-1a). Registration rejects two names with the same id.
public struct FunctionID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The id of the function registered under `name`.
    public init(name: String) {
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        self.rawValue = hash
    }
    /// No function (control messages).
    public static let none = FunctionID(rawValue: 0)
    public var description: String { "#" + String(rawValue, radix: 16) }
}
