import Foundation
import Testing

extension Integration {
    /// Hosts from batch schedulers' files and variables, pointing at this machine.
    @Suite("scoop run with hosts from SLURM, PBS, SGE and a hostfile")
    struct HostSources {
        /// Runs hello with `-vv`; checks its output, the launcher's summary
        /// line, and that exactly `workers` processes joined the broker.
        func runHello(_ options: [String], environment: [String: String], workers: Int, source: String) async throws {
            let result = try await scoop(["run", "-vv"] + options + ["--", Products.path("hello")],
                                         environment: TestEnvironment.make(environment))
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == helloLines, "\(result)")
            #expect(result.stderr.contains("\(workers) workers on localhost×\(workers) (hosts from \(source))"), "\(result)")
            for id in 0..<workers {
                #expect(result.stderr.contains("worker \(id) joined from"), "worker \(id) never joined: \(result)")
            }
            #expect(!result.stderr.contains("worker \(workers) joined from"), "one worker too many: \(result)")
        }

        @Test("SLURM: SLURM_JOB_NODELIST, SLURM_TASKS_PER_NODE, SLURM_NTASKS")
        func slurm() async throws {
            try await runHello([], environment: [
                "SLURM_JOB_NODELIST": "localhost", "SLURM_TASKS_PER_NODE": "3", "SLURM_NTASKS": "3",
            ], workers: 3, source: "SLURM allocation")
        }

        @Test("PBS: a PBS_NODEFILE naming localhost twice")
        func pbs() async throws {
            let directory = try TemporaryDirectory("pbs")
            let nodefile = try directory.write("nodefile", "localhost\nlocalhost\n")
            try await runHello([], environment: ["PBS_NODEFILE": nodefile], workers: 2, source: "PBS nodefile \(nodefile)")
        }

        @Test("SGE: a PE_HOSTFILE giving localhost 2 slots")
        func sge() async throws {
            let directory = try TemporaryDirectory("sge")
            let hostfile = try directory.write("pe_hostfile", "localhost 2 all.q@x UNDEFINED\n")
            try await runHello([], environment: ["PE_HOSTFILE": hostfile], workers: 2, source: "SGE hostfile \(hostfile)")
        }

        @Test("--hostfile with 'localhost slots=2'")
        func hostfile() async throws {
            let directory = try TemporaryDirectory("hostfile")
            let hostfile = try directory.write("hosts", "# this machine\nlocalhost slots=2\n")
            try await runHello(["--hostfile", hostfile], environment: [:], workers: 2, source: "hostfile \(hostfile)")
        }
    }
}
