import ArgumentParser
import Foundation
import ScoopCore
import ScoopZeroMQ

/// Heartbeats and the retry limit, shared by `scoop run` and `scoop broker`.
/// Each option's default comes from its environment variable when set
/// (`SCOOP_HEARTBEAT_TIMEOUT`, `SCOOP_HEARTBEAT_INTERVAL`, `SCOOP_MAX_WORKER_LOSSES`).
struct LivenessOptions: ParsableArguments {
    @Option(name: .customLong("heartbeat-timeout"), help: "Seconds of silence after which a worker or the broker is declared lost (default 10, or SCOOP_HEARTBEAT_TIMEOUT).")
    var heartbeatTimeout: Double?

    @Option(name: .customLong("heartbeat-interval"), help: "Seconds between heartbeats (default: the timeout / 3, at most 1; or SCOOP_HEARTBEAT_INTERVAL).")
    var heartbeatInterval: Double?

    @Option(name: .customLong("max-worker-losses"), help: "A future in flight on this many lost workers fails instead of being retried (default 3, or SCOOP_MAX_WORKER_LOSSES).")
    var maxWorkerLosses: Int?

    func validate() throws {
        let variables = ProcessInfo.processInfo.environment
        guard resolvedTimeout(variables) > 0 else { throw ValidationError("--heartbeat-timeout must be positive") }
        guard resolvedInterval(variables) > 0 else { throw ValidationError("--heartbeat-interval must be positive") }
        guard resolvedInterval(variables) < resolvedTimeout(variables) else {
            throw ValidationError("the heartbeat interval must be shorter than the heartbeat timeout")
        }
        guard resolvedMaxWorkerLosses(variables) >= 1 else { throw ValidationError("--max-worker-losses must be at least 1") }
    }

    /// Seconds of silence before a peer is declared lost.
    func resolvedTimeout(_ variables: [String: String]) -> Double {
        heartbeatTimeout ?? variables["SCOOP_HEARTBEAT_TIMEOUT"].flatMap(Double.init) ?? 10
    }

    /// Seconds between heartbeats.
    func resolvedInterval(_ variables: [String: String]) -> Double {
        heartbeatInterval ?? variables["SCOOP_HEARTBEAT_INTERVAL"].flatMap(Double.init)
            ?? min(1, resolvedTimeout(variables) / 3)
    }

    func resolvedMaxWorkerLosses(_ variables: [String: String]) -> Int {
        maxWorkerLosses ?? variables["SCOOP_MAX_WORKER_LOSSES"].flatMap(Int.init) ?? BrokerCore.defaultMaxWorkerLosses
    }

    /// The broker's and the workers' heartbeat settings.
    func heartbeat(_ variables: [String: String]) -> Heartbeat {
        Heartbeat(interval: .milliseconds(Int(resolvedInterval(variables) * 1000)),
                  timeout: .milliseconds(Int(resolvedTimeout(variables) * 1000)))
    }
}
