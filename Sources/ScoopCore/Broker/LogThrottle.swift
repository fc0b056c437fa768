/// Lets at most a few log lines through per second and counts the rest, so
/// that a flood of bad input cannot flood the log.
///
/// ```swift
/// var throttle = LogThrottle(linesPerSecond: 10)
/// if let suppressed = throttle.admit(now: MonotonicClock.nanoseconds) {
///     logger.warning("dropped a message\(suppressed > 0 ? " (\(suppressed) more not logged)" : "")")
/// }
/// ```
public struct LogThrottle: Sendable {
    public let linesPerSecond: Int
    private var windowStart: UInt64 = 0
    private var linesInWindow = 0
    private var suppressed = 0

    public init(linesPerSecond: Int = 10) {
        self.linesPerSecond = max(1, linesPerSecond)
    }

    /// nil: do not log this line. Otherwise log it, and mention the number
    /// returned: lines suppressed since the last one logged.
    public mutating func admit(now: UInt64) -> Int? {
        if now &- windowStart >= 1_000_000_000 {
            windowStart = now
            linesInWindow = 0
        }
        guard linesInWindow < linesPerSecond else {
            suppressed += 1
            return nil
        }
        linesInWindow += 1
        defer { suppressed = 0 }
        return suppressed
    }

    /// Lines suppressed and not yet reported by ``admit(now:)``.
    public var pending: Int { suppressed }
}
