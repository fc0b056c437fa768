import Logging
import ScoopCore
import Synchronization

/// One process's runtime: runs futures in its slots, queues or spills the rest,
/// executes what the broker sends, routes results to the futures it owns.
///
/// The threads transport is a node with one slot per worker thread and no
/// uplink; a ZeroMQ or MPI process is a node with one slot and a
/// ``NodeTransport`` to the broker. Thread-safe: state is behind one mutex,
/// and no lock is held while user code, continuations or sends run.
final class Node: Sendable {
    /// Processes in the pool, as the transport knows it (the broker's welcome can update it).
    var workerCount: Int { transport?.workerCount ?? 1 }

    // Field order matters for speed (see ``CacheLineGap``): every retain and
    // release of the node writes its header, and every future takes `state`'s
    // lock, from both threads; a field read on every future must share a cache
    // line with neither, or each read misses.

    // Cold: read at start-up, in logs and on rare paths (beside the header).
    let transportKind: TransportKind
    let hostName: String
    let logger: Logger
    /// This process's tracing, when `SCOOP_TRACE` turned it on.
    let tracing: ProcessTracing?
    /// Results that arrived for a future already complete here (timed out,
    /// cancelled, or failed when the pool was lost): ignored, counted.
    let ignoredResults = Atomic<Int>(0)
    private let gapAfterHeader = CacheLineGap()

    // Hot and read-only: read on every future, written only by `init`.
    let workerID: WorkerID
    let slotCount: Int
    let transport: (any NodeTransport)?
    let registry: Registry
    let options: PoolOptions
    let constants = SharedConstantTable()
    /// Where ``emit(_:_:bytes:)`` records (the tracing's recorder, held
    /// directly: no existential to copy, retain and release per event).
    private let traceRecorder: TraceRecorder?
    /// The progress bar of the program's maps (origin only, when shown).
    let progress: MapProgress?
    private let gapBeforeCounters = CacheLineGap()

    private struct State {
        var policy: WorkerQueuePolicy<Job>
        /// Futures owned here that left this process: their results come back by id.
        var awayFutures: [FutureID: FutureCore] = [:]
        /// Futures from the broker running here, for cancellation.
        var remoteTasks: [FutureID: Task<Void, Never>] = [:]
        /// Cancels that arrived before their future started here (bounded: a
        /// cancel for a future that already ended here is never claimed).
        var cancelledBeforeStart = BoundedFutureIDSet(capacity: 4096)
        /// Remote futures whose task ended before `start` registered it.
        var remoteEndedBeforeRegistered: Set<FutureID> = []
        var closedReason: String?
        /// Futures submitted by the program's body's own task and admitted
        /// to start: their slots are reserved. The body's own task
        /// takes one back when it awaits it (`awaitChild`), a wait starts them
        /// (`lendingSlot`), a cancel removes one (`removeQueued`), or
        /// ``DeferredStarter`` starts them.
        var deferredStarts: [Job] = []
        /// The body's priority, for the tasks the starter's thread (which has
        /// none to pass on) makes of its deferred starts.
        var bodyPriority: TaskPriority = .medium
        /// This node is posted to the starter, which has not looked yet.
        var postedToStarter = false
        /// Deferred starts taken back and run inline by their awaiting submitter.
        var deferredStartsRunInline = 0
    }

    // Hot and written on every future, each on its own line: a submit's
    // increment must not take the line from a thread holding the lock.
    private let sequence = Atomic<UInt64>(0)
    /// Whether `deferredStarts` may hold a job: lets waits and awaits skip
    /// the lock in the usual case. Set under the lock when one is added,
    /// cleared under it when emptied. Only the body adds, so its own claims
    /// and waits always see its store; another task may read a stale `false`
    /// and skip a start, which then waits for the body or the starter's sweep.
    private let mayHaveDeferredStarts = Atomic<Bool>(false)
    private let gapBeforeState = CacheLineGap()
    private let state: Mutex<State>
    private let gapAfterState = CacheLineGap()
    /// The task running the program's body while ``Pool/run(functions:options:body:)``
    /// runs it (origin only): the one task that runs deferred starts inline.
    /// Kept only to compare identities, and only while that task is alive
    /// (`Pool.run` clears it before it returns). Tasks the body makes wait
    /// normally: cancelling them must not reach a future.
    /// `nonisolated(unsafe)`: written and read only while holding `state`'s
    /// lock. Kept past `withUnsafeCurrentTask`'s closure against that API's
    /// advice, safely here: it is only compared, never used to reach the
    /// task, and `Pool.run` clears it on every way out before its task ends.
    private nonisolated(unsafe) var bodyTask: UnsafeCurrentTask?
    private let shutdownSignal = Mutex<(done: Bool, waiters: [CheckedContinuation<String?, Never>])>((false, []))

