import Synchronization

/// The counters behind `MPIProgressEngine.Statistics`; written by the progress
/// thread (and by `send` for drops), read from any thread.
final class MPIEngineCounters: Sendable {
    let sent = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)

    func countSent() { sent.add(1, ordering: .relaxed) }
    func countReceived() { received.add(1, ordering: .relaxed) }
    func countDropped() { dropped.add(1, ordering: .relaxed) }

    var snapshot: MPIProgressEngine.Statistics {
        MPIProgressEngine.Statistics(
            messagesSent: sent.load(ordering: .relaxed),
            messagesReceived: received.load(ordering: .relaxed),
            messagesDropped: dropped.load(ordering: .relaxed)
        )
    }
}
