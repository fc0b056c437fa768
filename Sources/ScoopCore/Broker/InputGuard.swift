/// The broker's defence against a peer that sends garbage or floods joins:
/// strikes per worker id, the ids cut off, and a token bucket for joins.
///
/// Pure and bounded: time comes in as monotonic nanoseconds, and no table
/// grows past ``BrokerLimits/trackedPeers`` entries (16 times that for the
/// cut-off set, a few bytes each).
///
/// ```swift
/// var input = InputGuard(limits: BrokerLimits(), maxMembers: 8)
/// if input.strike(peer) { print("\(peer) is cut off") }
/// ```
struct InputGuard {
    let limits: BrokerLimits
    private var strikes: [WorkerID: Int] = [:]
    private(set) var cutOff: Set<WorkerID> = []
    private var joinTokens: Double
    private let joinBurst: Double
    private var lastRefill: UInt64?

    init(limits: BrokerLimits, maxMembers: Int) {
        self.limits = limits
        joinBurst = Double(max(1, maxMembers + limits.joinsPerSecond))
        joinTokens = joinBurst
    }

    func isCutOff(_ peer: WorkerID) -> Bool { cutOff.contains(peer) }

    /// Counts a malformed message from `peer`; true when this one cuts it off.
    mutating func strike(_ peer: WorkerID) -> Bool {
        guard !cutOff.contains(peer) else { return false }
        if strikes[peer] == nil, strikes.count >= limits.trackedPeers { strikes.removeAll(keepingCapacity: true) }
        let count = strikes[peer, default: 0] + 1
        guard count >= limits.strikesBeforeCutOff else {
            strikes[peer] = count
            return false
        }
        strikes[peer] = nil
        if cutOff.count < 16 * limits.trackedPeers { cutOff.insert(peer) }
        return true
    }

    /// Whether one more join may be handled at `now` (token bucket).
    mutating func admitJoin(now: UInt64) -> Bool {
        if let lastRefill, now > lastRefill {
            let seconds = Double(now - lastRefill) / 1e9
            joinTokens = min(joinBurst, joinTokens + seconds * Double(limits.joinsPerSecond))
        }
        lastRefill = now
        guard joinTokens >= 1 else { return false }
        joinTokens -= 1
        return true
    }
}
