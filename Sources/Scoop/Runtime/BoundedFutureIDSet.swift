import DequeModule
import ScoopCore

/// A set of future ids that forgets its oldest entries beyond `capacity`.
///
/// For notes that matter only briefly, such as a cancel that arrives for a
/// future whose task this process has not registered yet. A cancel for a
/// future that already finished here (its result crossed the cancel on the
/// way) is never claimed; without a bound, a long run with timeouts or
/// cancellations would keep every such id.
///
/// ```swift
/// var cancelled = BoundedFutureIDSet(capacity: 2)
/// cancelled.insert(a); cancelled.insert(b); cancelled.insert(c)   // forgets a
/// cancelled.remove(b)   // true
/// ```
///
/// Threading: a value type; its owner serializes access (the node keeps it under its lock).
struct BoundedFutureIDSet {
    let capacity: Int
    /// Each member with the number of the insertion that added it.
    private var members: [FutureID: UInt64] = [:]
    /// Insertions, oldest first; an entry whose number no longer matches its
    /// member (removed, or removed and added again) is skipped when evicting.
    private var order: Deque<(id: FutureID, insertion: UInt64)> = []
    private var insertions: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a bounded set needs room for at least one id")
        self.capacity = capacity
    }

    var count: Int { members.count }

    mutating func insert(_ id: FutureID) {
        guard members[id] == nil else { return }
        insertions += 1
        members[id] = insertions
        order.append((id, insertions))
        while members.count > capacity, let oldest = order.popFirst() {
            if members[oldest.id] == oldest.insertion { members[oldest.id] = nil }
        }
        // Entries of removed ids linger in `order`; drop them before they outnumber the members.
        if order.count > 2 * capacity {
            order = Deque(order.filter { members[$0.id] == $0.insertion })
        }
    }

    /// Removes `id`; returns whether it was a member.
    @discardableResult
    mutating func remove(_ id: FutureID) -> Bool {
        members.removeValue(forKey: id) != nil
    }
}
