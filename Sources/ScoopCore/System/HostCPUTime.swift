/// The host's CPU time as the kernel counts it in `/proc/stat`, summed over
/// every CPU: how much of it was used, idle, and *stolen* — time a virtual
/// machine's CPUs were ready to run but the hypervisor ran something else.
///
/// Steal is what makes a benchmark on a shared virtual machine slow for an
/// hour: every thread hand-off waits for the hypervisor, so latencies grow
/// several-fold while nothing in the program changed. Sample before and
/// after a measurement; ``stealFraction(since:)`` says how much of the
/// interval's CPU time the host took.
///
/// ```swift
/// let before = HostCPUTime.read()
/// runWorkload()
/// if let before, let steal = HostCPUTime.read()?.stealFraction(since: before), steal > 0.05 {
///     print("the hypervisor took \(Int(steal * 100)) % of the CPU time: do not compare this number")
/// }
/// ```
///
/// Threading: a value type; ``read()`` may be called from any thread.
public struct HostCPUTime: Sendable, Equatable {
    /// Clock ticks (`USER_HZ`) of every state: user, nice, system, idle,
    /// iowait, irq, softirq and steal (guest time is already inside user).
    public var totalTicks: UInt64
    /// Clock ticks stolen by the hypervisor.
    public var stealTicks: UInt64

    public init(totalTicks: UInt64, stealTicks: UInt64) {
        self.totalTicks = totalTicks
        self.stealTicks = stealTicks
    }

    /// The share of the CPU time since `earlier` that the hypervisor stole
    /// (0...1); nil when no tick passed (the interval was too short to say,
    /// a tick being 10 ms of one CPU) or the counters went backwards.
    public func stealFraction(since earlier: HostCPUTime) -> Double? {
        guard totalTicks > earlier.totalTicks, stealTicks >= earlier.stealTicks else { return nil }
        // Idle and iowait may step back a little (proc(5)): never above all of it.
        return min(1, Double(stealTicks - earlier.stealTicks) / Double(totalTicks - earlier.totalTicks))
    }

    /// The counters now, or nil where there is no `/proc/stat` (not Linux).
    public static func read() -> HostCPUTime? {
        // The aggregate line comes first.
        guard let text = FirstLine.of("/proc/stat") else { return nil }
        return parse(text)
    }

    /// Reads the aggregate line of `/proc/stat` (`cpu  user nice system idle
    /// iowait irq softirq steal guest guest_nice`). Kernels before 2.6.11
    /// had no steal column: it then counts as zero.
    public static func parse(_ text: some StringProtocol) -> HostCPUTime? {
        guard let line = text.split(separator: "\n", omittingEmptySubsequences: true).first(where: {
            $0.hasPrefix("cpu ")
        }) else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst()
        var ticks: [UInt64] = []
        for field in fields.prefix(8) {
            guard let value = UInt64(field) else { return nil }
            ticks.append(value)
        }
        guard ticks.count >= 4 else { return nil }
        let steal = ticks.count >= 8 ? ticks[7] : 0
        return HostCPUTime(totalTicks: ticks.reduce(0, &+), stealTicks: steal)
    }
}
