import ScoopCore

/// When the progress thread polls and when it sleeps.
///
/// After any activity (a message received, a send posted or completed) it
/// polls without sleeping for a spin window, so a reply that comes back
/// within that window costs no wake-up. Then it sleeps, starting at
/// `minSleepNanoseconds` and doubling up to `maxActiveSleepNanoseconds`
/// while the rank saw traffic within `activityWindowNanoseconds` (a run is
/// under way: the next request or result should not wait long), and up to
/// `maxIdleSleepNanoseconds` after that, so a quiet rank wakes about a
/// thousand times a second and uses well under 1 % of a core. While sends
/// are outstanding the sleep is capped at `maxBusySleepNanoseconds`: over
/// TCP the sender's progress calls move the data, and a receiver's
/// acknowledgement should not wait a whole millisecond.
///
/// The spin window adapts to the traffic: it is four times the smoothed gap
/// between activities, at least `spinNanoseconds` and at most
/// `maxSpinNanoseconds`, and falls back to `spinNanoseconds` when the gaps
/// are longer than that cap (sparse traffic is not worth a core). Without
/// this, two ranks in a request–reply exchange settle into a state where each
/// hop waits out the receiver's sleep (about a millisecond a hop), which
/// keeps the gaps long; with it, the first slow hops widen the window until
/// replies land inside it and the exchange runs at wire latency.
///
/// ```swift
/// var backoff = MPIBackoff(configuration: .init())
/// backoff.noteActivity(at: MonotonicClock.nanoseconds)
/// backoff.sleepAfterIdlePoll(at: MonotonicClock.nanoseconds, hasPendingSends: false)  // nil: keep polling
/// ```
struct MPIBackoff {
    let spinNanoseconds: UInt64
    let maxSpinNanoseconds: UInt64
    let minSleepNanoseconds: UInt64
    let maxIdleSleepNanoseconds: UInt64
    let maxActiveSleepNanoseconds: UInt64
    let activityWindowNanoseconds: UInt64
    let maxBusySleepNanoseconds: UInt64
    private var lastActivity: UInt64 = 0
    private var nextSleep: UInt64
    /// Exponentially smoothed gap between activities (weight 1/4 for the newest).
    private var smoothedGap: UInt64
    /// The current spin window.
    private(set) var spinWindow: UInt64

    init(configuration: MPIProgressEngine.Configuration) {
        spinNanoseconds = configuration.spinDuration.nanoseconds
        maxSpinNanoseconds = max(spinNanoseconds, configuration.maxSpinDuration.nanoseconds)
        minSleepNanoseconds = max(1, configuration.minSleep.nanoseconds)
        maxIdleSleepNanoseconds = max(minSleepNanoseconds, configuration.maxIdleSleep.nanoseconds)
        maxActiveSleepNanoseconds = min(maxIdleSleepNanoseconds,
                                        max(minSleepNanoseconds, configuration.maxSleepAfterActivity.nanoseconds))
        activityWindowNanoseconds = configuration.activityWindow.nanoseconds
        maxBusySleepNanoseconds = max(minSleepNanoseconds, configuration.maxSleepWithPendingSends.nanoseconds)
        nextSleep = minSleepNanoseconds
        smoothedGap = maxSpinNanoseconds &+ 1
        spinWindow = spinNanoseconds
    }

    /// Something happened: poll hot again.
    mutating func noteActivity(at now: UInt64) {
        if lastActivity != 0 {
            let gap = now &- lastActivity
            // Back-to-back activity within one pass says nothing about the exchange's rhythm.
            if gap > 1_000 {
                smoothedGap = (smoothedGap &* 3 &+ min(gap, 1 << 40)) / 4
                spinWindow = smoothedGap > maxSpinNanoseconds
                    ? spinNanoseconds
                    : min(maxSpinNanoseconds, max(spinNanoseconds, smoothedGap &* 4))
            }
        }
        lastActivity = now
        nextSleep = minSleepNanoseconds
    }

    /// After a poll that found nothing: `nil` to poll again at once, or how
    /// long to sleep (the outbox wakes the sleeper early for new sends).
    mutating func sleepAfterIdlePoll(at now: UInt64, hasPendingSends: Bool) -> UInt64? {
        let quiet = now &- lastActivity
        guard quiet >= spinWindow else { return nil }
        let cap = hasPendingSends ? maxBusySleepNanoseconds
            : lastActivity != 0 && quiet < activityWindowNanoseconds ? maxActiveSleepNanoseconds
            : maxIdleSleepNanoseconds
        let sleep = min(nextSleep, cap)
        nextSleep = min(nextSleep &* 2, maxIdleSleepNanoseconds)
        return sleep
    }
}
