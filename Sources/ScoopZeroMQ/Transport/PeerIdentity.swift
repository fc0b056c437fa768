import ScoopCore

/// ZeroMQ routing ids of pool members: 5 bytes, 'w' then the worker id as
/// 4 bytes little-endian (a routing id must not start with a zero byte).
enum PeerIdentity {
    static func bytes(of worker: WorkerID) -> [UInt8] {
        let raw = worker.rawValue
        return [0x77, UInt8(raw & 0xFF), UInt8((raw >> 8) & 0xFF), UInt8((raw >> 16) & 0xFF), UInt8(raw >> 24)]
    }

    static func worker(from bytes: [UInt8]) -> WorkerID? {
        guard bytes.count == 5, bytes[0] == 0x77 else { return nil }
        let raw = UInt32(bytes[1]) | UInt32(bytes[2]) << 8 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 24
        let worker = WorkerID(rawValue: raw)
        return worker == .broker || worker == .none ? nil : worker
    }
}

/// Liveness settings shared by the broker and its workers.
public struct Heartbeat: Sendable, Equatable {
    /// How often each side says it is alive.
    public var interval: Duration
    /// Silence after which the other side is declared gone.
    public var timeout: Duration

    public init(interval: Duration = .seconds(1), timeout: Duration = .seconds(10)) {
        self.interval = interval
        self.timeout = timeout
    }

    /// A heartbeat variable that is set but is not a number of seconds in ``secondsRange``.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// From `SCOOP_HEARTBEAT_INTERVAL` and `SCOOP_HEARTBEAT_TIMEOUT` (seconds,
    /// decimals allowed); the defaults where unset. A value that is set but
    /// unreadable or outside ``secondsRange`` is refused, not replaced by the default.
    ///
    /// ```swift
    /// let heartbeat = try Heartbeat.fromEnvironment(["SCOOP_HEARTBEAT_TIMEOUT": "30"])  // interval 1 s, timeout 30 s
    /// ```
    public static func fromEnvironment(_ variables: [String: String]) throws(Invalid) -> Heartbeat {
        var heartbeat = Heartbeat()
        if let seconds = try boundedSeconds("SCOOP_HEARTBEAT_INTERVAL", variables) {
            heartbeat.interval = .milliseconds(Int(seconds * 1000))
        }
        if let seconds = try boundedSeconds("SCOOP_HEARTBEAT_TIMEOUT", variables) {
            heartbeat.timeout = .milliseconds(Int(seconds * 1000))
        }
        return heartbeat
    }

    /// The heartbeat settings a pool accepts, in seconds: whole milliseconds
    /// on the wire, and a day at most (beyond any useful timeout).
    public static let secondsRange = 0.001...86_400.0

    private static func boundedSeconds(_ name: String, _ variables: [String: String]) throws(Invalid) -> Double? {
        guard let text = variables[name] else { return nil }
        guard let seconds = Double(text), secondsRange.contains(seconds) else {
            throw Invalid(description: "\(name) must be a number of seconds from \(secondsRange.lowerBound) to \(Int(secondsRange.upperBound)) (got '\(text)')")
        }
        return seconds
    }
}