    init(workerID: WorkerID, slots: Int, transportKind: TransportKind, hostName: String,
         registry: Registry, options: PoolOptions, transport: (any NodeTransport)?, trace: ProcessTracing?,
         progress: MapProgress? = nil, logger: Logger) {
        self.progress = progress
        self.workerID = workerID
        self.slotCount = slots
        self.transportKind = transportKind
        self.hostName = hostName
        self.registry = registry
        self.options = options
        self.transport = transport
        self.tracing = trace
        self.traceRecorder = trace?.recorder
        self.logger = logger
        // With a broker, a short local queue keeps nested children close to
        // their parent (run inline when awaited); more spills to the broker,
        // where idle workers pull it. When a worker idles and the broker has
        // nothing, the broker asks a member to share its queue (stealing;
        // `StealPlanner` picks whom, one after another while they fall
        // short), so a long task does not hide queued work from idle workers.
        // A busy worker also holds futures from the broker asked for ahead
        // (`PoolOptions.lookahead` per slot, default one), so that it does not
        // wait a round trip through the broker between futures.
        let spill: Int? = transport == nil ? nil : 4 * slots
        let lookahead = slots * (options.lookahead ?? PoolOptions.defaultLookahead)  // checked by `Launch`
        self.state = Mutex(State(policy: WorkerQueuePolicy(slots: slots, spillThreshold: spill, lookahead: lookahead)))
    }

    /// Futures queued here, not started yet (trace samples).
    var queuedCount: Int { state.withLock { $0.policy.queue.count } }

    /// Slots in the whole pool: how many futures can run at once.
    var poolSlots: Int { transport == nil ? slotCount : workerCount * slotCount }

    /// Futures sent by the broker that run here now (tests: none may linger once finished).
    var runningRemoteFutureCount: Int { state.withLock { $0.remoteTasks.count } }

    /// Deferred starts not yet taken (tests).
    var deferredStartCount: Int { state.withLock { $0.deferredStarts.count } }

    /// Slots held now, deferred starts included (tests).
    var heldSlotCount: Int { state.withLock { $0.policy.running } }

    /// Futures the body's own task took back and ran inline (tests).
    var deferredStartsRunInline: Int { state.withLock { $0.deferredStartsRunInline } }

    /// Cancels kept for futures not started here (tests: bounded).
    var unclaimedCancelCount: Int { state.withLock { $0.cancelledBeforeStart.count } }

    func nextFutureID() -> FutureID {
        let value = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        return FutureID(owner: workerID, sequence: value)
    }

    // MARK: Submitting

    /// Schedules a future submitted in this process. A future whose
    /// arguments are `costlyToMove` leaves only for an idle worker (see
    /// ``WorkerQueuePolicy/admit(_:mustSpill:costlyToMove:beyondLocalShare:)``). A future that
    /// may start now, submitted by the program's body's own task (`deferrable`:
    /// a task of this node holding no slot, checked further here), is kept
    /// for the body's await to run inline (see ``DeferredStarter``).
    func submit(_ job: Job, mustLeave: Bool = false, costlyToMove: Bool = false, beyondLocalShare: Bool = false,
                deferrable: Bool = false) {
        emit(.submitted, job)
        // Only the body's own task takes deferred starts back (see `awaitChild`),
        // so only its futures are deferred: for other tasks it would only add work.
        let action: SubmitAction
        if deferrable && !mustLeave {
            action = withUnsafeCurrentTask { task in
                state.withLock { admit(job, into: &$0, mustLeave: false, costlyToMove: costlyToMove, beyondLocalShare: beyondLocalShare,
                                       defer: task != nil && bodyTask == task) }
            }
        } else {
            action = state.withLock {
                admit(job, into: &$0, mustLeave: mustLeave, costlyToMove: costlyToMove, beyondLocalShare: beyondLocalShare, defer: false)
            }
        }
        switch action {
        case .start(let job): start(job)
        case .spill(let job): spill(job)
        case .deferred(let isFirst): DeferredStarter.shared.post(self, isFirst: isFirst)
        case .none: break
        }
    }

