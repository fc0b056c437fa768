import Testing

@testable import ScoopLaunch

@Suite struct HostDiscoveryTests {
    static let slurm = [
        "SLURM_JOB_NODELIST": "node[01-04,07]",
        "SLURM_TASKS_PER_NODE": "2(x3),1,1",
        "SLURM_NTASKS": "8",
    ]

    @Test func hostfileIsReadFromDisk() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write("hosts.txt", "# cluster\nnode[01-02] 4\nbig slots=16 # fat node\nlocalhost\n")
        let list = try HostDiscovery.discover(hostfile: path, hosts: [], environment: [:], localCores: 2)
        #expect(list.source == .hostfile(path: path))
        #expect(
            list.hosts == [
                HostSlot("node01", slots: 4), HostSlot("node02", slots: 4), HostSlot("big", slots: 16),
                HostSlot("localhost"),
            ])
    }

    @Test func hostfileErrorsNameThePathAndLine() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.txt", "a 1\nb x\n")
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: path, hosts: [], environment: [:], localCores: 2)
        }
        #expect(error?.message.hasPrefix("hostfile \(path):2: 'x' is not a worker count") == true)
    }

    @Test func missingHostfileIsAClearError() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = "\(directory.path)/missing.txt"
        let missing = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: path, hosts: [], environment: [:], localCores: 2)
        }
        #expect(missing?.message == "hostfile '\(path)' cannot be read: No such file or directory")
        let folder = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: directory.path, hosts: [], environment: [:], localCores: 2)
        }
        #expect(folder?.message == "hostfile '\(directory.path)' cannot be read: Is a directory")
    }

    @Test func oversizedHostfileIsRefused() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write("huge.txt", String(repeating: "node01 1\n", count: 2 << 20))
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: path, hosts: [], environment: [:], localCores: 2)
        }
        #expect(error?.message == "hostfile '\(path)' cannot be read: it is larger than 16 MiB")
    }

    @Test func hostfileWinsOverEverything() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write("hosts", "only 3\n")
        let nodefile = try directory.write("nodefile", "pbs1\n")
        var environment = Self.slurm
        environment["PBS_NODEFILE"] = nodefile
        let list = try HostDiscovery.discover(hostfile: path, hosts: ["flag"], environment: environment, localCores: 2)
        #expect(list == HostList(hosts: [HostSlot("only", slots: 3)], source: .hostfile(path: path)))
    }

    @Test func hostsFlagWinsOverSchedulers() throws {
        let list = try HostDiscovery.discover(
            hostfile: nil, hosts: ["a", "a", "b:3"], environment: Self.slurm, localCores: 2)
        #expect(list == HostList(hosts: [HostSlot("a", slots: 2), HostSlot("b", slots: 3)], source: .hostsFlag))
    }

    @Test func slurmNodeListWithTasksPerNode() throws {
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: Self.slurm, localCores: 2)
        #expect(list.source == .slurm)
        #expect(
            list.hosts == [
                HostSlot("node01", slots: 2), HostSlot("node02", slots: 2), HostSlot("node03", slots: 2),
                HostSlot("node04", slots: 1), HostSlot("node07", slots: 1),
            ])
    }

    @Test func slurmOlderVariableAndCpuFallback() throws {
        let environment = ["SLURM_NODELIST": "n[1-2]", "SLURM_JOB_CPUS_PER_NODE": "8(x2)"]
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        #expect(list == HostList(hosts: [HostSlot("n1", slots: 8), HostSlot("n2", slots: 8)], source: .slurm))
    }

    @Test func slurmJobNodeListWinsOverNodeList() throws {
        let environment = ["SLURM_JOB_NODELIST": "new1", "SLURM_NODELIST": "old1", "SLURM_TASKS_PER_NODE": "3"]
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        #expect(list.hosts == [HostSlot("new1", slots: 3)])
    }

    @Test func slurmWithoutCountsUsesAllCores() throws {
        let environment = ["SLURM_JOB_NODELIST": "gpu[1-2],big"]
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        #expect(list.hosts == [HostSlot("gpu1"), HostSlot("gpu2"), HostSlot("big")])
        #expect(list.hostsWithUnknownSlots(isLocal: { _ in false }) == ["gpu1", "gpu2", "big"])
    }

    @Test func slurmCountMismatchIsAnError() {
        let environment = ["SLURM_JOB_NODELIST": "node[01-04]", "SLURM_TASKS_PER_NODE": "2(x3)"]
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        }
        #expect(
            error?.message
                == "SLURM_TASKS_PER_NODE '2(x3)' gives 3 counts but SLURM_JOB_NODELIST 'node[01-04]' names 4 hosts")
    }

    @Test func slurmMalformedVariablesAreNamed() {
        let list = #expect(throws: HostError.self) {
            try HostDiscovery.discover(
                hostfile: nil, hosts: [], environment: ["SLURM_NODELIST": "n[2-1]"], localCores: 2)
        }
        #expect(list?.message == "SLURM_NODELIST 'n[2-1]' has a descending range 2-1")
        let tasks = #expect(throws: HostError.self) {
            try HostDiscovery.discover(
                hostfile: nil, hosts: [],
                environment: ["SLURM_JOB_NODELIST": "a", "SLURM_TASKS_PER_NODE": "2(x"], localCores: 2)
        }
        #expect(tasks?.message == "SLURM_TASKS_PER_NODE '2(x' is malformed: expected ')'")
    }

    @Test func slurmRepeatedNodeIsAnErrorWithoutCounts() throws {
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(
                hostfile: nil, hosts: [], environment: ["SLURM_JOB_NODELIST": "a,a"], localCores: 2)
        }
        #expect(error?.message == "SLURM_JOB_NODELIST 'a,a' names 'a' more than once")
        let counted = try HostDiscovery.discover(
            hostfile: nil, hosts: [], environment: ["SLURM_JOB_NODELIST": "a,b,a", "SLURM_TASKS_PER_NODE": "1(x3)"],
            localCores: 2)
        #expect(counted.hosts == [HostSlot("a", slots: 2), HostSlot("b", slots: 1)])
    }

    @Test func slurmWinsOverPbsAndSge() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        var environment = Self.slurm
        environment["PBS_NODEFILE"] = try directory.write("nodes", "p1\n")
        environment["PE_HOSTFILE"] = try directory.write("pe", "s1 2 q UNDEFINED\n")
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        #expect(list.source == .slurm)
    }

    @Test func pbsNodefile() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let nodefile = try directory.write("aux.42", "cn3\ncn3\ncn1\ncn3\ncn1\ncn2\n")
        var environment = ["PBS_NODEFILE": nodefile, "PBS_NP": "6"]
        environment["PE_HOSTFILE"] = try directory.write("pe", "s1 2 q UNDEFINED\n")
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 2)
        #expect(list.source == .pbs(nodefile: nodefile))
        #expect(list.hosts == [HostSlot("cn3", slots: 3), HostSlot("cn1", slots: 2), HostSlot("cn2", slots: 1)])
    }

    @Test func pbsNodefileMissing() {
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(
                hostfile: nil, hosts: [], environment: ["PBS_NODEFILE": "/nonexistent/scoop/nodes"], localCores: 2)
        }
        #expect(error?.message == "PBS_NODEFILE '/nonexistent/scoop/nodes' cannot be read: No such file or directory")
    }

    @Test func sgePeHostfile() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "pe_hostfile", "exec1.lan 8 all.q@exec1.lan UNDEFINED\nexec2.lan 4 all.q@exec2.lan UNDEFINED\n")
        let list = try HostDiscovery.discover(
            hostfile: nil, hosts: [], environment: ["PE_HOSTFILE": path, "NSLOTS": "12"], localCores: 2)
        #expect(list.source == .sge(hostfile: path))
        #expect(list.hosts == [HostSlot("exec1.lan", slots: 8), HostSlot("exec2.lan", slots: 4)])
    }

    @Test func sgeErrorNamesFileAndLine() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let path = try directory.write("pe_hostfile", "exec1 8 all.q UNDEFINED\nexec2\n")
        let error = #expect(throws: HostError.self) {
            try HostDiscovery.discover(hostfile: nil, hosts: [], environment: ["PE_HOSTFILE": path], localCores: 2)
        }
        #expect(error?.message == "PE_HOSTFILE \(path):2: expected 'host slots queue processor-range', got 'exec2'")
    }

    @Test func localDefaultIsOneWorkerPerCore() throws {
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: ["HOME": "/root"], localCores: 6)
        #expect(list == HostList(hosts: [HostSlot("localhost", slots: 6)], source: .localDefault))
        let clamped = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: [:], localCores: 0)
        #expect(clamped.hosts == [HostSlot("localhost", slots: 1)])
    }

    @Test func emptyVariablesCountAsUnset() throws {
        let environment = ["SLURM_JOB_NODELIST": "", "SLURM_NODELIST": "  ", "PBS_NODEFILE": "", "PE_HOSTFILE": ""]
        let list = try HostDiscovery.discover(hostfile: nil, hosts: [], environment: environment, localCores: 3)
        #expect(list.source == .localDefault)
    }

    @Test func sourceDescriptions() {
        #expect(HostSource.hostfile(path: "h").description == "hostfile h")
        #expect(HostSource.hostsFlag.description == "--hosts")
        #expect(HostSource.slurm.description == "SLURM allocation")
        #expect(HostSource.pbs(nodefile: "n").description == "PBS nodefile n")
        #expect(HostSource.sge(hostfile: "p").description == "SGE hostfile p")
        #expect(HostSource.localDefault.description == "this host")
    }
}
