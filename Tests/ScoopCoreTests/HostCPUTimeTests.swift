import ScoopCore
import Testing

@Suite("host CPU time (/proc/stat)")
struct HostCPUTimeTests {
    /// The head of this machine kind's `/proc/stat` (two CPUs, a hypervisor that steals).
    static let sample = """
        cpu  71907 0 9086 136173 1535 0 446 3127 0 0
        cpu0 34536 0 3863 70895 190 0 106 1524 0 0
        cpu1 37371 0 5223 65277 1344 0 339 1602 0 0
        intr 5321917 0 9 0 0 0 0 0 0 0 0 0 0 0
        """

    @Test("the aggregate line gives the sum of the eight states and the steal column")
    func parsesTheAggregateLine() throws {
        let time = try #require(HostCPUTime.parse(Self.sample))
        #expect(time.totalTicks == 71907 + 9086 + 136173 + 1535 + 446 + 3127)
        #expect(time.stealTicks == 3127)
    }

    @Test("the stolen share of an interval, and no answer for an empty or backward one")
    func stealFraction() {
        let before = HostCPUTime(totalTicks: 1000, stealTicks: 100)
        let after = HostCPUTime(totalTicks: 3000, stealTicks: 800)
        #expect(after.stealFraction(since: before) == 0.35)
        #expect(before.stealFraction(since: before) == nil)
        #expect(before.stealFraction(since: after) == nil)
    }

    @Test("a kernel without the steal column counts none; other text is refused")
    func oldAndMalformedLines() {
        #expect(HostCPUTime.parse("cpu  10 0 5 100 1 0 2\n") == HostCPUTime(totalTicks: 118, stealTicks: 0))
        #expect(HostCPUTime.parse("cpu0 10 0 5 100 1 0 2 3\n") == nil)
        #expect(HostCPUTime.parse("cpu  10 zero 5 100\n") == nil)
        #expect(HostCPUTime.parse("cpu  10 0\n") == nil)
        #expect(HostCPUTime.parse("") == nil)
    }

    #if os(Linux)
    @Test("this host's counters advance, and the stolen share stays within 0...1")
    func readsThisHost() throws {
        let before = try #require(HostCPUTime.read())
        // A tick is 10 ms of one CPU: wait (at most 5 s) until the kernel has counted some.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        var after = before
        while after.totalTicks == before.totalTicks, clock.now < deadline {
            after = try #require(HostCPUTime.read())
        }
        // A sandbox may serve a /proc/stat that never moves: nothing to check there.
        guard after.totalTicks != before.totalTicks else { return }
        let fraction = try #require(after.stealFraction(since: before))
        #expect((0.0...1.0).contains(fraction))
    }
    #endif
}
