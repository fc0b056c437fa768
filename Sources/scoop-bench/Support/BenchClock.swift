#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScoopCore

/// The clocks the benchmarks read: monotonic wall time, the calling thread's
/// CPU time, and the real-time clock (to compare with a launcher's timestamp).
enum BenchClock {
    /// Nanoseconds of `CLOCK_MONOTONIC`.
    @inline(__always)
    static func now() -> UInt64 { read(CLOCK_MONOTONIC) }

    /// CPU nanoseconds consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
    @inline(__always)
    static func threadCPU() -> UInt64 { read(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds (user + system) of every thread of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// Nanoseconds since the epoch (`CLOCK_REALTIME`): comparable across processes.
    static func realtime() -> UInt64 { read(CLOCK_REALTIME) }

    /// Seconds between two `now()` readings.
    @inline(__always)
    static func seconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1e9
    }

    /// Seconds since `start` (a `now()` reading).
    static func seconds(since start: UInt64) -> Double { seconds(from: start, to: now()) }

    @inline(__always)
    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// How long this process has existed, for the startup line of a normal run.
enum ProcessAge {
    /// The environment variable a launcher (such as `scoop-bench compare`) sets
    /// to `CLOCK_REALTIME` nanoseconds just before it starts the command.
    static let launchVariable = "SCOOP_BENCH_LAUNCH_NS"

    /// Seconds since launch and how they were measured: from the launcher's
    /// timestamp when it is set, else from the kernel's process start time
    /// (`/proc/self/stat`, 10 ms resolution, this process only).
    static func secondsSinceLaunch() -> (seconds: Double, method: String)? {
        if let text = getenv(launchVariable).map({ String(cString: $0) }), let launched = UInt64(text) {
            let now = BenchClock.realtime()
            return (Double(Int64(bitPattern: now &- launched)) / 1e9, "launch-timestamp")
        }
        if let started = procStartSeconds() {
            var spec = timespec()
            clock_gettime(CLOCK_BOOTTIME, &spec)
            let uptime = Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
            return (uptime - started, "proc-starttime")
        }
        return nil
    }

    /// Field 22 of `/proc/self/stat`: the start time in clock ticks since boot.
    private static func procStartSeconds() -> Double? {
        guard let line = FirstLine.of("/proc/self/stat") else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
