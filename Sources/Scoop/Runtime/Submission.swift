import ScoopCore

/// Builds futures for the API calls: one place that turns typed code into a
/// ``Job`` and a ``FutureCore``, for single calls and for chunks alike.
enum Submission {
    /// The node of the calling task, or the process's runtime.
    static func currentNode(_ call: String) throws -> Node {
        if let context = TaskContext.current { return context.node }
        if let node = RuntimeHolder.current { return node }
        throw ScoopError.notStarted(call)
    }

    /// Submits one piece of work and returns its untyped core.
    static func enqueue(
        on node: Node,
        function: FunctionID,
        functionName: String,
        flags: EnvelopeFlags = [],
        mustLeave: Bool = false,
        costlyToMove: Bool = false,
        beyondLocalShare: Bool = false,
        mayDefer: Bool = true,
        call: any LocalCall
    ) -> FutureCore {
        let id = node.nextFutureID()
        let context = TaskContext.current
        let parent = context?.future ?? .none
        let core = FutureCore(id: id, functionName: functionName, call: call)
        let job = Job(id: id, parent: parent, function: function, flags: flags,
                      work: .local(LocalWork(call: call, core: core)))
        // The program's body most likely awaits the future next and can run
        // it itself (see ``DeferredStarter``; `Node.submit` checks that the
        // submitting task is the body's own). Futures of other callers start
        // at once.
        // A map's chunks are not deferred: the body places them all before it
        // waits, so a deferred chunk would start only then (W6 measured 5 %
        // slower), and a chunk's hand-off is shared by its elements.
        let deferrable = mayDefer && (context.map { $0.slot == nil && $0.node === node } ?? false)
        node.submit(job, mustLeave: mustLeave, costlyToMove: costlyToMove, beyondLocalShare: beyondLocalShare,
                    deferrable: deferrable)
        return core
    }

    /// Decodes a single value result, or the error a failed one carries.
    static func decodeValue<R: Decodable & Sendable>(_ type: R.Type, _ payload: [UInt8], failed: Bool) -> FutureCore.Outcome {
        if failed { return .failure(RemoteError.decodeFailure(payload)) }
        do {
            return .success(try PayloadCodec.decode(R.self, from: payload))
        } catch {
            return .failure(ScoopError.codec("result of type \(R.self): \(error)"))
        }
    }

    /// In checking mode, sends a value through the codec as a remote run would.
    static func roundTrip<T: Codable & Sendable>(_ value: T, _ what: @autoclosure () -> String) throws -> T {
        do {
            return try PayloadCodec.decode(T.self, from: PayloadCodec.encode(value))
        } catch {
            throw ScoopError.codec("\(what()): \(error)")
        }
    }
}

/// The runtime of this process, set by `Pool.run` (API calls outside tasks find it here).
enum RuntimeHolder {
    private static let storage = _RuntimeStorage()
    static var current: Node? {
        get { storage.node }
        set { storage.node = newValue }
    }
}

import Synchronization
private final class _RuntimeStorage: Sendable {
    private let value = Mutex<Node?>(nil)
    var node: Node? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

extension RemoteError {
    /// The payload of a failed result.
    static func encodedPayload(for error: any Error, function: String, worker: UInt32, host: String) -> [UInt8] {
        let remote = (error as? RemoteError) ?? RemoteError(describing: error, function: function, worker: worker, host: host)
        return (try? PayloadCodec.encode(remote)) ?? Array("\(error)".utf8)
    }

    /// The error a failed result carries (cancellation stays a `CancellationError`).
    static func decodeFailure(_ payload: [UInt8]) -> any Error {
        guard let remote = try? PayloadCodec.decode(RemoteError.self, from: payload) else {
            return ScoopError.codec("a failed result's error could not be decoded (\(payload.count) bytes)")
        }
        if remote.typeName == String(reflecting: CancellationError.self) { return CancellationError() }
        return remote
    }
}
