import Testing

@testable import ScoopLaunch

@Suite struct SlurmNodeListTests {
    @Test func expandsRangesAndSinglesKeepingZeroPadding() throws {
        #expect(try SlurmNodeList.expand("node[01-04,07]") == ["node01", "node02", "node03", "node04", "node07"])
    }

    @Test func expandsMixedItems() throws {
        #expect(
            try SlurmNodeList.expand("node[01-03],gpu7,big-[1-2]")
                == ["node01", "node02", "node03", "gpu7", "big-1", "big-2"])
    }

    @Test func expandsSeveralBracketGroupsLeftmostSlowest() throws {
        #expect(
            try SlurmNodeList.expand("rack[1-2]-node[01-02]")
                == ["rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02"])
    }

    @Test func plainNamesAndSuffixes() throws {
        #expect(try SlurmNodeList.expand("a") == ["a"])
        #expect(try SlurmNodeList.expand("a,b.example.org") == ["a", "b.example.org"])
        #expect(try SlurmNodeList.expand("n[1-2].ib") == ["n1.ib", "n2.ib"])
        #expect(try SlurmNodeList.expand("[3-4]") == ["3", "4"])
    }

    @Test func paddingFollowsTheLowerBound() throws {
        #expect(try SlurmNodeList.expand("n[08-11]") == ["n08", "n09", "n10", "n11"])
        #expect(try SlurmNodeList.expand("n[8-11]") == ["n8", "n9", "n10", "n11"])
        #expect(try SlurmNodeList.expand("n[098-101]") == ["n098", "n099", "n100", "n101"])
        #expect(try SlurmNodeList.expand("n[007]") == ["n007"])
    }

    @Test func descendingRangeNamesTheVariable() {
        let error = #expect(throws: HostError.self) { try SlurmNodeList.expand("node[04-01]") }
        #expect(error?.message == "SLURM_JOB_NODELIST 'node[04-01]' has a descending range 04-01")
    }

    @Test func errorsNameTheGivenVariable() {
        let error = #expect(throws: HostError.self) { try SlurmNodeList.expand("node[1-", variable: "SLURM_NODELIST") }
        #expect(error?.message == "SLURM_NODELIST 'node[1-' has an unclosed '['")
    }

    @Test(arguments: [
        ("node[1-2", "has an unclosed '['"),
        ("node1-2]", "has a ']' without a matching '['"),
        ("node[[1-2]]", "has a '[' inside brackets"),
        ("node[]", "has empty brackets '[]'"),
        ("node[a-b]", "has 'a-b' in brackets, which is not a number or a range such as 01-04"),
        ("node[1-2-3]", "has '1-2-3' in brackets, which is not a number or a range such as 01-04"),
        ("node[1,,2]", "has '' in brackets, which is not a number or a range such as 01-04"),
        ("node[-2]", "has '-2' in brackets, which is not a number or a range such as 01-04"),
        ("a,,b", "has an empty host name (check the commas)"),
        ("a,", "has an empty host name (check the commas)"),
        ("", "is empty"),
        ("n[0-99999999]", "expands to more than 100000 hosts"),
        ("a[0-999]b[0-999]", "expands to more than 100000 hosts"),
    ])
    func malformedListsAreRejected(list: String, reason: String) {
        let error = #expect(throws: HostError.self) { try SlurmNodeList.expand(list) }
        #expect(error?.message == "SLURM_JOB_NODELIST '\(list)' \(reason)")
    }

    @Test func invalidHostNamesAreRejected() {
        let dash = #expect(throws: HostError.self) { try SlurmNodeList.expand("-oProxyCommand=x") }
        #expect(dash?.message == "SLURM_JOB_NODELIST '-oProxyCommand=x' is not a valid host name: it starts with '-'")
        let shell = #expect(throws: HostError.self) { try SlurmNodeList.expand("a;rm") }
        #expect(shell?.message == "SLURM_JOB_NODELIST 'a;rm' is not a valid host name: ';' is not allowed")
    }

    @Test func tasksPerNodeExpandsRepeats() throws {
        #expect(try SlurmNodeList.tasksPerNode("2(x3),1") == [2, 2, 2, 1])
        #expect(try SlurmNodeList.tasksPerNode("2(x3),1,1") == [2, 2, 2, 1, 1])
        #expect(try SlurmNodeList.tasksPerNode("16") == [16])
        #expect(try SlurmNodeList.tasksPerNode("4(x1)") == [4])
        #expect(try SlurmNodeList.tasksPerNode("1,3(x2),2(x2)") == [1, 3, 3, 2, 2])
    }

    @Test func tasksPerNodeMissingParenthesis() {
        let error = #expect(throws: HostError.self) { try SlurmNodeList.tasksPerNode("2(x") }
        #expect(error?.message == "SLURM_TASKS_PER_NODE '2(x' is malformed: expected ')'")
    }

    @Test(arguments: [
        ("", "expected a number in ''"),
        ("2,,1", "expected a number in ''"),
        ("(x2)", "expected a number in '(x2)'"),
        ("two", "'two' is not a count"),
        ("-1", "'-1' is not a count"),
        ("0", "a count of 0 is not allowed"),
        ("2(3)", "expected 'x' after '(' in '2(3)'"),
        ("2(x3", "expected ')'"),
        ("2(x)", "'' after 'x' is not a repeat count of at least 1"),
        ("2(x0)", "'0' after 'x' is not a repeat count of at least 1"),
        ("2(xa)", "'a' after 'x' is not a repeat count of at least 1"),
        ("2(x3)4", "unexpected text after ')' in '2(x3)4'"),
        ("1(x999999),1(x999999)", "describes more than 100000 nodes"),
    ])
    func malformedTaskCountsAreRejected(spec: String, reason: String) {
        let error = #expect(throws: HostError.self) { try SlurmNodeList.tasksPerNode(spec) }
        #expect(error?.message == "SLURM_TASKS_PER_NODE '\(spec)' is malformed: \(reason)")
    }

    @Test func taskCountErrorsNameTheGivenVariable() {
        let error = #expect(throws: HostError.self) {
            try SlurmNodeList.tasksPerNode("x", variable: "SLURM_JOB_CPUS_PER_NODE")
        }
        #expect(error?.message == "SLURM_JOB_CPUS_PER_NODE 'x' is malformed: 'x' is not a count")
    }
}
