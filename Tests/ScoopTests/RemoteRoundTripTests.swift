@testable import Scoop
import Testing

/// Remote-only futures can run only on a worker other than their owner, so a
/// worker whose requests the broker lost track of (its credits) would leave
/// them queued for ever. Maps of tiny futures first exercise lookahead,
/// give-backs and stealing; then one remote round trip at a time must keep
/// completing (scoop-bench's W1, W1b, W2 and W2r, in an in-memory cluster).
/// Written while hunting a W2r hang seen once on ZeroMQ, which it did not
/// reproduce: it guards the credit bookkeeping, not that hang's cause.
@Suite(.serialized) struct RemoteRoundTripTests {
    @Test(arguments: 0..<10) func remoteRoundTripsAfterTinyMapsAllComplete(_ round: Int) async throws {
        try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 3, lookahead: 1)) { () async throws in
            let count = 20_000
            #expect(try await Futures.map(Fixtures.identity, Array(0..<count)) == Array(0..<count))
            #expect(try await Futures.map(Fixtures.identity, Array(0..<count), chunkSize: 2_500) == Array(0..<count))
            for index in 0..<500 { _ = try await Futures.submit(Fixtures.identity, index).value }
            for index in 0..<1_000 {
                let future = try Futures.submit(Fixtures.identity, index, placement: .remote)
                do {
                    #expect(try await future.value(timeout: .seconds(30)) == index)
                } catch {
                    Issue.record("round \(round), round trip \(index): \(error); \(Pool.stateDescription ?? "no pool")")
                    return
                }
            }
        }
    }

    /// Once the link to the broker is closed (the broker stopped answering,
    /// or declared this process lost), a future that must leave fails at
    /// once; it used to be sent into the closed link and awaited for ever.
    @Test func aFutureThatMustLeaveAfterTheLinkClosedFailsAtOnce() async throws {
        try await Pool.run(functions: Fixtures.all, options: PoolOptions(simulatedProcesses: 2)) { () async throws in
            let node = try #require(RuntimeHolder.current)
            #expect(try await Futures.submit(Fixtures.identity, 1, placement: .remote).value == 1)
            node.transportClosed(reason: "the broker stopped answering (test)")
            let future = try Futures.submit(Fixtures.identity, 2, placement: .remote)
            do {
                _ = try await future.value(timeout: .seconds(30))
                Issue.record("a future sent after the link closed returned a value")
            } catch ScoopError.poolUnavailable(let reason) {
                #expect(reason.contains("stopped answering (test)"))
            } catch {
                Issue.record("expected poolUnavailable, got \(error)")
            }
        }
    }
}