    private enum SubmitAction {
        case start(Job), spill(Job), deferred(isFirst: Bool), none
    }

    /// The policy's decision for `job`, under the lock; a start is deferred
    /// when `defer` says the body's own task submitted it.
    private func admit(_ job: Job, into state: inout State, mustLeave: Bool, costlyToMove: Bool,
                       beyondLocalShare: Bool, defer deferStart: Bool) -> SubmitAction {
        switch state.policy.admit(job, mustSpill: mustLeave && workerCount > 1, costlyToMove: costlyToMove,
                                  beyondLocalShare: beyondLocalShare) {
        case .start(let job) where deferStart:
            state.deferredStarts.append(job)
            mayHaveDeferredStarts.store(true, ordering: .relaxed)
            defer { state.postedToStarter = true }
            return .deferred(isFirst: !state.postedToStarter)
        case .start(let job): return .start(job)
        case .queued: return .none
        case .spill(let job): return .spill(job)
        }
    }

    /// Starts the deferred futures nobody took back: called by
    /// ``DeferredStarter`` (`byStarter`), and by a task of this node before
    /// it waits (`lendingSlot`).
    func startDeferred(byStarter: Bool = false) {
        // The starter always looks (it must clear `postedToStarter`); others skip the lock when none can be there.
        guard byStarter || mayHaveDeferredStarts.load(ordering: .relaxed) else { return }
        let (deferred, bodyPriority) = state.withLock { state in
            if byStarter { state.postedToStarter = false }
            return (takeDeferredStarts(&state), state.bodyPriority)
        }
        // From a task, the new task inherits its priority (an explicit one,
        // even the same value, measured 20 % slower on W4); the starter's
        // thread has none to inherit, so it passes the body's.
        for job in deferred { start(job, priority: byStarter ? bodyPriority : nil) }
    }

    /// Empties `state`'s deferred starts (no copy when there are none, the
    /// usual case) and clears ``mayHaveDeferredStarts``. Call with the lock held.
    private func takeDeferredStarts(_ state: inout State) -> [Job] {
        guard !state.deferredStarts.isEmpty else { return [] }
        defer {
            state.deferredStarts.removeAll(keepingCapacity: true)
            mayHaveDeferredStarts.store(false, ordering: .relaxed)
        }
        return state.deferredStarts
    }

    /// Marks the current task as the program's body (`task` nil: the body
    /// ended) and remembers its priority for the starter.
    func setBodyTask(_ task: UnsafeCurrentTask?) {
        let priority = Task.currentPriority
        state.withLock { state in
            bodyTask = task
            if task != nil { state.bodyPriority = priority }
        }
    }

    /// Takes back the deferred start of future `id` for `awaiter`, if it is
    /// the body's task and nobody has started the future, and starts the
    /// other deferred futures: the caller is about to run it inline, and they
    /// must not wait for it to finish.
    private func claimDeferredStart(_ id: FutureID, awaitedBy awaiter: UnsafeCurrentTask?) -> Job? {
        guard mayHaveDeferredStarts.load(ordering: .relaxed) else { return nil }
        let (claimed, others) = state.withLock { state -> (Job?, [Job]) in
            guard let awaiter, bodyTask == awaiter,
                  let index = state.deferredStarts.firstIndex(where: { $0.id == id }) else { return (nil, []) }
            let claimed = state.deferredStarts.remove(at: index)
            state.deferredStartsRunInline += 1
            return (claimed, takeDeferredStarts(&state))
        }
        for job in others { start(job) }
        return claimed
    }

