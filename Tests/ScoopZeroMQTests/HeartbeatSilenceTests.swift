@testable import ScoopZeroMQ
import Testing

/// The broker's heartbeat check: a member is silent only when the clock,
/// read under the broker's lock, is more than the timeout past the last
/// message. A message stamped after the reading (the reader waited for the
/// lock meanwhile) is not silence; a wrapping difference once made it
/// ~2^64 ns of silence and declared a live process lost mid-run.
@Suite struct HeartbeatSilenceTests {
    @Test func aMessageStampedAfterTheClockReadingIsNotSilence() {
        #expect(!ZeroMQBroker.isSilent(since: 1_000_500, limit: 10_000, now: 1_000_000))
        #expect(!ZeroMQBroker.isSilent(since: 1_000_000, limit: 10_000, now: 1_000_000))
    }

    @Test func silenceLongerThanTheLimitCounts() {
        #expect(!ZeroMQBroker.isSilent(since: 1_000_000, limit: 10_000, now: 1_010_000))
        #expect(ZeroMQBroker.isSilent(since: 1_000_000, limit: 10_000, now: 1_010_001))
    }

    @Test func aMemberNotHeardYetIsNotSilent() {
        #expect(!ZeroMQBroker.isSilent(since: nil, limit: 10_000, now: 5))
    }
}
