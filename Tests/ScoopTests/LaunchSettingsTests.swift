import Logging
@testable import Scoop
import ScoopCore
import Testing

/// How a process reads its `SCOOP_*` settings: a value that is set but
/// unreadable is refused with a message naming it, never replaced by a default.
@Suite struct LaunchSettingsTests {
    func environment(_ variables: [String: String]) -> ProcessEnvironment {
        ProcessEnvironment(variables: variables, cores: 2, hostName: "test")
    }

    @Test func theRetryLimitComesFromTheVariableThenTheOptionThenTheDefault() throws {
        #expect(try Launch.maxWorkerLosses(PoolOptions(), environment([:])) == BrokerCore.defaultMaxWorkerLosses)
        #expect(try Launch.maxWorkerLosses(PoolOptions(maxWorkerLosses: 5), environment([:])) == 5)
        #expect(try Launch.maxWorkerLosses(PoolOptions(maxWorkerLosses: 5), environment(["SCOOP_MAX_WORKER_LOSSES": "2"])) == 2)
    }

    @Test(arguments: ["0", "-1", "2.5", "many"])
    func anUnreadableRetryLimitIsRefused(text: String) {
        let error = #expect(throws: ScoopError.self) {
            try Launch.maxWorkerLosses(PoolOptions(), environment(["SCOOP_MAX_WORKER_LOSSES": text]))
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("SCOOP_MAX_WORKER_LOSSES must be a whole number of at least 1 (got '\(text)')"))
    }

    @Test func aRetryLimitBelowOneInTheOptionsIsRefused() {
        #expect(throws: ScoopError.self) { try Launch.maxWorkerLosses(PoolOptions(maxWorkerLosses: 0), environment([:])) }
    }

    @Test func theLogLevelIsReadInAnyCaseAndAMisspeltOneIsRefused() throws {
        #expect(try Launch.logLevel(PoolOptions(), environment(["SCOOP_LOG_LEVEL": "DEBUG"])) == .debug)
        #expect(try Launch.logLevel(PoolOptions(), environment([:])) == PoolOptions().logLevel)
        #expect(throws: ScoopError.self) { try Launch.logLevel(PoolOptions(), environment(["SCOOP_LOG_LEVEL": "loud"])) }
    }

    @Test func yesOrNoSettingsAreReadAndAMisspeltOneIsRefused() throws {
        #expect(try Launch.printsSummary(environment(["SCOOP_SUMMARY": "true"])))
        #expect(try !Launch.printsSummary(environment(["SCOOP_SUMMARY": "0"])))
        #expect(try !Launch.printsSummary(environment([:])))
        #expect(throws: ScoopError.self) { try Launch.printsSummary(environment(["SCOOP_SUMMARY": "maybe"])) }
        let node = try Launch.startThreads(registry: Registry([]), options: PoolOptions(workers: 1),
                                           environment: environment(["SCOOP_CHECK_CODEC": "yes"]), logger: Logger(label: "test"))
        #expect(node.options.checkCodec)
        #expect(throws: ScoopError.self) {
            try Launch.startThreads(registry: Registry([]), options: PoolOptions(workers: 1),
                                    environment: environment(["SCOOP_CHECK_CODEC": "ture"]), logger: Logger(label: "test"))
        }
    }
}
