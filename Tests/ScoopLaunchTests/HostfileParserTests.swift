import Testing

@testable import ScoopLaunch

@Suite struct HostfileParserTests {
    @Test func everyLineFormAndComment() throws {
        let text = """
            # lab machines
            alpha
            beta 4
            gamma slots=2

               delta\t3   # trailing comment
            epsilon 0
            """
        #expect(
            try HostfileParser.parse(text, file: "hosts.txt") == [
                HostSlot("alpha"), HostSlot("beta", slots: 4), HostSlot("gamma", slots: 2),
                HostSlot("delta", slots: 3), HostSlot("epsilon"),
            ])
    }

    @Test func bracketRangesTakeTheLineCount() throws {
        #expect(
            try HostfileParser.parse("node[01-02,07] 8\n", file: "h")
                == [HostSlot("node01", slots: 8), HostSlot("node02", slots: 8), HostSlot("node07", slots: 8)])
    }

    @Test func windowsLineEndingsAndNoFinalNewline() throws {
        #expect(
            try HostfileParser.parse("a 2\r\nb\r\n# c\r\nd 1", file: "h")
                == [HostSlot("a", slots: 2), HostSlot("b"), HostSlot("d", slots: 1)])
    }

    @Test func repeatedHostsAddTheirCountsAtFirstPosition() throws {
        #expect(
            try HostfileParser.parse("a 2\nb 1\na 3\n", file: "h") == [
                HostSlot("a", slots: 5), HostSlot("b", slots: 1),
            ])
    }

    @Test func repeatedHostWithoutCountIsAnError() {
        let error = #expect(throws: HostError.self) { try HostfileParser.parse("a 2\nb\n\na\n", file: "hosts.txt") }
        #expect(
            error?.message
                == "hostfile hosts.txt: 'a' is on line 1 and line 4; a host listed more than once needs a worker "
                + "count on each line (a missing count or 0 means all its cores)")
    }

    @Test func descendingRangeNamesFileAndLine() {
        let error = #expect(throws: HostError.self) {
            try HostfileParser.parse("# nodes\nnode01\nnode[04-01] 2\n", file: "hosts.txt")
        }
        #expect(error?.message == "hostfile hosts.txt:3: 'node[04-01]' has a descending range 04-01")
    }

    @Test(arguments: [
        ("a two", "'two' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"),
        ("a -1", "'-1' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"),
        ("a slots=", "'slots=' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"),
        ("a max_slots=2", "'max_slots=2' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"),
        ("a 1000001", "'1000001' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"),
        (
            "a 99999999999999999999999",
            "'99999999999999999999999' is not a worker count (expected N or slots=N, 0 ≤ N ≤ 1000000)"
        ),
        ("a 2 3", "expected 'host', 'host N' or 'host slots=N', got 'a 2 3'"),
        ("a slots = 2", "expected 'host', 'host N' or 'host slots=N', got 'a slots = 2'"),
        ("node[1-", "'node[1-' has an unclosed '['"),
        ("a;b 2", "'a;b' is not a valid host name: ';' is not allowed"),
        ("-x", "'-x' is not a valid host name: it starts with '-'"),
    ])
    func malformedLinesNameFileAndLine(line: String, reason: String) {
        let error = #expect(throws: HostError.self) { try HostfileParser.parse("ok 1\n\(line)\n", file: "h.txt") }
        #expect(error?.message == "hostfile h.txt:2: \(reason)")
    }

    @Test func emptyOrCommentOnlyFileIsAnError() {
        for text in ["", "\n\n", "# nothing here\n   \n"] {
            let error = #expect(throws: HostError.self) { try HostfileParser.parse(text, file: "empty.txt") }
            #expect(error?.message == "hostfile empty.txt lists no hosts")
        }
    }

    @Test func addressesAndUsersAreValidNames() throws {
        #expect(
            try HostfileParser.parse("10.0.0.5 2\n::1\nfe80::1%eth0\nme@server_1\n", file: "h") == [
                HostSlot("10.0.0.5", slots: 2), HostSlot("::1"), HostSlot("fe80::1%eth0"), HostSlot("me@server_1"),
            ])
    }
}