    /// Sends a locally submitted future to the broker.
    private func spill(_ job: Job) {
        guard case .local(let work) = job.work, let transport else { return }
        let payload: [UInt8]
        do {
            payload = try work.call.encodeArguments()
        } catch {
            work.core.complete(.failure(ScoopError.codec("arguments of task '\(work.core.functionName)': \(error)")))
            return
        }
        let core = work.core
        do {
            try checkSize(payload: payload.count, of: "the arguments of task '\(core.functionName)' (future \(job.id))")
        } catch {
            core.complete(.failure(error))
            return
        }
        // Once the link is closed nothing comes back: fail at once, not wait for ever.
        let closed = state.withLock { state -> String? in
            if let reason = state.closedReason { return reason }
            state.awayFutures[job.id] = core
            return nil
        }
        if let closed {
            core.complete(.failure(ScoopError.poolUnavailable(closed)))
            return
        }
        _ = core.markRunning()
        let id = job.id
        // A strong capture on purpose: a weak reference would give the node a
        // side table and slow every retain and release of it. `complete`
        // drops the handler, so the node is not kept past the future's end.
        core.setCancelHandler { self.sendCancel(id) }
        emit(.spilled, job, bytes: payload.count)
        transport.send(Envelope(kind: .task, flags: job.flags, futureID: job.id, parentID: job.parent,
                                functionID: job.function, source: workerID, target: .broker, payload: payload))
    }

    private func sendCancel(_ id: FutureID) {
        state.withLock { _ = $0.awayFutures.removeValue(forKey: id) }
        transport?.send(Envelope(kind: .cancel, futureID: id, source: workerID))
    }

    // MARK: Running

    /// Starts `job` as a task of its own. `priority` nil: the current task's
    /// (a thread outside Swift concurrency, such as the starter's, has none).
    private func start(_ job: Job, priority: TaskPriority? = nil) {
        let slot = SlotToken()
        switch job.work {
        case .local(let work):
            work.core.attach(Task(priority: priority) { await self.runInSlot(job, slot: slot) })
        case .remote:
            // The task is made outside the lock: on a rank bound to one core it
            // may run at once, and would then wait for a lock held by the
            // preempted thread that made it. Registration and the task's end
            // meet under the lock, whichever comes second cleans up, so a task
            // that ends before it is registered is never left registered.
            let task = Task { await self.runInSlot(job, slot: slot) }
            let cancel = state.withLock { state -> Bool in
                if state.remoteEndedBeforeRegistered.remove(job.id) != nil {
                    state.cancelledBeforeStart.remove(job.id)
                    return false
                }
                state.remoteTasks[job.id] = task
                return state.cancelledBeforeStart.remove(job.id)
            }
            if cancel { task.cancel() }
        }
    }

    /// Results up to this size travel in one message with the next request
    /// (and only if both fit in the pool's message size limit).
    static let largestPackedResult = 64 << 10

    private func runInSlot(_ job: Job, slot: SlotToken) async {
        let reply = await execute(job, slot: slot)
        let slotWasLent = slot.finish()
        let next = state.withLock { state -> Job? in
            if case .remote = job.work, state.remoteTasks.removeValue(forKey: job.id) == nil {
                state.remoteEndedBeforeRegistered.insert(job.id)
            }
            if slotWasLent { state.policy.resumed() }
            return state.policy.finished()
        }
        startNext(next, after: reply)
    }

    /// Tells the broker, in one message when small, that a future it sent
    /// ahead starts (`next`), what this worker asks for now, and the result
    /// of the future that just ended (`reply`); then starts `next` (taken
    /// from the local queue, if any). The request goes before the result: the
    /// broker has it before the owner reads the result and submits its next
    /// future, which can then leave at once. A large result goes alone
    /// (packing would copy it). Sent before the start: a future that kills
    /// its process at once must not take the notice (which makes its loss
    /// count) and the previous result with it.
    private func startNext(_ next: Job?, after reply: Envelope?) {
        if let transport {
            var messages: [Envelope] = []
            if let next, case .remote(let envelope) = next.work, envelope.flags.contains(.sentAhead) {
                messages.append(Envelope(kind: .started, futureID: envelope.futureID, source: workerID))
            }
            if let request = workRequestIfIdle() { messages.append(request) }
            if let reply { messages.append(reply) }
            sendPacked(messages, on: transport)
        }
        if let next { start(next) }
    }

