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

    /// From `SCOOP_HEARTBEAT_INTERVAL` and `SCOOP_HEARTBEAT_TIMEOUT` (seconds, decimals allowed).
    public static func fromEnvironment(_ variables: [String: String]) -> Heartbeat {
        var heartbeat = Heartbeat()
        if let text = variables["SCOOP_HEARTBEAT_INTERVAL"], let seconds = Double(text), seconds > 0 {
            heartbeat.interval = .milliseconds(Int(seconds * 1000))
        }
        if let text = variables["SCOOP_HEARTBEAT_TIMEOUT"], let seconds = Double(text), seconds > 0 {
            heartbeat.timeout = .milliseconds(Int(seconds * 1000))
        }
        return heartbeat
    }
}
