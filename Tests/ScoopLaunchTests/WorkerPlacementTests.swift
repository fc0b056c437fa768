import Testing

@testable import ScoopLaunch

@Suite struct WorkerPlacementTests {
    let hosts = [HostSlot("a", slots: 2), HostSlot("b", slots: 1), HostSlot("c", slots: 3)]

    func place(_ n: Int, _ hosts: [HostSlot]? = nil, localCores: Int = 4) throws -> [Placement] {
        try WorkerPlacement.place(
            workers: n, on: hosts ?? self.hosts, localCores: localCores,
            isLocal: { $0 == "localhost" || $0 == "a" })
    }

    func summary(_ placements: [Placement]) -> [String] {
        placements.map { "\($0.host):\($0.workers)@\($0.firstWorker)" }
    }

    @Test func exactlyTheSlots() throws {
        #expect(summary(try place(6)) == ["a:2@0", "b:1@2", "c:3@3"])
    }

    @Test func fewerWorkersFillInOrderAndTrimFromTheEnd() throws {
        #expect(summary(try place(1)) == ["a:1@0"])
        #expect(summary(try place(2)) == ["a:2@0"])
        #expect(summary(try place(3)) == ["a:2@0", "b:1@2"])
        #expect(summary(try place(4)) == ["a:2@0", "b:1@2", "c:1@3"])
    }

    @Test func moreWorkersFillThenGoRoundRobin() throws {
        #expect(summary(try place(7)) == ["a:3@0", "b:1@3", "c:3@4"])
        #expect(summary(try place(8)) == ["a:3@0", "b:2@3", "c:3@5"])
        #expect(summary(try place(9)) == ["a:3@0", "b:2@3", "c:4@5"])
        #expect(summary(try place(13)) == ["a:5@0", "b:3@5", "c:5@8"])
    }

    @Test func workerIDsAreContiguousAndTheOriginIsOnTheFirstHost() throws {
        let placements = try place(11)
        #expect(placements.first?.workerIDs.contains(0) == true)
        #expect(placements.flatMap { Array($0.workerIDs) } == Array(0..<11))
        #expect(placements.map(\.workers).reduce(0, +) == 11)
    }

    @Test func placementsCarryLocalityAndSlots() throws {
        let placements = try place(8)
        #expect(placements.map(\.isLocal) == [true, false, false])
        #expect(placements.map(\.slots) == [2, 1, 3])
        #expect(placements[1] == Placement(host: "b", workers: 2, isLocal: false, firstWorker: 3, slots: 1))
    }

    @Test func localHostWithoutCountUsesLocalCores() throws {
        let placements = try place(5, [HostSlot("localhost"), HostSlot("b", slots: 2)], localCores: 3)
        #expect(summary(placements) == ["localhost:3@0", "b:2@3"])
        let clamped = try place(2, [HostSlot("localhost")], localCores: 0)
        #expect(summary(clamped) == ["localhost:2@0"])
    }

    @Test func duplicateHostsAreMergedAtTheirFirstPosition() throws {
        let placements = try place(5, [HostSlot("x", slots: 1), HostSlot("y", slots: 1), HostSlot("x", slots: 2)])
        #expect(summary(placements) == ["x:4@0", "y:1@4"])
    }

    @Test func singleHostTakesEverything() throws {
        #expect(summary(try place(100, [HostSlot("solo", slots: 2)])) == ["solo:100@0"])
    }

    @Test func errors() {
        let zero = #expect(throws: HostError.self) { try place(0) }
        #expect(zero?.message == "-n 0: need at least one worker")
        let negative = #expect(throws: HostError.self) { try place(-3) }
        #expect(negative?.message == "-n -3: need at least one worker")
        let none = #expect(throws: HostError.self) { try place(2, []) }
        #expect(none?.message == "no hosts to place 2 workers on")
        let unknown = #expect(throws: HostError.self) { try place(2, [HostSlot("remote")]) }
        #expect(unknown?.message.hasPrefix("host 'remote' has no worker count and is not this machine") == true)
        let empty = #expect(throws: HostError.self) { try place(2, [HostSlot("b", slots: 0)]) }
        #expect(empty?.message == "host 'b' offers 0 slots; need at least 1")
    }

    @Test func defaultLocalityUsesLocalHost() throws {
        let placements = try WorkerPlacement.place(
            workers: 2, on: [HostSlot("localhost", slots: 1), HostSlot("127.0.0.2", slots: 1)], localCores: 2)
        #expect(placements.map(\.isLocal) == [true, false])
    }
}
