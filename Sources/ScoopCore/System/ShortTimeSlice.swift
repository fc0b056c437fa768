import CScoopSystem

/// A scheduler hint for a thread that mostly waits and must react fast (an
/// MPI progress thread, a broker's loop) while compute threads keep the cores
/// busy: with Linux's EEVDF scheduler (6.12+), a thread with a short slice
/// runs soon after it wakes instead of waiting out the running thread's
/// slice (about 3 ms), and it still gets only its fair share of the core.
///
/// ```swift
/// let refused = ShortTimeSlice.request(.microseconds(100))   // nil: granted
/// ```
public enum ShortTimeSlice {
    /// Asks for `slice` for the calling thread. Returns nil when granted, or
    /// why not (an older kernel, another system): the thread then runs as before.
    @discardableResult
    public static func request(_ slice: Duration) -> String? {
        let status = scoop_request_short_slice(slice.nanoseconds)
        return status == 0 ? nil : "sched_setattr: error \(status)"
    }
}