    /// Sends `messages` in order, as one message when they fit in
    /// ``largestPackedResult`` and the pool's message size limit.
    private func sendPacked(_ messages: [Envelope], on transport: any NodeTransport) {
        guard messages.count > 1 else {
            if let only = messages.first { transport.send(only) }
            return
        }
        let size = messages.reduce(0) { $0 + $1.payload.count + Envelope.headerSize }
        if size <= min(Self.largestPackedResult, transport.maximumMessageSize) {
            transport.send(messages)
        } else {
            for message in messages { transport.send(message) }
        }
    }

    /// Runs a future in the current task, holding `slot` (its own, or the slot
    /// of an awaiting parent that runs it inline). Returns the reply to send
    /// for a future run for another process (the caller sends it).
    func execute(_ job: Job, slot: SlotToken?) async -> Envelope? {
        await TaskContext.$current.withValue(TaskContext(node: self, future: job.id, slot: slot)) {
            switch job.work {
            case .local(let work):
                guard work.core.markRunning() else { return nil }
                emit(.started, job)
                let outcome: FutureCore.Outcome
                do {
                    outcome = .success(try await work.call.run())
                } catch {
                    outcome = .failure(error)
                }
                emit(outcomePhase(outcome), job)
                work.core.complete(outcome)
                return nil
            case .remote(let envelope):
                emit(.started, job)
                let reply = fitted(await runRemote(envelope))
                emit(reply.flags.contains(.failed) ? .failed : .finished, job, bytes: reply.payload.count)
                return reply
            }
        }
    }

    private func outcomePhase(_ outcome: FutureCore.Outcome) -> TraceEvent.Phase {
        switch outcome {
        case .success: .finished
        case .failure(let error): error is CancellationError ? .cancelled : .failed
        }
    }

    /// The `result` envelope answering a future sent by the broker (no payload yet).
    private func replyHeader(to envelope: Envelope) -> Envelope {
        Envelope(kind: .result, futureID: envelope.futureID, parentID: envelope.parentID,
                 functionID: envelope.functionID, source: workerID, target: envelope.futureID.owner)
    }

    /// The answer of a future sent by the broker that failed with `error` (flag `failed`, and `cancelled`).
    private func failedReply(to envelope: Envelope, _ error: any Error) -> Envelope {
        var reply = replyHeader(to: envelope)
        reply.flags.insert(.failed)
        if error is CancellationError { reply.flags.insert(.cancelled) }
        reply.payload = RemoteError.encodedPayload(for: error, function: functionName(envelope.functionID),
                                                   worker: workerID.rawValue, host: hostName)
        return reply
    }

    /// Decodes, runs and encodes a future sent by the broker.
    private func runRemote(_ envelope: Envelope) async -> Envelope {
        var reply = replyHeader(to: envelope)
        do {
            // Cancelled before it started (held ahead, or the cancel met the task's creation).
            if Task.isCancelled { throw CancellationError() }
            guard let function = registry[envelope.functionID] else {
                throw ScoopError.unregisteredFunction("\(envelope.functionID) (unknown on \(workerID)@\(hostName): is every process running the same binary?)")
            }
            if envelope.flags.contains(.chunk) {
                reply.flags.insert(.chunk)
                reply.payload = try await ChunkExecutor.run(envelope.payload, function: function, registry: registry,
                                                            worker: workerID, host: hostName)
            } else {
                var reader = PayloadReader(envelope.payload)
                let call = try function.decodeCall(from: &reader)
                let value = try await call()
                var writer = PayloadWriter()
                try function.encodeResult(value, into: &writer)
                reply.payload = writer.bytes
            }
        } catch {
            return failedReply(to: envelope, error)
        }
        return reply
    }

    /// The registered name of `function`, or its id when this process does not know it.
    private func functionName(_ function: FunctionID) -> String {
        registry[function]?.name ?? function.description
    }

    /// Throws ``ScoopError/messageTooLarge(_:)`` when an envelope with
    /// `payload` bytes would exceed the pool's message size limit.
    func checkSize(payload: Int, of what: @autoclosure () -> String) throws {
        guard let transport else { return }
        let limit = transport.maximumMessageSize
        guard payload + Envelope.headerSize > limit else { return }
        throw ScoopError.messageTooLarge("\(what()): \(payload + Envelope.headerSize) bytes, more than the limit of \(limit)")
    }

