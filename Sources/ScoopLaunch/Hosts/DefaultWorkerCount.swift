extension HostDiscovery {
    /// The number of workers when `-n` is not given.
    ///
    /// The scheduler's own count for a list that came from that scheduler:
    /// `SLURM_NTASKS` (else `SLURM_NPROCS`) for SLURM, `PBS_NP` for PBS,
    /// `NSLOTS` for SGE. Otherwise (or when that variable is unset or empty),
    /// the hosts' total slots, where a host without a count offers
    /// `localCores` if it is local. Hosts given with `--hostfile` or `--hosts`
    /// override the allocation, so its variables do not apply to them.
    ///
    /// ```swift
    /// let list = HostList(hosts: [HostSlot("localhost"), HostSlot("b", slots: 2)], source: .hostsFlag)
    /// try HostDiscovery.defaultWorkerCount(environment: [:], hosts: list, localCores: 4) // 6
    /// ```
    ///
    /// - Throws: ``HostError`` when the scheduler's variable is not a positive
    ///   number, or a remote host's count is still unknown
    ///   (see ``HostList/hostsWithUnknownSlots(isLocal:)``).
    public static func defaultWorkerCount(
        environment: [String: String],
        hosts: HostList,
        localCores: Int,
        isLocal: (String) -> Bool = LocalHost.isLocal
    ) throws(HostError) -> Int {
        let variables: [String]
        switch hosts.source {
        case .slurm: variables = SchedulerVariables.slurmTasks
        case .pbs: variables = [SchedulerVariables.pbsProcessCount]
        case .sge: variables = [SchedulerVariables.sgeSlots]
        case .hostfile, .hostsFlag, .localDefault: variables = []
        }
        if let (name, value) = SchedulerVariables.first(variables, in: environment) {
            guard let count = SlotCount.parse(value), count > 0 else {
                throw HostError("\(name) '\(value)' is not a worker count of at least 1")
            }
            return count
        }
        var total = 0
        for host in hosts.hosts {
            total += try WorkerPlacement.resolvedSlots(host, localCores: localCores, isLocal: isLocal)
        }
        return total
    }
}
