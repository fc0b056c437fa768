#if canImport(ScoopMPI)
@testable import ScoopMPI
import Testing

/// The progress thread's sleeps: short while a run is under way, long once the rank is quiet.
@Suite struct MPIBackoffTests {
    private let microsecond: UInt64 = 1_000

    private func configuration() -> MPIProgressEngine.Configuration {
        var configuration = MPIProgressEngine.Configuration()
        configuration.spinDuration = .microseconds(100)
        configuration.maxSpinDuration = .microseconds(100)
        configuration.minSleep = .microseconds(10)
        configuration.maxSleepAfterActivity = .microseconds(100)
        configuration.activityWindow = .milliseconds(50)
        configuration.maxIdleSleep = .milliseconds(1)
        return configuration
    }

    /// The sleeps after idle polls from `start`, one poll per returned sleep.
    private func sleeps(_ backoff: inout MPIBackoff, from start: UInt64, count: Int) -> [UInt64] {
        var now = start
        var result: [UInt64] = []
        while result.count < count {
            if let sleep = backoff.sleepAfterIdlePoll(at: now, hasPendingSends: false) {
                result.append(sleep)
                now += sleep
            } else {
                now += microsecond
            }
        }
        return result
    }

    @Test func aRankThatNeverSawTrafficBacksOffToTheIdleCap() {
        var backoff = MPIBackoff(configuration: configuration())
        let slept = sleeps(&backoff, from: 1_000_000, count: 12)
        #expect(slept.first == 10 * microsecond)
        #expect(slept.last == 1_000 * microsecond)
    }

    @Test func duringARunSleepsStayShortThenGrowOnceTheRankIsQuiet() {
        var backoff = MPIBackoff(configuration: configuration())
        let start: UInt64 = 1_000_000_000
        backoff.noteActivity(at: start)
        // Within the activity window no sleep exceeds the active cap...
        var now = start
        while now - start < 45_000 * microsecond {
            if let sleep = backoff.sleepAfterIdlePoll(at: now, hasPendingSends: false) {
                #expect(sleep <= 100 * microsecond)
                now += sleep
            } else {
                now += microsecond
            }
        }
        // ...after it, sleeps grow to the idle cap.
        let later = sleeps(&backoff, from: start + 60_000 * microsecond, count: 8)
        #expect(later.last == 1_000 * microsecond)
        // New traffic makes them short again.
        backoff.noteActivity(at: start + 100_000 * microsecond)
        let again = sleeps(&backoff, from: start + 100_500 * microsecond, count: 8)
        #expect(again.allSatisfy { $0 <= 100 * microsecond })
    }

    @Test func pendingSendsKeepTheirOwnCap() {
        var configuration = configuration()
        configuration.maxSleepWithPendingSends = .microseconds(40)
        var backoff = MPIBackoff(configuration: configuration)
        var now: UInt64 = 5_000_000
        var slept: [UInt64] = []
        while slept.count < 10 {
            if let sleep = backoff.sleepAfterIdlePoll(at: now, hasPendingSends: true) {
                slept.append(sleep)
                now += sleep
            } else {
                now += microsecond
            }
        }
        #expect(slept.max() == 40 * microsecond)
    }
}
#endif
