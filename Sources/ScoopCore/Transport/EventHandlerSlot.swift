/// Where a broker keeps the handler of `event` envelopes (trace batches).
///
/// A struct on purpose: a closure that is itself a lock's value (an optional
/// or a tuple) is re-wrapped in reabstraction thunks on every `withLock`,
/// growing a chain of calls with each access; a struct field is not (see
/// ``HandlerSlot``).
///
/// ```swift
/// let slot = Mutex(EventHandlerSlot())
/// slot.withLock { $0.handler = { envelope, peer in collect(envelope) } }
/// ```
public struct EventHandlerSlot: Sendable {
    public var handler: (@Sendable (Envelope, WorkerID) -> Void)?
    public init() {}
}
