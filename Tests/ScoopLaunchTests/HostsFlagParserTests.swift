import Testing

@testable import ScoopLaunch

@Suite struct HostsFlagParserTests {
    @Test func aRepeatedNameAddsASlot() throws {
        #expect(
            try HostsFlagParser.parse(["a", "b", "a", "a"]) == [HostSlot("a", slots: 3), HostSlot("b", slots: 1)])
    }

    @Test func nameColonCount() throws {
        #expect(try HostsFlagParser.parse(["a:4", "b", "a"]) == [HostSlot("a", slots: 5), HostSlot("b", slots: 1)])
        #expect(try HostsFlagParser.parse(["a:0"]) == [HostSlot("a")])
    }

    @Test func bracketListsAndSpaceSeparatedWords() throws {
        #expect(
            try HostsFlagParser.parse(["node[1-2]:2", "x,y z"]) == [
                HostSlot("node1", slots: 2), HostSlot("node2", slots: 2), HostSlot("x", slots: 1),
                HostSlot("y", slots: 1), HostSlot("z", slots: 1),
            ])
    }

    @Test func ipv6AddressesNeverTakeACount() throws {
        #expect(
            try HostsFlagParser.parse(["::1", "::1", "fe80::2"]) == [
                HostSlot("::1", slots: 2), HostSlot("fe80::2", slots: 1),
            ])
    }

    @Test func errors() {
        let count = #expect(throws: HostError.self) { try HostsFlagParser.parse(["a:x"]) }
        #expect(count?.message == "--hosts 'a:x': 'x' is not a worker count (expected name:N, 0 ≤ N ≤ 1000000)")
        let noName = #expect(throws: HostError.self) { try HostsFlagParser.parse([":4"]) }
        #expect(noName?.message == "--hosts ':4' has no host name before ':'")
        let empty = #expect(throws: HostError.self) { try HostsFlagParser.parse(["", "  "]) }
        #expect(empty?.message == "--hosts: no host names given")
        let range = #expect(throws: HostError.self) { try HostsFlagParser.parse(["n[3-1]"]) }
        #expect(range?.message == "--hosts 'n[3-1]' has a descending range 3-1")
        let conflict = #expect(throws: HostError.self) { try HostsFlagParser.parse(["a:0", "b", "a"]) }
        #expect(
            conflict?.message
                == "--hosts: 'a' is given as 'a:0' and as 'a'; a host given more than once needs a count each time "
                + "(':0' means all its cores)")
        let option = #expect(throws: HostError.self) { try HostsFlagParser.parse(["-oProxyCommand=evil"]) }
        #expect(option?.message == "--hosts '-oProxyCommand=evil' is not a valid host name: it starts with '-'")
    }
}
