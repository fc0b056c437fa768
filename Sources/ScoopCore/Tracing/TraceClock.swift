#if canImport(Glibc)
import Glibc
#endif
import CScoopSystem

/// Timestamps for trace events, cheap enough for every phase of every future.
///
/// Where the kernel keeps its own monotonic clock on the CPU's counter (the
/// `tsc` clock source on x86-64; always on AArch64), a tick is one count of
/// that counter, read in a few nanoseconds without serializing the pipeline;
/// ``nanoseconds(fromTicks:)`` maps ticks to ``MonotonicClock`` nanoseconds
/// with a rate measured from ``start()`` to the conversion. Elsewhere a
/// tick is a nanosecond of ``MonotonicClock``.
///
/// ```swift
/// TraceClock.start()
/// let start = TraceClock.ticks
/// work()
/// let clock = TraceClock.converter()
/// let elapsed = clock.nanoseconds(fromTicks: TraceClock.ticks) - clock.nanoseconds(fromTicks: start)
/// ```
///
/// Threading: every member may be used from any thread.
public enum TraceClock {
    /// Whether ticks are counts of the CPU's counter (else monotonic nanoseconds).
    public static let usesCycleCounter: Bool = {
        guard scoop_cycle_counter_exists() != 0 else { return false }
        #if arch(x86_64)
        return kernelClockSource() == "tsc"
        #else
        return true
        #endif
    }()

    /// Takes the reference reading of both clocks, if not taken yet. Call it
    /// before the first ``ticks`` that will be converted (a recorder does, when made).
    public static func start() { _ = origin }

    /// The reading both clocks had when ``start()`` was first called.
    private static let origin: (ticks: UInt64, nanoseconds: UInt64) = (scoop_cycle_counter(), MonotonicClock.nanoseconds)

    /// The current time in ticks.
    @inline(__always)
    public static var ticks: UInt64 { ticks(usingCycleCounter: usesCycleCounter) }

    /// The current time in ticks, given a copy of ``usesCycleCounter`` (hot paths keep one).
    @inline(__always)
    public static func ticks(usingCycleCounter: Bool) -> UInt64 {
        usingCycleCounter ? scoop_cycle_counter() : MonotonicClock.nanoseconds
    }

    /// A converter from ticks read so far to monotonic nanoseconds, rated over
    /// the time since ``start()`` (the longer, the more exact).
    public static func converter() -> Converter {
        guard usesCycleCounter else { return Converter(originTicks: 0, originNanoseconds: 0, nanosecondsPerTick: 1) }
        let start = origin
        let nowTicks = scoop_cycle_counter()
        let nowNanoseconds = MonotonicClock.nanoseconds
        let elapsedTicks = nowTicks &- start.ticks
        // Under 100 µs the two clocks' own read times dominate the rate: measure a little.
        if elapsedTicks == 0 || nowNanoseconds &- start.nanoseconds < 100_000 {
            let ticksBefore = scoop_cycle_counter(), nanosecondsBefore = MonotonicClock.nanoseconds
            while MonotonicClock.nanoseconds &- nanosecondsBefore < 200_000 {}
            let ticksAfter = scoop_cycle_counter(), nanosecondsAfter = MonotonicClock.nanoseconds
            return Converter(originTicks: start.ticks, originNanoseconds: start.nanoseconds,
                             nanosecondsPerTick: Double(nanosecondsAfter &- nanosecondsBefore) / Double(max(1, ticksAfter &- ticksBefore)))
        }
        return Converter(originTicks: start.ticks, originNanoseconds: start.nanoseconds,
                         nanosecondsPerTick: Double(nowNanoseconds &- start.nanoseconds) / Double(elapsedTicks))
    }

    /// Maps ticks to ``MonotonicClock`` nanoseconds.
    public struct Converter: Sendable {
        let originTicks: UInt64
        let originNanoseconds: UInt64
        let nanosecondsPerTick: Double

        public func nanoseconds(fromTicks ticks: UInt64) -> UInt64 {
            guard nanosecondsPerTick != 1 || originTicks != 0 else { return ticks }
            let offset = Double(Int64(bitPattern: ticks &- originTicks)) * nanosecondsPerTick
            return UInt64(bitPattern: Int64(bitPattern: originNanoseconds) &+ Int64(offset.rounded()))
        }
    }

    /// The kernel's clock source, e.g. `tsc`, `kvm-clock`, `hpet`; nil if unknown.
    private static func kernelClockSource() -> String? {
        FirstLine.of("/sys/devices/system/clocksource/clocksource0/current_clocksource", limit: 64)?
            .split(whereSeparator: \.isWhitespace).first.map(String.init)
    }
}
