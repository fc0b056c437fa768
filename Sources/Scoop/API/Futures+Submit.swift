import ScoopCore

/// The futures API: submit work, map over collections, wait for results.
///
/// Every call works the same on every transport, from the program's body and
/// from inside tasks (futures may submit futures).
///
/// ```swift
/// let future = try Futures.submit(square, 12)
/// let squares = try await Futures.map(square, Array(1...100))
/// ```
public enum Futures {
    /// Submits `function(arguments…)` as a future and returns at once.
    ///
    /// Throws at once if `function` was not registered with `Pool.run`, or
    /// if no pool is running.
    public static func submit<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ argument: repeat each Argument
    ) throws -> Future<Result> {
        try submit(function, repeat each argument, placement: .anywhere)
    }

    /// Submits `function(arguments…)` with a time limit.
    ///
    /// If the future has not completed `timeout` after it was submitted, it
    /// fails with ``ScoopError/timedOut(function:limit:)`` and its execution
    /// is cancelled wherever it is: a queued copy is removed (here or at the
    /// broker), a running one receives Swift task cancellation on its worker
    /// (cooperative: the task function should check `Task.isCancelled` or
    /// call `try Task.checkCancellation()` in long loops). A result that
    /// arrives later is ignored. Works the same on every transport.
    ///
    /// ```swift
    /// let future = try Futures.submit(simulate, scenario, timeout: .seconds(30))
    /// do {
    ///     print(try await future.value)
    /// } catch ScoopError.timedOut(let function, let limit) {
    ///     print("\(function) took longer than \(limit)")
    /// }
    /// ```
    ///
    /// Unlike ``Future/value(timeout:)``, which only bounds one wait (the
    /// future keeps running), this limit belongs to the future itself.
    public static func submit<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ argument: repeat each Argument,
        timeout: Duration
    ) throws -> Future<Result> {
        try submit(function, repeat each argument, placement: .anywhere, timeout: timeout)
    }

    /// Where a future may run.
    public enum Placement: Sendable {
        /// Wherever the scheduler finds best (local first).
        case anywhere
        /// In another process than the submitter's (benchmarks and tests of
        /// remote paths). On the threads transport every future already runs
        /// on a pool thread, so this changes nothing there.
        case remote
    }

    /// Submits with a placement constraint, and optionally a time limit (see
    /// ``submit(_:_:timeout:)``).
    ///
    /// ```swift
    /// let far = try Futures.submit(square, 9, placement: .remote, timeout: .seconds(5))
    /// ```
    public static func submit<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>,
        _ argument: repeat each Argument,
        placement: Placement,
        timeout: Duration? = nil
    ) throws -> Future<Result> {
        let node = try Submission.currentNode("Futures.submit")
        try node.registry.require(function.id, name: function.name)
        try Deadline.validate(timeout)
        let call = FunctionCall(function, (repeat each argument), checksCodec: node.options.checkCodec)
        let core = Submission.enqueue(
            on: node, function: function.id, functionName: function.name,
            flags: placement == .remote ? .remoteOnly : [],
            mustLeave: placement == .remote,
            call: call)
        if let timeout { Deadline.arm([core], on: node, limit: timeout, function: function.name) }
        return Future(core: core, node: node)
    }
}

extension Submission {
    /// Round-trips an error through the codec (checking mode), keeping it if that fails.
    static func roundTrip(_ error: RemoteError, _ original: any Error) -> any Error {
        (try? roundTrip(error, "error")) ?? original
    }
}
