import Testing

@testable import ScoopLaunch

@Suite struct BatchHostfileParserTests {
    @Test func pbsRepeatedNamesAreSlotsInOrderOfFirstAppearance() throws {
        let text = "n2\nn1\nn2\n\nn3\nn1\nn2\n"
        #expect(
            try PBSNodefileParser.parse(text, file: "nodes")
                == [HostSlot("n2", slots: 3), HostSlot("n1", slots: 2), HostSlot("n3", slots: 1)])
    }

    @Test func pbsErrors() {
        let words = #expect(throws: HostError.self) { try PBSNodefileParser.parse("n1\nn2 np=4\n", file: "/pbs/aux/7") }
        #expect(words?.message == "PBS_NODEFILE /pbs/aux/7:2: expected one host name per line, got 'n2 np=4'")
        let name = #expect(throws: HostError.self) { try PBSNodefileParser.parse("n$1\n", file: "f") }
        #expect(name?.message == "PBS_NODEFILE f:1: 'n$1' is not a valid host name: '$' is not allowed")
        let empty = #expect(throws: HostError.self) { try PBSNodefileParser.parse("\n", file: "f") }
        #expect(empty?.message == "PBS_NODEFILE f lists no hosts")
    }

    @Test func sgeUsesHostAndSlotColumns() throws {
        let text = """
            n1.cluster 4 all.q@n1.cluster UNDEFINED
            n2.cluster 2 all.q@n2.cluster <NULL>
            n1.cluster 1 long.q@n1.cluster UNDEFINED
            n3 1
            """
        #expect(
            try SGEHostfileParser.parse(text, file: "pe") == [
                HostSlot("n1.cluster", slots: 5), HostSlot("n2.cluster", slots: 2), HostSlot("n3", slots: 1),
            ])
    }

    @Test func sgeErrors() {
        let short = #expect(throws: HostError.self) {
            try SGEHostfileParser.parse("n1 2 q UNDEFINED\nn2\n", file: "pe")
        }
        #expect(short?.message == "PE_HOSTFILE pe:2: expected 'host slots queue processor-range', got 'n2'")
        let zero = #expect(throws: HostError.self) { try SGEHostfileParser.parse("n1 0 q UNDEFINED\n", file: "pe") }
        #expect(zero?.message == "PE_HOSTFILE pe:1: '0' is not a slot count of at least 1")
        let word = #expect(throws: HostError.self) { try SGEHostfileParser.parse("n1 all.q 4\n", file: "pe") }
        #expect(word?.message == "PE_HOSTFILE pe:1: 'all.q' is not a slot count of at least 1")
        let empty = #expect(throws: HostError.self) { try SGEHostfileParser.parse("", file: "pe") }
        #expect(empty?.message == "PE_HOSTFILE pe lists no hosts")
    }
}
