import ScoopLaunch
import Testing

@Suite struct MPIRunCommandTests {
    @Test func aLocalRunOversubscribedAsRoot() {
        let placements = [Placement(host: "localhost", workers: 3, isLocal: true, firstWorker: 0, slots: 2)]
        let command = MPIRunCommand(placements: placements, program: "./app", arguments: ["--size", "9"],
                                    localCores: 2, runningAsRoot: true)
        #expect(command.isLocalOnly)
        #expect(command.mpirunArguments(hostfilePath: nil) == ["-n", "3", "--oversubscribe", "--allow-run-as-root", "./app", "--size", "9"])
    }

    @Test func aMultiHostRunUsesAHostfileWithEachHostsWorkers() {
        let placements = [
            Placement(host: "node01", workers: 4, isLocal: false, firstWorker: 0, slots: 4),
            Placement(host: "node02", workers: 2, isLocal: false, firstWorker: 4, slots: 4),
        ]
        let command = MPIRunCommand(placements: placements, program: "/opt/app", arguments: [],
                                    localCores: 8, runningAsRoot: false)
        #expect(command.hostfile == "node01 slots=4\nnode02 slots=2\n")
        #expect(command.mpirunArguments(hostfilePath: "/tmp/h") == ["-n", "6", "--hostfile", "/tmp/h", "/opt/app"])
    }
}