    /// A result too large to send becomes an error result naming the limit:
    /// the owner learns why, and the broker never disconnects this process.
    private func fitted(_ reply: Envelope) -> Envelope {
        do {
            // The message (a name lookup, formatting) is made only for a result over the limit.
            try checkSize(payload: reply.payload.count,
                          of: "the result of task '\(functionName(reply.functionID))' (future \(reply.futureID))")
            return reply
        } catch {
            var failed = reply
            failed.flags.insert(.failed)
            failed.payload = RemoteError.encodedPayload(for: error, function: functionName(reply.functionID),
                                                        worker: workerID.rawValue, host: hostName)
            return failed
        }
    }

    // MARK: Awaiting inside a task

    /// Called by a task about to await `core`: runs the child inline if it is
    /// still queued here (a task holding a slot) or still a deferred start
    /// (the program's body's own task); otherwise lends the slot out while it
    /// waits.
    ///
    /// A child run inline runs in the awaiting task: ``FutureCore/cancel()``
    /// does not interrupt it (its outcome is then dropped), and cancelling
    /// the awaiting task reaches it. That is why only the body's own task
    /// (cancelled only when the whole program is) takes deferred starts back;
    /// a task the body made waits for a task of the future's own.
    func awaitChild(_ core: FutureCore) async -> FutureCore.Outcome {
        if !core.hasDeadline {
            if let slot = TaskContext.current?.slot {
                // A local future only: one of ours that left and came back, held
                // ahead, runs as any future from the broker (its result is routed).
                if let queued = state.withLock({ state in state.policy.removeQueued { $0.id == core.id && $0.isLocal } }) {
                    _ = await execute(queued, slot: slot)
                    if let outcome = core.outcome { return outcome }
                }
            } else if !Task.isCancelled,
                      let deferred = withUnsafeCurrentTask(body: { claimDeferredStart(core.id, awaitedBy: $0) }) {
                // Its slot was reserved when it was admitted: run it as that slot's task would.
                await runInSlot(deferred, slot: SlotToken())
                if let outcome = core.outcome { return outcome }
            }
        }
        return await lendingSlot { await core.wait() }
    }

    /// Like ``awaitChild(_:)`` with a bound; nil when it elapsed.
    func awaitChild(_ core: FutureCore, timeout: Duration) async -> FutureCore.Outcome? {
        await lendingSlot { await core.wait(timeout: timeout) }
    }

    /// Runs `body` (which waits) with the current task's slot lent out, so that
    /// other futures run meanwhile: waiting never holds a core.
    func lendingSlot<T>(_ body: () async throws -> T) async rethrows -> T {
        // A task about to wait: the body's deferred starts (its own, or ones
        // this task may be waiting for) start now, not when the starter
        // sweeps. A slot holder that lends its slot takes them with the lock
        // it takes anyway (an extra lock per await measured on W4). Tasks
        // started here get the waiting task's priority.
        guard let context = TaskContext.current, context.node === self, let slot = context.slot else {
            startDeferred()
            return try await body()
        }
        if slot.lend() {
            let (next, deferred) = state.withLock { state in (state.policy.suspended(), takeDeferredStarts(&state)) }
            for job in deferred { start(job) }
            startNext(next, after: nil)
        } else {
            startDeferred()
        }
        defer {
            if slot.reclaim() { state.withLock { $0.policy.resumed() } }
        }
        return try await body()
    }

    /// Cancels a future owned here: takes it out of the local queue or the
    /// deferred starts first (a deferred start's slot is given back at once).
    func cancel(_ core: FutureCore) -> Bool {
        // Maps cancel all their chunks when they end, most of them done: no lock for those.
        guard core.phase != .done else { return false }
        _ = removeQueued(core.id)
        return core.cancel()
    }

