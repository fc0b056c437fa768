import ScoopLaunch
import Testing

@Suite struct MPIRunCommandTests {
    @Test func aLocalRunOversubscribedAsRoot() {
        let placements = [Placement(host: "localhost", workers: 3, isLocal: true, firstWorker: 0, slots: 2)]
        let command = MPIRunCommand(placements: placements, program: "./app", arguments: ["--size", "9"],
                                    localCores: 2, runningAsRoot: true, remoteShell: "ssh -p 2222")
        #expect(command.isLocalOnly)
        // A local run starts no daemons: the remote shell is not passed.
        #expect(command.mpirunArguments == ["-n", "3", "--oversubscribe", "--allow-run-as-root", "./app", "--size", "9"])
    }

    @Test func aMultiHostRunListsEachHostsRanksOnTheCommandLine() {
        let placements = [
            Placement(host: "node01", workers: 4, isLocal: false, firstWorker: 0, slots: 4),
            Placement(host: "node02", workers: 2, isLocal: false, firstWorker: 4, slots: 4),
        ]
        let command = MPIRunCommand(placements: placements, program: "/opt/app", arguments: [],
                                    localCores: 8, runningAsRoot: false)
        #expect(command.hostList == "node01:4,node02:2")
        #expect(command.mpirunArguments == ["-n", "6", "--host", "node01:4,node02:2", "/opt/app"])
    }

    @Test func environmentWorkingDirectoryAndRemoteShellMapToMpirunOptions() {
        let placements = [
            Placement(host: "localhost", workers: 1, isLocal: true, firstWorker: 0, slots: 2),
            Placement(host: "node02", workers: 2, isLocal: false, firstWorker: 1, slots: 2),
        ]
        let command = MPIRunCommand(placements: placements, program: "./app", arguments: ["x"], localCores: 2,
                                    runningAsRoot: false, environment: ["B": "2", "A": "x y"],
                                    workingDirectory: "/scratch/run", remoteShell: "ssh -i key")
        #expect(command.mpirunArguments == [
            "-n", "3", "--host", "localhost:1,node02:2", "--wdir", "/scratch/run",
            "--mca", "plm_rsh_agent", "ssh -i key", "-x", "A=x y", "-x", "B=2", "./app", "x",
        ])
    }
}
