/// How much a broker accepts before it drops, refuses or cuts off.
///
/// ```swift
/// var limits = BrokerLimits()
/// limits.joinsPerSecond = 10
/// var core = BrokerCore(expectedBuild: nil, workerCount: 4, limits: limits)
/// ```
public struct BrokerLimits: Sendable, Equatable {
    /// Malformed messages (garbage, truncated, wrong header, oversize, not
    /// joined, flooding joins) a peer may send; then it is cut off: a member
    /// leaves the pool (its futures are re-queued), and everything from that
    /// worker id is ignored for the rest of the run.
    public var strikesBeforeCutOff = 16
    /// Joins handled per second over all peers, after a burst as large as the
    /// pool's member cap. More are dropped without an answer.
    public var joinsPerSecond = 50
    /// Members accepted beyond the pool's nominal worker count (`scoop worker`
    /// may add some); nil: as many as the worker count, and at least 64.
    public var extraMembers: Int?
    /// Peers whose strikes are remembered at once (memory stays bounded when
    /// many identities send garbage; forgetting only delays a cut-off).
    public var trackedPeers = 4096

    public init() {}

    /// The most members a pool of `workerCount` accepts.
    public func maxMembers(workerCount: Int) -> Int {
        workerCount + (extraMembers ?? max(workerCount, 64))
    }
}
