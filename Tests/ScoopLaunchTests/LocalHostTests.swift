import Testing

@testable import ScoopLaunch

@Suite struct LocalHostTests {
    @Test(arguments: [
        "localhost", "LOCALHOST", "localhost.localdomain", "127.0.0.1", "::1", "[::1]", "0:0:0:0:0:0:0:1",
    ])
    func loopbackNamesAreLocal(name: String) {
        #expect(LocalHost.isLocal(name, hostname: "node01.cluster"))
        #expect(LocalHost.isLocal(name))
    }

    @Test(arguments: [
        "127.0.0.2", "127.0.1.1", "127.1", "10.0.0.1", "user@localhost", "node02", "node01.other", "", "local",
    ])
    func othersAreRemote(name: String) {
        #expect(!LocalHost.isLocal(name, hostname: "node01.cluster"))
    }

    @Test func thisMachinesNamesAreLocal() {
        #expect(LocalHost.isLocal("node01", hostname: "node01.cluster"))
        #expect(LocalHost.isLocal("node01.cluster", hostname: "node01.cluster"))
        #expect(LocalHost.isLocal("Node01.Cluster", hostname: "node01.cluster"))
        #expect(LocalHost.isLocal("vm", hostname: "vm"))
        #expect(!LocalHost.isLocal("vm.cluster", hostname: "vm"))
        #expect(!LocalHost.isLocal("", hostname: ""))
    }

    @Test func realHostname() {
        let name = LocalHost.hostname
        #expect(!name.isEmpty)
        #expect(LocalHost.isLocal(name))
        #expect(LocalHost.isLocal(String(name.prefix { $0 != "." })))
        #expect(!LocalHost.isLocal("127.0.0.2"))
    }

    @Test func unknownSlotsListsOnlyRemoteHosts() {
        let list = HostList(
            hosts: [HostSlot("localhost"), HostSlot("127.0.0.2"), HostSlot("b", slots: 2)], source: .hostsFlag)
        #expect(list.hostsWithUnknownSlots() == ["127.0.0.2"])
    }
}
