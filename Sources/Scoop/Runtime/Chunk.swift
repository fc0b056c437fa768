import ScoopCore

/// What a chunk future does with its elements' results.
///
/// A chunk is one future that carries many elements of a map, so tiny tasks
/// cost one message and one scheduling decision per chunk, not per element.
/// Payload of a chunk task (flag `.chunk`): `UInt32 mode`, `UInt32 reduce
/// function id` (0 if none), `UInt32 count`, then `count` argument records.
enum ChunkMode: UInt32, Sendable {
    /// Result: `UInt32 count`, `UInt32 failures`, each failure as `UInt32
    /// index` and an encoded ``RemoteError``, then the successful values as
    /// one encoded array (one copy for numeric types).
    case map = 0
    /// Result: the left fold of the elements' values with the reduce function.
    case fold = 1
    /// Result: `UInt32 count`, then the inclusive prefix folds.
    case scan = 2
}

/// Runs a chunk task received from another process (types erased: the
/// registry's functions decode and encode the values).
enum ChunkExecutor {
    /// `worker` and `host` name where the chunk ran, in the errors of failed elements.
    static func run(_ payload: [UInt8], function: any RegisteredFunction, registry: Registry,
                    worker: WorkerID? = nil, host: String? = nil) async throws -> [UInt8] {
        var reader = PayloadReader(payload)
        guard let mode = ChunkMode(rawValue: try reader.readUInt32()) else {
            throw ScoopError.codec("chunk of '\(function.name)' has an unknown mode")
        }
        let reduceID = FunctionID(rawValue: try reader.readUInt32())
        let count = Int(try reader.readUInt32())
        // Zero-argument functions take no bytes per element: bound the count too.
        guard count <= Swift.max(reader.remaining, 1 << 20) else {
            throw ScoopError.codec("chunk of '\(function.name)' declares \(count) elements in \(reader.remaining) bytes")
        }
        var writer = PayloadWriter()
        if mode == .map, let runnable = function as? any ChunkRunnable {
            try Task.checkCancellation()
            if let outcome = try runnable.runChunkKernel(from: &reader, count: count) {
                try writeMapChunk(count: count, failures: outcome.failures, function: function,
                                  worker: worker, host: host, into: &writer)
                writer.appendRaw(outcome.encodedValues)
                return writer.bytes
            }
        }
        if mode != .map, let runnable = function as? any ChunkRunnable, let reduce = registry[reduceID] {
            try Task.checkCancellation()
            if let result = try runnable.runFoldKernel(from: &reader, count: count, reduce: reduce,
                                                       keepPrefixes: mode == .scan) {
                return result
            }
        }
        var calls: [@Sendable () async throws -> any Sendable] = []
        calls.reserveCapacity(min(count, reader.remaining))
        for _ in 0..<count { calls.append(try function.decodeCall(from: &reader)) }

        switch mode {
        case .map:
            var values: [any Sendable] = []
            values.reserveCapacity(count)
            var failures: [ChunkFailure] = []
            for (index, call) in calls.enumerated() {
                try Task.checkCancellation()
                do {
                    values.append(try await call())
                } catch let error as CancellationError {
                    throw error
                } catch {
                    failures.append(ChunkFailure(index: index, error: error))
                }
            }
            guard let runnable = function as? any ChunkRunnable else {
                throw ScoopError.internalInconsistency("task '\(function.name)' cannot encode chunk results")
            }
            try writeMapChunk(count: count, failures: failures, function: function,
                              worker: worker, host: host, into: &writer)
            try runnable.encodeResults(values, into: &writer)
        case .fold, .scan:
            guard let reduce = registry[reduceID] else {
                throw ScoopError.unregisteredFunction("reduce function \(reduceID)")
            }
            var accumulator: (any Sendable)?
            var prefixes: [any Sendable] = []
            for call in calls {
                try Task.checkCancellation()
                let value = try await call()
                if let previous = accumulator {
                    accumulator = try await reduce.callErased([previous, value])
                } else {
                    accumulator = value
                }
                if mode == .scan, let accumulator { prefixes.append(accumulator) }
            }
            if mode == .fold {
                guard let accumulator else { throw ScoopError.invalidArgument("empty fold chunk") }
                try reduce.encodeResult(accumulator, into: &writer)
            } else {
                writer.writeUInt32(UInt32(prefixes.count))
                for prefix in prefixes { try reduce.encodeResult(prefix, into: &writer) }
            }
        }
        return writer.bytes
    }