    /// Removes a queued future or a deferred start (cancelled before it
    /// started); a deferred start's reserved slot goes to the next queued
    /// future. Returns whether it was found.
    func removeQueued(_ id: FutureID) -> Bool {
        let (found, slotFreed, next) = state.withLock { state -> (Bool, Bool, Job?) in
            // A future of ours that left and came back, held ahead, is the broker's to cancel.
            if state.policy.removeQueued(where: { $0.id == id && $0.isLocal }) != nil { return (true, false, nil) }
            guard let index = state.deferredStarts.firstIndex(where: { $0.id == id }) else { return (false, false, nil) }
            state.deferredStarts.remove(at: index)
            if state.deferredStarts.isEmpty { mayHaveDeferredStarts.store(false, ordering: .relaxed) }
            return (true, true, state.policy.finished())
        }
        if next != nil || slotFreed { startNext(next, after: nil) }
        return found
    }

    // MARK: Pulling work

    func requestWorkIfIdle() {
        guard let transport, let request = workRequestIfIdle() else { return }
        transport.send(request)
    }

    /// A request for as many futures as this process has idle slots not yet
    /// asked for, and those it may hold ahead (counted as asked), or nil.
    private func workRequestIfIdle() -> Envelope? {
        guard transport != nil, let request = state.withLock({ $0.policy.takeWorkRequest() }) else { return nil }
        return Envelope(kind: .request, source: workerID, payload: request.payload)
    }

    /// This process's scheduling state on one line, for a stalled run's
    /// diagnostics (see ``Pool/stateDescription``).
    /// Never waits for the node's lock: a stall may be a thread holding it
    /// (the description then says so).
    var stateDescription: String {
        state.withLockIfAvailable { state in
            "\(workerID): \(state.policy.stateDescription); away \(state.awayFutures.count), "
                + "from the broker running \(state.remoteTasks.count), deferred \(state.deferredStarts.count)"
                + (state.closedReason.map { "; closed: \($0)" } ?? "")
        } ?? "\(workerID): its scheduling state is locked by another thread"
    }

    // MARK: Trace

    @inline(__always)
    private func emit(_ phase: TraceEvent.Phase, _ job: Job, bytes: Int = 0) {
        traceRecorder?.record(phase, future: job.id, parent: job.parent, function: job.function,
                              worker: workerID, bytes: bytes)
    }

    // MARK: Shutdown

    /// Waits until the pool tells this worker to stop. Returns the reason if
    /// the connection was lost instead of a clean shutdown.
    func waitForShutdown() async -> String? {
        await withCheckedContinuation { continuation in
            let closed: String?? = shutdownSignal.withLock {
                if $0.done { return .some(state.withLock { $0.closedReason }) }
                $0.waiters.append(continuation)
                return nil
            }
            if let closed { continuation.resume(returning: closed) }
        }
    }

    fileprivate func signalShutdown(reason: String?) {
        state.withLock { if $0.closedReason == nil { $0.closedReason = reason } }
        let waiters = shutdownSignal.withLock { signal -> [CheckedContinuation<String?, Never>] in
            signal.done = true
            defer { signal.waiters = [] }
            return signal.waiters
        }
        for waiter in waiters { waiter.resume(returning: reason) }
        // Futures that left and can no longer come back fail instead of hanging.
        if let reason {
            let away = state.withLock { state -> [FutureCore] in
                defer { state.awayFutures = [:] }
                return Array(state.awayFutures.values)
            }
            for core in away { core.complete(.failure(ScoopError.poolUnavailable(reason))) }
            constants.failAll(reason: reason)
        }
    }
}

// MARK: - Receiving from the broker

