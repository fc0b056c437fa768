/// How many workers run on one host, and their worker ids.
///
/// Worker ids are contiguous per host and follow the host order: the first
/// placement holds workers `0..<workers`, the next continues from there, and
/// so on. Worker 0, the origin (which runs the program's main body), is
/// therefore always on the first host.
///
/// ```swift
/// let placement = Placement(host: "node01", workers: 4, isLocal: false, firstWorker: 0, slots: 4)
/// print(placement.workerIDs) // 0..<4
/// ```
public struct Placement: Equatable, Sendable {
    /// The host name, as listed.
    public var host: String
    /// How many workers to start there (at least 1).
    public var workers: Int
    /// Whether the host is this machine (start directly, not over `ssh`).
    public var isLocal: Bool
    /// The id of the first worker on this host.
    public var firstWorker: Int
    /// The slots the host offered; `workers > slots` means it is oversubscribed.
    public var slots: Int

    /// Creates a placement.
    public init(host: String, workers: Int, isLocal: Bool, firstWorker: Int, slots: Int) {
        self.host = host
        self.workers = workers
        self.isLocal = isLocal
        self.firstWorker = firstWorker
        self.slots = slots
    }

    /// The worker ids on this host.
    public var workerIDs: Range<Int> { firstWorker..<(firstWorker + workers) }
}

/// Spreads `-n` workers over the hosts, deterministically.
///
/// - Fewer workers than slots: fill the hosts in order, each up to its slots,
///   until the workers run out; the hosts left without workers (at the end of
///   the list) are dropped.
/// - More workers than slots: first fill every host to its slots, then add the
///   extra workers one per host in turn, in host order, starting again at the
///   first host as often as needed (round-robin).
///
/// A host without a count (`slots == nil`) offers `localCores` when it is
/// local; a remote one must have its count filled in first. A host listed
/// twice offers the sum of its slots, at its first position.
///
/// ```swift
/// let hosts = [HostSlot("a", slots: 2), HostSlot("b", slots: 1), HostSlot("c", slots: 1)]
/// let few = try WorkerPlacement.place(workers: 3, on: hosts, localCores: 4, isLocal: { _ in false })
/// // a: 2 (workers 0, 1), b: 1 (worker 2); c is dropped
/// let many = try WorkerPlacement.place(workers: 6, on: hosts, localCores: 4, isLocal: { _ in false })
/// // a: 3 (0...2), b: 2 (3, 4), c: 1 (5)
/// ```
public enum WorkerPlacement {
    /// Places `n` workers on `hosts` (see ``WorkerPlacement``).
    ///
    /// - Throws: ``HostError`` when `n < 1` (`-n 0: need at least one worker`),
    ///   `hosts` is empty, a count is below 1, or a remote host's count is unknown.
    public static func place(
        workers n: Int,
        on hosts: [HostSlot],
        localCores: Int,
        isLocal: (String) -> Bool = LocalHost.isLocal
    ) throws(HostError) -> [Placement] {
        guard n >= 1 else { throw HostError("-n \(n): need at least one worker") }
        guard !hosts.isEmpty else { throw HostError("no hosts to place \(n) workers on") }
        var offers: [(name: String, slots: Int, isLocal: Bool)] = []
        var position: [String: Int] = [:]
        for host in hosts {
            let slots = try resolvedSlots(host, localCores: localCores, isLocal: isLocal)
            if let index = position[host.name] {
                offers[index].slots += slots
            } else {
                position[host.name] = offers.count
                offers.append((host.name, slots, isLocal(host.name)))
            }
        }
        let total = offers.reduce(0) { $0 + $1.slots }
        var counts: [Int]
        if n <= total {
            var remaining = n
            counts = offers.map { offer in
                let taken = min(offer.slots, remaining)
                remaining -= taken
                return taken
            }
        } else {
            let extra = n - total
            let (round, rest) = extra.quotientAndRemainder(dividingBy: offers.count)
            counts = offers.indices.map { offers[$0].slots + round + ($0 < rest ? 1 : 0) }
        }
        var placements: [Placement] = []
        var nextWorker = 0
        for (offer, count) in zip(offers, counts) where count > 0 {
            placements.append(
                Placement(
                    host: offer.name, workers: count, isLocal: offer.isLocal, firstWorker: nextWorker,
                    slots: offer.slots))
            nextWorker += count
        }
        return placements
    }

    /// A host's slots: its count, or `localCores` for a local host without one.
    static func resolvedSlots(
        _ host: HostSlot, localCores: Int, isLocal: (String) -> Bool
    ) throws(HostError) -> Int {
        guard let slots = host.slots else {
            guard isLocal(host.name) else {
                throw HostError(
                    "host '\(host.name)' has no worker count and is not this machine, so its core count is "
                        + "unknown; give one (e.g. '\(host.name) 4' in a hostfile or '\(host.name):4' with --hosts)")
            }
            return max(1, localCores)
        }
        guard slots >= 1 else { throw HostError("host '\(host.name)' offers \(slots) slots; need at least 1") }
        return slots
    }
}
