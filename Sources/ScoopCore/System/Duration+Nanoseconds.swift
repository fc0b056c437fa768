extension Duration {
    /// Whole nanoseconds, clamped to zero for negative durations (for
    /// system calls and clocks that count in nanoseconds).
    ///
    /// ```swift
    /// Duration.microseconds(100).nanoseconds   // 100_000
    /// ```
    public var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
