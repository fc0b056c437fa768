/// Where a ``HostList`` came from (see ``HostDiscovery`` for the precedence).
///
/// ```swift
/// let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: [:], localCores: 8)
/// print(list.source) // this host
/// ```
public enum HostSource: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `--hostfile PATH`.
    case hostfile(path: String)
    /// `--hosts NAME …`.
    case hostsFlag
    /// A SLURM allocation (`SLURM_JOB_NODELIST` or `SLURM_NODELIST`).
    case slurm
    /// A PBS/Torque allocation (`PBS_NODEFILE`).
    case pbs(nodefile: String)
    /// An SGE parallel environment (`PE_HOSTFILE`).
    case sge(hostfile: String)
    /// Nothing given: this machine, one worker per core.
    case localDefault

    public var description: String {
        switch self {
        case .hostfile(let path): "hostfile \(path)"
        case .hostsFlag: "--hosts"
        case .slurm: "SLURM allocation"
        case .pbs(let nodefile): "PBS nodefile \(nodefile)"
        case .sge(let hostfile): "SGE hostfile \(hostfile)"
        case .localDefault: "this host"
        }
    }
}

/// The hosts a run may use, in order, each at most once, and their source.
///
/// The first host is where worker 0, the origin, runs.
///
/// ```swift
/// let list = HostList(hosts: [HostSlot("a", slots: 2), HostSlot("b")], source: .hostsFlag)
/// print(list.hostsWithUnknownSlots(isLocal: { _ in false })) // ["b"]
/// ```
public struct HostList: Equatable, Sendable {
    /// The hosts, in the order workers are placed on them; names are unique.
    public var hosts: [HostSlot]
    /// Where ``hosts`` came from.
    public var source: HostSource

    /// Creates a host list.
    public init(hosts: [HostSlot], source: HostSource) {
        self.hosts = hosts
        self.source = source
    }

    /// The remote hosts whose worker count is "its core count" (`slots == nil`):
    /// the caller must learn their core counts and fill in `slots` before
    /// placing workers. Local hosts are left out: they use this machine's cores.
    public func hostsWithUnknownSlots(isLocal: (String) -> Bool = LocalHost.isLocal) -> [String] {
        hosts.filter { $0.slots == nil && !isLocal($0.name) }.map(\.name)
    }
}