extension Node: NodeTransportDelegate {
    func transport(received envelope: Envelope) {
        switch envelope.kind {
        case .task:
            let job = Job(id: envelope.futureID, parent: envelope.parentID, function: envelope.functionID,
                          flags: envelope.flags, work: .remote(envelope))
            emit(.received, job, bytes: envelope.payload.count)
            switch state.withLock({ $0.policy.receivedFromBroker(job, sentAhead: envelope.flags.contains(.sentAhead)) }) {
            case .start:
                // Busy now: ask for the next future ahead (and report the start of one sent ahead).
                startNext(job, after: nil)
            case .hold:
                break
            case .giveBack:
                giveBack(envelope)
            }
        case .result:
            guard let core = state.withLock({ $0.awayFutures.removeValue(forKey: envelope.futureID) }) else {
                ignoredResults.add(1, ordering: .relaxed)
                logger.debug("result for unknown or finished future \(envelope.futureID) ignored")
                return
            }
            if envelope.flags.contains(.workersLost) {
                core.complete(.failure(workersLostError(envelope, function: core.functionName)))
            } else if let stranded = Self.brokersOwnFailure(envelope) {
                // No worker is left that may run it (a remote-only future).
                core.complete(.failure(ScoopError.poolUnavailable("task '\(core.functionName)': \(stranded.message)")))
            } else {
                core.complete(core.decodeResult(envelope.payload, envelope.flags.contains(.failed)))
            }
        case .constant:
            do {
                let constant = try SharedConstantRecord(payload: envelope.payload)
                constants.store(constant.name, bytes: constant.value)
            } catch {
                logger.warning("malformed shared constant from \(envelope.source) dropped: \(error)")
            }
        case .cancel:
            let (task, held) = state.withLock { state -> (Task<Void, Never>?, Job?) in
                if let task = state.remoteTasks[envelope.futureID] { return (task, nil) }
                if let held = state.policy.removeQueued(where: { $0.id == envelope.futureID }) {
                    return (nil, held.isLocal ? nil : held)
                }
                state.cancelledBeforeStart.insert(envelope.futureID)
                return (nil, nil)
            }
            task?.cancel()
            // A future held ahead never starts: the broker, which expects its
            // result, gets a cancelled one at once (and this worker asks again).
            if let held, case .remote(let heldEnvelope) = held.work {
                startNext(nil, after: failedReply(to: heldEnvelope, CancellationError()))
            }
        case .shutdown:
            // The origin's clean end carries no reason; the broker's says why
            // (the origin was lost, or this worker was declared lost).
            let reason = envelope.source == .broker && !envelope.payload.isEmpty
                ? String(decoding: envelope.payload, as: UTF8.self) : nil
            signalShutdown(reason: reason)
        case .request:
            // Other workers are idle: send them what waits here, then, if
            // the broker asks for an answer, say how many of those asked for
            // were not here (owed: the broker asks another member for them).
            var reader = PayloadReader(envelope.payload)
            let idle = Int((try? reader.readUInt32()) ?? 1)
            let shared = state.withLock { $0.policy.share(with: idle) }
            for job in shared {
                switch job.work {
                case .local: spill(job)
                case .remote(let held): giveBack(held)  // asked for ahead, not started
                }
            }
            if envelope.flags.contains(.shareReply) {
                transport?.send(Envelope(kind: .request, flags: .shareReply, source: workerID,
                                         payload: ShareReply(shortfall: max(0, idle - shared.count)).payload))
            }
        case .heartbeat:
            transport?.send(Envelope(kind: .heartbeat, source: workerID))
        case .join, .welcome, .refuse, .started, .event:
            logger.debug("unexpected \(envelope.kind) from \(envelope.source) ignored")
        }
    }

    /// The failure the broker made itself for a remote-only future that no
    /// worker can run, if `envelope` is one.
    private static func brokersOwnFailure(_ envelope: Envelope) -> RemoteError? {
        guard envelope.source == .broker, envelope.flags.contains(.failed),
              let error = try? PayloadCodec.decode(RemoteError.self, from: envelope.payload),
              error.typeName == BrokerCore.noOtherWorkerErrorType else { return nil }
        return error
    }

    /// Returns a future the broker sent, not started here, to the head of the broker's queue.
    private func giveBack(_ envelope: Envelope) {
        var returned = envelope
        returned.flags.insert(.returned)
        returned.source = workerID
        transport?.send(returned)
    }

    func transportClosed(reason: String) {
        signalShutdown(reason: reason)
    }

    /// The error of a future the broker failed after it lost too many workers.
    private func workersLostError(_ envelope: Envelope, function: String) -> ScoopError {
        let report = (try? PayloadCodec.decode(WorkerLossReport.self, from: envelope.payload))
            ?? WorkerLossReport(limit: 0, workers: [])
        return .workersLost(function: function, future: envelope.futureID, workers: report.workers, limit: report.limit)
    }
}
