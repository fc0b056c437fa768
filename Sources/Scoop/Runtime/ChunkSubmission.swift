import ScoopCore

extension Submission {
    /// Submits one chunk of a map: `elements` run one after another in a single future.
    static func submitChunk<each Argument, Result>(
        on node: Node,
        _ function: TaskFunction<repeat each Argument, Result>,
        _ elements: [(repeat each Argument)],
        mode: ChunkMode,
        reduce: TaskFunction<Result, Result, Result>? = nil,
        costlyToMove: Bool = false,
        beyondLocalShare: Bool = false
    ) -> FutureCore {
        let body = function.body
        let reduceBody = reduce?.body
        let encode: @Sendable () throws -> [UInt8] = {
            var writer = PayloadWriter()
            writer.writeUInt32(mode.rawValue)
            writer.writeUInt32(reduce?.id.rawValue ?? 0)
            writer.writeUInt32(UInt32(elements.count))
            for element in elements {
                try function.encodeArguments(repeat each element, into: &writer)
            }
            return writer.bytes
        }
        let decode = chunkDecoder(function, mode: mode)
        let run: @Sendable () async throws -> any Sendable
        if node.options.checkCodec {
            let registry = node.registry
            run = {
                let payload = try encode()
                do {
                    let reply = try await ChunkExecutor.run(payload, function: function, registry: registry)
                    return try decode(reply, false).get()
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw Submission.roundTrip(RemoteError(describing: error, function: function.name), error)
                }
            }
        } else {
            run = {
                switch mode {
                case .map:
                    if let kernel = function.chunkKernel {
                        try Task.checkCancellation()
                        return kernel(elements)
                    }
                    var values: [Result] = []
                    values.reserveCapacity(elements.count)
                    var failures: [ChunkFailure] = []
                    for (index, element) in elements.enumerated() {
                        try Task.checkCancellation()
                        do {
                            values.append(try await body(repeat each element))
                        } catch let error as CancellationError {
                            throw error
                        } catch {
                            failures.append(ChunkFailure(index: index, error: error))
                        }
                    }
                    return ChunkValues(values: values, failures: failures)
                case .fold, .scan:
                    guard let reduceBody else { throw ScoopError.internalInconsistency("fold chunk without reduce") }
                    var accumulator: Result?
                    var prefixes: [Result] = []
                    if let foldKernel = function.foldKernel, let syncReduce = reduce?.syncBody {
                        try Task.checkCancellation()
                        let folded = try foldKernel(elements, syncReduce, mode == .scan)
                        if mode == .scan { return folded.prefixes }
                        guard let accumulator = folded.accumulator else { throw ScoopError.invalidArgument("empty fold chunk") }
                        return accumulator
                    }
                    for element in elements {
                        try Task.checkCancellation()
                        let value = try await body(repeat each element)
                        let next: Result
                        if let previous = accumulator {
                            next = try await reduceBody(previous, value)
                        } else {
                            next = value
                        }
                        accumulator = next
                        if mode == .scan { prefixes.append(next) }
                    }
                    if mode == .scan { return prefixes }
                    guard let accumulator else { throw ScoopError.invalidArgument("empty fold chunk") }
                    return accumulator
                }
            }
        }
        return enqueue(on: node, function: function.id, functionName: function.name, flags: .chunk,
                       costlyToMove: costlyToMove, beyondLocalShare: beyondLocalShare, mayDefer: false,
                       call: ClosureCall(run: run, encodeArguments: encode, decodeResult: decode))
    }

    /// Turns a chunk's result payload into the in-memory shape the local path produces.
    private static func chunkDecoder<each Argument, Result>(
        _ function: TaskFunction<repeat each Argument, Result>, mode: ChunkMode
    ) -> @Sendable ([UInt8], Bool) -> FutureCore.Outcome {
        { payload, failed in
            if failed { return .failure(RemoteError.decodeFailure(payload)) }
            do {
                var reader = PayloadReader(payload)
                switch mode {
                case .map:
                    let count = Int(try reader.readUInt32())
                    let failureCount = Int(try reader.readUInt32())
                    guard failureCount <= count else {
                        throw ScoopError.codec("a chunk of \(count) elements reports \(failureCount) failures")
                    }
                    var failures: [ChunkFailure] = []
                    failures.reserveCapacity(failureCount)
                    for _ in 0..<failureCount {
                        let index = Int(try reader.readUInt32())
                        failures.append(ChunkFailure(index: index, error: try reader.read(RemoteError.self)))
                    }
                    let values = try reader.read([Result].self)
                    guard values.count + failureCount == count else {
                        throw ScoopError.codec("a chunk of \(count) elements carries \(values.count) values and \(failureCount) failures")
                    }
                    return .success(ChunkValues(values: values, failures: failures))
                case .fold:
                    return .success(try reader.read(Result.self))
                case .scan:
                    let count = Int(try reader.readUInt32())
                    var prefixes: [Result] = []
                    for _ in 0..<count { prefixes.append(try reader.read(Result.self)) }
                    return .success(prefixes)
                }
            } catch {
                return .failure(ScoopError.codec("results of a chunk of task '\(function.name)': \(error)"))
            }
        }
    }
}