    /// The head of a map chunk's result: `UInt32 count`, `UInt32 failures`,
    /// then each failure as `UInt32 index` and a ``RemoteError``; the array of
    /// successful values follows.
    private static func writeMapChunk(count: Int, failures: [ChunkFailure], function: any RegisteredFunction,
                                      worker: WorkerID?, host: String?, into writer: inout PayloadWriter) throws {
        writer.writeUInt32(UInt32(count))
        writer.writeUInt32(UInt32(failures.count))
        for failure in failures {
            writer.writeUInt32(UInt32(failure.index))
            try writer.write(RemoteError(describing: failure.error, function: function.name,
                                         worker: worker?.rawValue, host: host))
        }
    }
}

/// How many elements go in each chunk of a map over `count` elements.
///
/// Guided self-scheduling: each chunk takes a share of what is left
/// (`remaining / (2 × slots)`), so the first chunks are large (few messages for
/// tiny tasks) and the last ones hold a single element (no worker idles at the
/// end while another finishes a big chunk). An explicit `chunkSize` gives equal chunks.
enum ChunkPlan {
    static func sizes(count: Int, slots: Int, chunkSize: Int?, maximumElements: Int = maximumChunk) -> [Int] {
        guard count > 0 else { return [] }
        if let chunkSize {
            let size = max(1, chunkSize)
            return stride(from: 0, to: count, by: size).map { min(size, count - $0) }
        }
        let divisor = max(1, 2 * slots)
        let limit = max(1, min(maximumElements, maximumChunk))
        var sizes: [Int] = []
        var remaining = count
        while remaining > 0 {
            let size = max(1, min(remaining, (remaining + divisor - 1) / divisor, limit))
            sizes.append(size)
            remaining -= size
        }
        return sizes
    }

    /// Bounds a chunk so that one result message stays modest.
    static let maximumChunk = 8192

    /// How many of a map's first elements may start or wait in the
    /// submitting node (`Futures.map` and its relatives, `mapAsCompleted`
    /// included); chunks past that spill to the broker when they cannot
    /// start at once. Without a bound, the guided plan's first chunks (about
    /// three quarters of the elements) would wait here, and the other
    /// workers, after the small chunks, would steal big ones late and end
    /// the map unevenly. The bound is this node's share of the pool's slots
    /// — on MPI only, where the broker runs in the origin's rank, so the
    /// origin pulls spilled chunks back without a hop (MPI W3's efficiency
    /// +0.4 to +1.4 points in four alternating runs of 8, W7 and W1 within
    /// noise); through ZeroMQ's broker every such pull costs a round trip to
    /// another process (ZeroMQ W7 36.0 → 40.3 ms). Maps with an explicit
    /// chunk size, folds and scans keep their chunks here (W6 on MPI lost
    /// 60 % with the bound).
    static func localShare(of count: Int, on node: Node, mode: ChunkMode, chunkSize: Int?) -> Int {
        guard node.transportKind == .mpi, mode == .map, chunkSize == nil, node.poolSlots > node.slotCount else {
            return count
        }
        return count * node.slotCount / node.poolSlots
    }

    /// Elements whose encoded arguments are at least this large cost more
    /// to move (encode, two hops through the broker, decode: about 1–2 ms per
    /// MiB on the development machine) than computing one typically takes,
    /// so chunks of them leave their process only for an idle worker (W5 on
    /// ZeroMQ: about 1 → 3.2–4.0 GB/s; MPI: 1.2–2.2 → 3.2–5.0 GB/s). The rule
    /// is per element: a chunk of many small elements is cheap to move for
    /// the work it carries, and still spills when the local backlog is long.
    static let costlyToMoveElementBytes = 256 << 10

    /// Whether elements of `elementBytes` encoded bytes are costly to move (see ``costlyToMoveElementBytes``).
    static func isCostlyToMove(elementBytes: Int) -> Bool { elementBytes >= costlyToMoveElementBytes }

    /// About how many argument bytes one chunk that leaves the process carries.
    static let targetBytes = 512 << 10

    /// How many elements of `size` encoded bytes fit in ``targetBytes`` (at least one).
    static func elementLimit(forEncodedElementSize size: Int) -> Int {
        max(1, min(maximumChunk, targetBytes / max(1, size)))
    }
}
