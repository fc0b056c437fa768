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
        // A variable that is set but unreadable is refused, not silently
        // replaced by the default: checked as the workers read it (an option
        // given on the command line replaces its variable).
        var heartbeatVariables = variables
        if heartbeatTimeout != nil { heartbeatVariables["SCOOP_HEARTBEAT_TIMEOUT"] = nil }
        if heartbeatInterval != nil { heartbeatVariables["SCOOP_HEARTBEAT_INTERVAL"] = nil }
        do {
            _ = try Heartbeat.fromEnvironment(heartbeatVariables)
        } catch {
            throw ValidationError(error.description)
        }
        if maxWorkerLosses == nil, let text = variables["SCOOP_MAX_WORKER_LOSSES"], Int(text) == nil {
            throw ValidationError("SCOOP_MAX_WORKER_LOSSES must be a whole number (got '\(text)')")
        }
        // Workers read these in whole milliseconds; a day is far beyond any useful timeout.
        let range = Heartbeat.secondsRange
        guard range.contains(resolvedTimeout(variables)) else {
            throw ValidationError("--heartbeat-timeout (or SCOOP_HEARTBEAT_TIMEOUT) must be from \(range.lowerBound) to \(Int(range.upperBound)) seconds (got \(resolvedTimeout(variables)))")
        }
        guard range.contains(resolvedInterval(variables)) else {
            throw ValidationError("--heartbeat-interval (or SCOOP_HEARTBEAT_INTERVAL) must be from \(range.lowerBound) to \(Int(range.upperBound)) seconds (got \(resolvedInterval(variables)))")
        }
        guard resolvedInterval(variables) < resolvedTimeout(variables) else {
            throw ValidationError("the heartbeat interval must be shorter than the heartbeat timeout")
        }
        guard resolvedMaxWorkerLosses(variables) >= 1 else {
            throw ValidationError("--max-worker-losses (or SCOOP_MAX_WORKER_LOSSES) must be at least 1")
        }
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
