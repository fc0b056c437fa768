import Testing

@testable import ScoopLaunch

@Suite struct DefaultWorkerCountTests {
    func count(_ environment: [String: String], _ list: HostList, localCores: Int = 4) throws -> Int {
        try HostDiscovery.defaultWorkerCount(
            environment: environment, hosts: list, localCores: localCores, isLocal: { $0 == "localhost" })
    }

    let twoHosts = [HostSlot("a", slots: 2), HostSlot("b", slots: 3)]

    @Test func slurmNtasks() throws {
        let list = HostList(hosts: twoHosts, source: .slurm)
        #expect(try count(["SLURM_NTASKS": "8"], list) == 8)
        #expect(try count(["SLURM_NPROCS": "7"], list) == 7)
        #expect(try count(["SLURM_NTASKS": "8", "SLURM_NPROCS": "7"], list) == 8)
        #expect(try count([:], list) == 5)
    }

    @Test func pbsNp() throws {
        let list = HostList(hosts: twoHosts, source: .pbs(nodefile: "n"))
        #expect(try count(["PBS_NP": "12", "SLURM_NTASKS": "3"], list) == 12)
        #expect(try count([:], list) == 5)
    }

    @Test func sgeNslots() throws {
        let list = HostList(hosts: twoHosts, source: .sge(hostfile: "p"))
        #expect(try count(["NSLOTS": " 9 ", "PBS_NP": "3"], list) == 9)
        #expect(try count(["NSLOTS": ""], list) == 5)
    }

    @Test func explicitHostsIgnoreSchedulerCounts() throws {
        let environment = ["SLURM_NTASKS": "64", "PBS_NP": "64", "NSLOTS": "64"]
        #expect(try count(environment, HostList(hosts: twoHosts, source: .hostsFlag)) == 5)
        #expect(try count(environment, HostList(hosts: twoHosts, source: .hostfile(path: "h"))) == 5)
        #expect(try count(environment, HostList(hosts: [HostSlot("localhost", slots: 4)], source: .localDefault)) == 4)
    }

    @Test func localHostWithoutCountUsesLocalCores() throws {
        let list = HostList(hosts: [HostSlot("localhost"), HostSlot("b", slots: 2)], source: .hostsFlag)
        #expect(try count([:], list, localCores: 6) == 8)
    }

    @Test func remoteHostWithoutCountIsAnError() {
        let list = HostList(hosts: [HostSlot("a", slots: 1), HostSlot("far")], source: .hostfile(path: "h"))
        let error = #expect(throws: HostError.self) { try count([:], list) }
        #expect(
            error?.message
                == "host 'far' has no worker count and is not this machine, so its core count is unknown; give one "
                + "(e.g. 'far 4' in a hostfile or 'far:4' with --hosts)")
    }

    @Test(arguments: ["0", "-2", "many", "1e3"])
    func invalidSchedulerCountIsAnError(value: String) {
        let list = HostList(hosts: twoHosts, source: .slurm)
        let error = #expect(throws: HostError.self) { try count(["SLURM_NTASKS": value], list) }
        #expect(error?.message == "SLURM_NTASKS '\(value)' is not a worker count of at least 1")
    }
}
