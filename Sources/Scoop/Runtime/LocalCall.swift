import ScoopCore

/// What a future submitted in this process does, in one object: run here,
/// encode its arguments when it leaves, decode the result that comes back.
///
/// One allocation per future where three closures (and a decoder closure)
/// each needed a context of their own. Immutable after creation, so
/// `Sendable`; its methods may be called from any thread.
protocol LocalCall: AnyObject, Sendable {
    /// Runs the future in this process.
    func run() async throws -> any Sendable
    /// The encoded arguments, when the future must leave this process.
    func encodeArguments() throws -> [UInt8]
    /// Turns a result envelope's payload into the value the local run would
    /// have produced (or the error a failed result carries).
    func decodeResult(_ payload: [UInt8], failed: Bool) -> FutureCore.Outcome
}

/// A call of one registered function with its arguments (``Futures/submit(_:_:)``).
final class FunctionCall<each Argument: Codable & Sendable, Result: Codable & Sendable>: LocalCall {
    let function: TaskFunction<repeat each Argument, Result>
    let arguments: (repeat each Argument)
    /// In checking mode, arguments and result go through the codec as a remote run would.
    let checksCodec: Bool

    init(_ function: TaskFunction<repeat each Argument, Result>, _ arguments: (repeat each Argument), checksCodec: Bool) {
        self.function = function
        self.arguments = arguments
        self.checksCodec = checksCodec
    }

    func run() async throws -> any Sendable {
        guard checksCodec else { return try await function.body(repeat each arguments) }
        var reader = PayloadReader(try encodeArguments())
        let call = try function.decodeCall(from: &reader)
        do {
            let value = try await call()
            return try Submission.roundTrip(value as! Result, "result of task '\(function.name)'")
        } catch let error as ScoopError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Submission.roundTrip(RemoteError(describing: error, function: function.name), error)
        }
    }

    func encodeArguments() throws -> [UInt8] {
        var writer = PayloadWriter()
        try function.encodeArguments(repeat each arguments, into: &writer)
        return writer.bytes
    }

    func decodeResult(_ payload: [UInt8], failed: Bool) -> FutureCore.Outcome {
        Submission.decodeValue(Result.self, payload, failed: failed)
    }
}

/// A call made of closures (a map's chunk: its run, encoding and decoding
/// depend on the chunk's mode).
final class ClosureCall: LocalCall {
    private let runBody: @Sendable () async throws -> any Sendable
    private let encodeBody: @Sendable () throws -> [UInt8]
    private let decodeBody: @Sendable ([UInt8], Bool) -> FutureCore.Outcome

    init(run: @escaping @Sendable () async throws -> any Sendable,
         encodeArguments: @escaping @Sendable () throws -> [UInt8],
         decodeResult: @escaping @Sendable ([UInt8], Bool) -> FutureCore.Outcome) {
        runBody = run
        encodeBody = encodeArguments
        decodeBody = decodeResult
    }

    func run() async throws -> any Sendable { try await runBody() }
    func encodeArguments() throws -> [UInt8] { try encodeBody() }
    func decodeResult(_ payload: [UInt8], failed: Bool) -> FutureCore.Outcome { decodeBody(payload, failed) }
}
