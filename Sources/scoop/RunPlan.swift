import Logging
import ScoopLaunch
import ScoopZeroMQ

/// What `scoop run` decided to start, before starting anything.
struct RunPlan: Sendable {
    var placements: [Placement]
    var program: String
    var arguments: [String]
    var forwardedEnvironment: [String: String]
    var remoteShell: RemoteShell
    var externalHostname: String?
    var tunnel: Bool
    var tagOutput: Bool
    /// Liveness settings of the broker and of every worker.
    var heartbeat: Heartbeat
    /// The broker's retry limit (see `BrokerCore.maxWorkerLosses`).
    var maxWorkerLosses: Int
    var encryption: Encryption = .auto
    /// Bytes; the broker's `ZMQ_MAXMSGSIZE`, passed to workers as SCOOP_MAX_MESSAGE_SIZE.
    var maxMessageSize: Int
    var logLevel: Logger.Level
    /// Where to write the run's trace (`--trace`), if anywhere.
    var tracePath: String? = nil
    /// Whether to print the run summary at the end (`-v`).
    var printsSummary = false
    /// Whether long maps may show a progress bar (not `--no-progress`, not `SCOOP_PROGRESS=0`).
    var showsProgress = true

    var workerCount: Int { placements.reduce(0) { $0 + $1.workers } }
    var hasRemoteHosts: Bool { placements.contains { !$0.isLocal } }

    /// Whether the broker requires CURVE: always, or (auto) when traffic leaves this host.
    var usesCurve: Bool {
        switch encryption {
        case .always: true
        case .never: false
        case .auto: hasRemoteHosts
        }
    }

    /// The warning `--encryption never` deserves when workers are on other hosts.
    var encryptionWarning: String? {
        guard encryption == .never, hasRemoteHosts else { return nil }
        let remote = Set(placements.filter { !$0.isLocal }.map(\.host)).sorted().joined(separator: ", ")
        return "--encryption never with workers on other hosts (\(remote)): broker traffic is neither encrypted nor authenticated; anyone who can reach the broker's port can submit work, take tasks and read results"
    }

    /// Where the broker listens: loopback only unless a remote host must reach it directly.
    var bindAddress: String {
        guard hasRemoteHosts, !tunnel else { return "tcp://127.0.0.1:*" }
        if let externalHostname, externalHostname.split(separator: ".").count == 4,
           externalHostname.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
            return "tcp://\(externalHostname):*"
        }
        return "tcp://*:*"
    }

    /// The broker address a worker on `placement` connects to: the broker's
    /// `localEndpoint` (a Unix socket) when it has one and the worker runs here.
    func brokerAddress(for placement: Placement, port: String, localEndpoint: String? = nil) -> String {
        if placement.isLocal, let localEndpoint { return localEndpoint }
        // A broker bound to one interface is reached at that address, also from here.
        let bound = bindAddress.dropFirst("tcp://".count).split(separator: ":").first.map(String.init) ?? "*"
        if bound != "*" && bound != "127.0.0.1" { return "tcp://\(bound):\(port)" }
        if placement.isLocal || tunnel { return "tcp://127.0.0.1:\(port)" }
        return "tcp://\(externalHostname ?? LocalHost.hostname):\(port)"
    }
}
