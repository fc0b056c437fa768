/// The environment variables that batch schedulers set and `scoop run` reads.
enum SchedulerVariables {
    /// SLURM's node list (`SLURM_NODELIST` is the older spelling).
    static let slurmNodeLists = ["SLURM_JOB_NODELIST", "SLURM_NODELIST"]
    /// SLURM's per-node counts, tasks first, allocated CPUs as a fallback.
    static let slurmCounts = ["SLURM_TASKS_PER_NODE", "SLURM_JOB_CPUS_PER_NODE"]
    /// SLURM's total task count (`SLURM_NPROCS` is the older spelling).
    static let slurmTasks = ["SLURM_NTASKS", "SLURM_NPROCS"]
    static let pbsNodefile = "PBS_NODEFILE"
    static let pbsProcessCount = "PBS_NP"
    static let sgeHostfile = "PE_HOSTFILE"
    static let sgeSlots = "NSLOTS"

    /// The first of `names` set to a non-empty value (surrounding spaces
    /// removed), with that name. An empty variable counts as unset.
    static func first(_ names: [String], in environment: [String: String]) -> (name: String, value: String)? {
        for name in names {
            guard let raw = environment[name] else { continue }
            let value = String(raw.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            if !value.isEmpty { return (name, value) }
        }
        return nil
    }
}
