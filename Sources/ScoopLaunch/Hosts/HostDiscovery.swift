/// Finds the hosts of a run and its default worker count.
///
/// Sources, the first that applies wins (the others are ignored):
/// 1. `--hostfile F` (see ``HostfileParser``);
/// 2. `--hosts H …` (see ``HostsFlagParser``);
/// 3. SLURM: `SLURM_JOB_NODELIST`, else `SLURM_NODELIST` (see ``SlurmNodeList``),
///    with per-node counts from `SLURM_TASKS_PER_NODE`, else
///    `SLURM_JOB_CPUS_PER_NODE`, else none (all cores);
/// 4. PBS/Torque: the file named by `PBS_NODEFILE` (see ``PBSNodefileParser``);
/// 5. SGE: the file named by `PE_HOSTFILE` (see ``SGEHostfileParser``);
/// 6. this machine, `localhost`, with one worker per core.
///
/// An environment variable set to an empty string counts as unset.
///
/// ```swift
/// let env = ["SLURM_JOB_NODELIST": "node[01-02]", "SLURM_TASKS_PER_NODE": "4(x2)", "SLURM_NTASKS": "6"]
/// let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: env, localCores: 8)
/// // list.hosts == [HostSlot("node01", slots: 4), HostSlot("node02", slots: 4)], list.source == .slurm
/// let n = try HostDiscovery.defaultWorkerCount(environment: env, hosts: list, localCores: 8) // 6
/// ```
public enum HostDiscovery {
    /// The hosts to use, from the first source that applies.
    ///
    /// - Parameters:
    ///   - hostfile: the `--hostfile` path, if given.
    ///   - hosts: the `--hosts` values (empty when the flag is absent).
    ///   - environment: the process environment (tests pass fixtures).
    ///   - localCores: this machine's core count, for the local default.
    /// - Throws: ``HostError`` for unreadable files and malformed input.
    public static func discover(
        hostfile: String?,
        hosts: [String],
        environment: [String: String],
        localCores: Int
    ) throws(HostError) -> HostList {
        if let hostfile {
            let text = try TextFile.contents(of: hostfile, what: "hostfile")
            return HostList(hosts: try HostfileParser.parse(text, file: hostfile), source: .hostfile(path: hostfile))
        }
        if !hosts.isEmpty {
            return HostList(hosts: try HostsFlagParser.parse(hosts), source: .hostsFlag)
        }
        if let slurm = try slurmHosts(environment) {
            return HostList(hosts: slurm, source: .slurm)
        }
        if let (variable, path) = SchedulerVariables.first([SchedulerVariables.pbsNodefile], in: environment) {
            let text = try TextFile.contents(of: path, what: variable)
            return HostList(hosts: try PBSNodefileParser.parse(text, file: path), source: .pbs(nodefile: path))
        }
        if let (variable, path) = SchedulerVariables.first([SchedulerVariables.sgeHostfile], in: environment) {
            let text = try TextFile.contents(of: path, what: variable)
            return HostList(hosts: try SGEHostfileParser.parse(text, file: path), source: .sge(hostfile: path))
        }
        return HostList(hosts: [HostSlot("localhost", slots: max(1, localCores))], source: .localDefault)
    }

    /// The SLURM allocation's hosts, or `nil` outside SLURM.
    private static func slurmHosts(_ environment: [String: String]) throws(HostError) -> [HostSlot]? {
        guard let (listVariable, list) = SchedulerVariables.first(SchedulerVariables.slurmNodeLists, in: environment)
        else { return nil }
        let names = try SlurmNodeList.expand(list, variable: listVariable)
        var counts: [Int?] = Array(repeating: nil, count: names.count)
        if let (countVariable, spec) = SchedulerVariables.first(SchedulerVariables.slurmCounts, in: environment) {
            let perNode = try SlurmNodeList.tasksPerNode(spec, variable: countVariable)
            guard perNode.count == names.count else {
                throw HostError(
                    "\(countVariable) '\(spec)' gives \(perNode.count) counts but \(listVariable) '\(list)' "
                        + "names \(names.count) hosts")
            }
            counts = perNode
        }
        var entries: [SlotMerging.Entry] = []
        for (name, count) in zip(names, counts) {
            entries.append(.init(slot: HostSlot(name, slots: count), origin: name))
        }
        return try SlotMerging.merge(entries) { name, _, _ in
            HostError("\(listVariable) '\(list)' names '\(name)' more than once")
        }
    }
}
