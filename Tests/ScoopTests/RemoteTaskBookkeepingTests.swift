@testable import Scoop
import Testing

/// A worker registers each future the broker sends it while it runs, and
/// forgets it when it ends. A future that finished before its registration
/// used to stay registered (its task, ~4 KB, kept for the rest of the run):
/// after thousands of quick remote futures, only the probe itself may be running.
@Suite struct RemoteTaskBookkeepingTests {
    static let quick = TaskFunction("test.bookkeeping.quick") { (x: Int) in x + 1 }
    static let probe = TaskFunction("test.bookkeeping.probe") { () -> Int in
        TaskContext.current?.node.runningRemoteFutureCount ?? -1
    }

    @Test func finishedRemoteFuturesAreForgotten() async throws {
        try await Pool.run(functions: [Self.quick, Self.probe], options: PoolOptions(simulatedProcesses: 2)) { () async throws in
            for value in 0..<3_000 {
                #expect(try await Futures.submit(Self.quick, value, placement: .remote).value == value + 1)
            }
            #expect(try await Futures.submit(Self.probe, placement: .remote).value == 1)
        }
    }
}
