import DequeModule
import Synchronization

/// Delivers items one at a time, in the order they were enqueued, without a
/// thread of its own: the first caller that finds the queue idle drains it,
/// later callers only enqueue. A handler that enqueues more (a reply routed
/// back to the same node) never re-enters itself.
///
/// ```swift
/// let delivery = InOrderDelivery<Envelope> { envelope in delegate.transport(received: envelope) }
/// delivery.enqueue(envelope)
/// ```
public final class InOrderDelivery<Item: Sendable>: Sendable {
    private let handler: @Sendable (Item) -> Void
    private let state = Mutex<(queue: Deque<Item>, draining: Bool)>(([], false))

    public init(_ handler: @escaping @Sendable (Item) -> Void) {
        self.handler = handler
    }

    public func enqueue(_ item: Item) {
        let drainHere: Bool = state.withLock { state in
            state.queue.append(item)
            if state.draining { return false }
            state.draining = true
            return true
        }
        guard drainHere else { return }
        while let next = state.withLock({ state -> Item? in
            if let item = state.queue.popFirst() { return item }
            state.draining = false
            return nil
        }) {
            handler(next)
        }
    }
}
