import Dispatch
import ScoopCore
import Synchronization

/// Starts the futures that the program's body submitted and neither awaited
/// nor waited for.
///
/// The body nearly always awaits what it has just submitted
/// (`try await Futures.submit(f, x).value`). Starting that future as a task
/// wakes a pool thread to run it, and its completion wakes the body's thread
/// again: two thread hand-offs per round trip, each several microseconds on
/// a virtual machine. So such a future is not started at once: the node
/// keeps it as a *deferred start* (its slot already reserved) and posts
/// itself here. If the body's own task awaits it, it takes it back and runs
/// it inline, on its own thread, in the reserved slot; any wait through the
/// node (``Node/lendingSlot(_:)``: other awaits, `Futures.wait`,
/// `asCompleted`, time limits) starts the node's deferred futures as tasks;
/// cancelling one gives its slot back. Exactly one party gets each future:
/// all take it under the node's lock.
///
/// This thread is the safety net for a submitter that does none of these
/// (it computes, or awaits something that is not swift-scoop's): while
/// futures are being deferred it sweeps the posted nodes every ``tick`` and
/// starts what is still deferred, so such a future starts 0–1 ms after it
/// was submitted (or one tick after a wake-up). It dozes (sleeps until
/// woken) after a tick without a deferral, so an
/// idle pool costs nothing, and a body submitting and awaiting in a loop
/// keeps it ticking (a thousand cheap wake-ups a second) instead of paying a
/// system call per submit: waking a dozing starter is the one system call on
/// this path. Woken, it first sleeps a whole tick, so that it does not take
/// the future from a body about to await it; a sweep can still take one
/// submitted just before it, which then simply runs as a task (a task
/// started from this thread runs on a newly woken pool thread, not on the
/// body's, which is why the starter is never the first choice).
///
/// Threading: ``post(_:isFirst:)`` may be called from any thread. The
/// starter's own thread is started on first use and lives as long as the
/// process.
final class DeferredStarter: Sendable {
    /// The process's starter.
    static let shared = DeferredStarter()

    /// How long a deferred future may wait for its submitter before this
    /// thread starts it.
    static let tick: DispatchTimeInterval = .milliseconds(1)
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
        while true {
            if dozing.load(ordering: .sequentiallyConsistent) {
                wakeup.wait()
                continue
            }
            // Woken or ticking: wait a whole tick first. A signal meanwhile is
            // a stale wake-up from a poster that raced with the doze check:
            // it must not cut the tick short.
            let deadline = DispatchTime.now() + Self.tick
            while wakeup.wait(timeout: deadline) == .success, DispatchTime.now() < deadline {}
            let nodes = posted.withLock { nodes in
                defer { nodes.removeAll(keepingCapacity: true) }
                return nodes
            }
            for node in nodes { node.startDeferred(byStarter: true) }
            let count = deferrals.load(ordering: .sequentiallyConsistent)
            if count != seen {
                seen = count
                continue
            }
            // A tick without a deferral: doze.
            dozing.store(true, ordering: .sequentiallyConsistent)
            // A deferral that read `dozing` before the store did not wake us:
            // look once more, now that any later one will.
            if deferrals.load(ordering: .sequentiallyConsistent) != seen {
                dozing.store(false, ordering: .sequentiallyConsistent)
            }
        }
    }
}
