import ScoopCore

/// The hypervisor's steal over the recent past, for the `host_steal` field.
///
/// `/proc/stat` counts in ticks of 10 ms per CPU, too coarse for a workload
/// of a few milliseconds, so each reading covers the shortest window ending
/// now that holds at least ``minimumTicks`` (0.2 CPU-seconds: 0.1 s of wall
/// time on two CPUs), reaching back over earlier workloads if needed.
///
/// ```swift
/// let steal = HostStealWindow()
/// runWorkload()
/// let fraction = steal.fractionNow()   // 0.35: the host took a third of the CPUs
/// ```
///
/// Threading: used by the run's body only (one task), so not `Sendable`.
final class HostStealWindow {
    static let minimumTicks: UInt64 = 20
    /// Readings still needed to make a window, oldest first.
    private var readings: [HostCPUTime]

    init() {
        readings = HostCPUTime.read().map { [$0] } ?? []
    }

    /// The stolen share of the CPU time over the shortest window ending now
    /// with at least ``minimumTicks`` ticks, or over all readings when they
    /// span less; nil where `/proc/stat` is missing or no tick passed.
    func fractionNow() -> Double? {
        guard let now = HostCPUTime.read() else { return nil }
        defer { readings.append(now) }
        guard let start = readings.lastIndex(where: { now.totalTicks >= $0.totalTicks &+ Self.minimumTicks })
                ?? readings.indices.first else { return nil }
        readings.removeFirst(start)
        return now.stealFraction(since: readings[0])
    }
}
