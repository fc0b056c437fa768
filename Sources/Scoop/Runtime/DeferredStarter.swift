import Dispatch
import ScoopCore
import Synchronization

/// Starts the futures that a task holding no slot (the program's body, or a
/// task it made) submitted and neither awaited nor waited for.
///
/// The body nearly always awaits what it has just submitted
/// (`try await Futures.submit(f, x).value`). Starting that future as a task
/// wakes a pool thread to run it, and its completion wakes the body's thread
/// again: two thread hand-offs per round trip, each several microseconds on
/// a virtual machine. So such a future is not started at once: the node
/// keeps it as a *deferred start* (its slot already reserved) and posts
/// itself here. If the body awaits it, the body takes it back and runs it
/// inline, on its own thread, in the reserved slot; if the body waits in any
/// other way (``Node/lendingSlot(_:)``), the deferred futures start then.
/// Exactly one party gets each future: all take it under the node's lock.
///
/// This thread is the safety net for a body that does neither (it computes,
/// or awaits something else): it starts what is still deferred one ``tick``
/// after it was posted. It ticks only while futures are being deferred and
/// dozes (sleeps until woken) after ``idleTicksBeforeDozing`` ticks without
/// one, so an idle pool costs nothing. Waking it is the one system call on
/// this path, and a submit makes it only when the starter dozes: a body
/// submitting and awaiting in a loop pays none. Woken, it first sleeps a
/// tick, so that it does not take a future from a body about to await it
/// (a task started from this thread also runs on a newly woken pool thread,
/// not on the body's, which is about to free up).
///
/// Threading: ``post(_:)`` may be called from any thread. The starter's own
/// thread is started on first use and lives as long as the process.
final class DeferredStarter: Sendable {
    /// The process's starter.
    static let shared = DeferredStarter()

    /// How long a deferred future may wait for its submitter before this
    /// thread starts it.
    static let tick: DispatchTimeInterval = .milliseconds(1)
    /// Ticks without a new deferred future before the starter dozes.
    static let idleTicksBeforeDozing = 4

    /// Nodes with deferred starts to look at, in the order posted.
    private let posted = Mutex<[Node]>([])
    /// Deferred starts so far (any node): tells the starter whether to keep ticking.
    private let deferrals = Atomic<UInt64>(0)
    /// The starter sleeps until woken; the next deferral must wake it.
    private let dozing = Atomic<Bool>(true)
    private let wakeup = DispatchSemaphore(value: 0)

    private init() {
        // Without this thread, a deferred future nobody waits for would
        // never start: a hang. So a failure here ends the process, saying why.
        if let rc = DetachedThread.spawn({ [self] in run() }) {
            fatalError("swift-scoop: cannot start the thread that starts futures (pthread_create: \(rc))")
        }
    }

    /// Records that `node` deferred the start of a future; `isFirst` when
    /// the node has not been posted since the starter last looked at it.
    func post(_ node: Node, isFirst: Bool) {
        if isFirst { posted.withLock { $0.append(node) } }
        // Sequentially consistent, with the starter's side in `run`: either
        // this sees it dozing and wakes it, or it sees this deferral and
        // keeps ticking.
        deferrals.add(1, ordering: .sequentiallyConsistent)
        if dozing.load(ordering: .sequentiallyConsistent),
           dozing.exchange(false, ordering: .sequentiallyConsistent) {
            wakeup.signal()
        }
    }

    private func run() {
        DetachedThread.nameCurrentThread("scoop-starter")
        var seen: UInt64 = 0
        var idleTicks = 0
        while true {
            if dozing.load(ordering: .sequentiallyConsistent) {
                wakeup.wait()
                idleTicks = 0
                continue
            }
            // Woken or ticking: wait a tick first (a signal meanwhile is a
            // stale wake-up from a poster that raced with the doze check).
            _ = wakeup.wait(timeout: .now() + Self.tick)
            let nodes = posted.withLock { nodes in
                defer { nodes.removeAll(keepingCapacity: true) }
                return nodes
            }
            for node in nodes { node.startDeferred(byStarter: true) }
            let count = deferrals.load(ordering: .sequentiallyConsistent)
            if count != seen {
                seen = count
                idleTicks = 0
                continue
            }
            idleTicks += 1
            guard idleTicks >= Self.idleTicksBeforeDozing else { continue }
            dozing.store(true, ordering: .sequentiallyConsistent)
            // A deferral that read `dozing` before the store did not wake us:
            // look once more, now that any later one will.
            if deferrals.load(ordering: .sequentiallyConsistent) != seen {
                dozing.store(false, ordering: .sequentiallyConsistent)
            }
        }
    }
}
