extension BrokerCore {
    /// What the broker did, for the run summary and logs. Every message it
    /// dropped is counted under exactly one ``DropReason``.
    ///
    /// ```swift
    /// print(core.counters)   // routed 2000, dropped 3 (truncated 2, unknown peer 1), refused joins 1
    /// ```
    public struct Counters: Sendable, Equatable, CustomStringConvertible {
        public var routed = 0
        public var refusedJoins = 0
        public var requeued = 0
        /// Peers cut off after ``BrokerLimits/strikesBeforeCutOff`` malformed messages.
        public var peersCutOff = 0
        /// Workers declared lost (exited, killed, or silent past the heartbeat timeout).
        public var lostWorkers = 0
        /// Results (and give-backs) from a worker that does not hold the
        /// future: late answers from a lost worker, or duplicates. Never
        /// delivered (also counted under `unknownFuture`).
        public var staleResults = 0
        /// Futures failed because they lost ``BrokerCore/maxWorkerLosses`` workers.
        public var exhaustedFutures = 0
        /// Queued futures of lost workers removed (nobody awaits them).
        public var orphansDropped = 0
        /// Remote-only futures failed because only their owner was left in the pool.
        public var strandedFutures = 0
        /// Cancels from a future's owner after the broker was done with it
        /// (its result was on the way as the owner gave up on it): nothing
        /// to do, and not a dropped message.
        public var lateCancels = 0
        /// Share requests sent (work stealing: one member asked at a time).
        public var shareRequests = 0
        /// Share requests answered with fewer futures than asked (the member owes the rest).
        public var shareShortfalls = 0

        // Dropped messages, one counter per ``DropReason``.
        public var unreadable = 0
        public var truncated = 0
        public var badHeader = 0
        public var oversize = 0
        public var unknownPeer = 0
        public var unknownFuture = 0
        public var joinFlood = 0
        public var cutOff = 0

        public init() {}

        /// Messages dropped for `reason`.
        public subscript(reason: DropReason) -> Int {
            get { self[keyPath: reason.counter] }
            set { self[keyPath: reason.counter] = newValue }
        }

        /// Every dropped message, whatever the reason (refused joins are counted apart).
        public var dropped: Int { DropReason.allCases.reduce(0) { $0 + self[$1] } }

        /// One line: what was routed and dropped, the drop reasons, then the
        /// other counters that are not zero.
        public var description: String {
            let reasons = DropReason.allCases.filter { self[$0] > 0 }.map { "\($0) \(self[$0])" }
            let detail = reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"
            let others = [("refused joins", refusedJoins), ("peers cut off", peersCutOff), ("re-queued", requeued),
                          ("lost workers", lostWorkers), ("stale results", staleResults),
                          ("futures out of retries", exhaustedFutures), ("orphans dropped", orphansDropped),
                          ("remote-only futures without a worker", strandedFutures), ("late cancels", lateCancels),
                          ("share requests", shareRequests), ("share requests short", shareShortfalls)]
                .filter { $0.1 > 0 }.map { ", \($0.0) \($0.1)" }.joined()
            return "routed \(routed), dropped \(dropped)\(detail)\(others)"
        }
    }
}
