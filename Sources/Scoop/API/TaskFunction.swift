import ScoopCore

/// A function that can run as a future in any process of the pool.
///
/// Swift cannot send closures between processes, so a task function is a value
/// with a stable name. Every process runs the same binary and registers the
/// same functions (``Pool/run(functions:options:body:)``), so a name means the
/// same code everywhere. Arguments and result are `Codable & Sendable` copies.
///
/// ```swift
/// let square = TaskFunction("square") { (x: Int) in x * x }
/// let add = TaskFunction("add") { (a: Int, b: Int) in a + b }
/// let seed = TaskFunction("seed") { () in 42 }
/// ```
public struct TaskFunction<each Argument: Codable & Sendable, Result: Codable & Sendable>: Sendable {
    /// The stable name this function is registered and sent under.
    public let name: String
    /// The name's wire id.
    public let id: FunctionID
    /// The code. Calling it directly runs it here, as a plain async call.
    public let body: @Sendable (repeat each Argument) async throws -> Result
    /// The same code when it was declared synchronous: chunks of tiny tasks
    /// call it in a plain loop, without an executor hop per element.
    let syncBody: (@Sendable (repeat each Argument) throws -> Result)?
    /// The synchronous body applied to a whole chunk of a map in one loop.
    /// It is built by the synchronous initializer, which is inlined into the
    /// code that declares the function, so the loop is compiled for the
    /// concrete argument and result types (no generic value witnesses, no
    /// `Result` box per element). Nil for asynchronous bodies.
    let chunkKernel: (@Sendable ([(repeat each Argument)]) -> ChunkValues<Result>)?
    /// The synchronous body folded over a chunk with a synchronous reduce
    /// (map-reduce and scan leaves), compiled like ``chunkKernel``.
    let foldKernel: (@Sendable ([(repeat each Argument)], _ reduce: (Result, Result) throws -> Result,
                                _ keepPrefixes: Bool) throws -> FoldValues<Result>)?

    /// Declares a task function. `name` must be unique in the program.
    public init(_ name: String, _ body: @escaping @Sendable (repeat each Argument) async throws -> Result) {
        self.init(name: name, body: body, syncBody: nil, chunkKernel: nil, foldKernel: nil)
    }

    /// Declares a task function whose code does not await (the common case
    /// for numeric kernels). A closure without `await` picks this one.
    @inlinable
    public init(_ name: String, _ body: @escaping @Sendable (repeat each Argument) throws -> Result) {
        self.init(
            name: name,
            body: { (argument: repeat each Argument) async throws -> Result in try body(repeat each argument) },
            syncBody: body,
            chunkKernel: { elements in
                var values: [Result] = []
                values.reserveCapacity(elements.count)
                var failures: [ChunkFailure] = []
                var index = 0
                for element in elements {
                    do {
                        values.append(try body(repeat each element))
                    } catch {
                        failures.append(ChunkFailure(index: index, error: error))
                    }
                    index += 1
                }
                return ChunkValues(values: values, failures: failures)
            },
            foldKernel: { elements, reduce, keepPrefixes in
                var accumulator: Result?
                var prefixes: [Result] = []
                if keepPrefixes { prefixes.reserveCapacity(elements.count) }
                for element in elements {
                    let value = try body(repeat each element)
                    let next = try accumulator.map { try reduce($0, value) } ?? value
                    accumulator = next
                    if keepPrefixes { prefixes.append(next) }
                }
                return FoldValues(accumulator: accumulator, prefixes: prefixes)
            }
        )
    }

    @usableFromInline
    init(
        name: String,
        body: @escaping @Sendable (repeat each Argument) async throws -> Result,
        syncBody: (@Sendable (repeat each Argument) throws -> Result)?,
        chunkKernel: (@Sendable ([(repeat each Argument)]) -> ChunkValues<Result>)?,
        foldKernel: (@Sendable ([(repeat each Argument)], _ reduce: (Result, Result) throws -> Result,
                                _ keepPrefixes: Bool) throws -> FoldValues<Result>)?
    ) {
        self.name = name
        self.id = FunctionID(name: name)
        self.body = body
        self.syncBody = syncBody
        self.chunkKernel = chunkKernel
        self.foldKernel = foldKernel
    }

    /// Runs the function here, without a future.
    public func callAsFunction(_ argument: repeat each Argument) async throws -> Result {
        try await body(repeat each argument)
    }
}

/// A task function with its types erased, as the registry holds it.
///
/// Conformers are the ``TaskFunction`` values themselves; pass them to
/// ``Pool/run(functions:options:body:)``.
public protocol RegisteredFunction: Sendable {
    var name: String { get }
    var id: FunctionID { get }
    /// Decodes one argument record and returns the call to make.
    func decodeCall(from reader: inout PayloadReader) throws -> @Sendable () async throws -> any Sendable
    /// Calls the function with arguments already in memory (chunk folds on workers).
    func callErased(_ arguments: [any Sendable]) async throws -> any Sendable
    /// Encodes a result this function returned.
    func encodeResult(_ value: any Sendable, into writer: inout PayloadWriter) throws
}

/// What a worker needs to run a map chunk for a ``TaskFunction`` with its
/// types erased (internal: every registered function is a `TaskFunction`).
protocol ChunkRunnable: RegisteredFunction {
    /// Encodes results this function returned as one array.
    func encodeResults(_ values: [any Sendable], into writer: inout PayloadWriter) throws
    /// Runs `count` argument records of a map chunk through the function's
    /// chunk kernel (synchronous bodies only); nil when it has no kernel.
    func runChunkKernel(from reader: inout PayloadReader, count: Int) throws -> ChunkOutcome?
    /// Folds `count` argument records of a fold (`keepPrefixes` false) or
    /// scan chunk through the function's fold kernel with `reduce`, and
    /// returns the encoded chunk result; nil, reading nothing, when either
    /// function is asynchronous or `reduce` does not take this function's results.
    func runFoldKernel(from reader: inout PayloadReader, count: Int, reduce: any RegisteredFunction,
                       keepPrefixes: Bool) throws -> [UInt8]?
}

/// A map chunk run on a worker: how many elements, the encoded array of the
/// successful values, and the failures by index.
struct ChunkOutcome: Sendable {
    let count: Int
    let encodedValues: [UInt8]
    let failures: [ChunkFailure]
}

extension TaskFunction: RegisteredFunction {
    public func decodeCall(from reader: inout PayloadReader) throws -> @Sendable () async throws -> any Sendable {
        let cursor = ReaderCursor(reader)
        let arguments = (repeat try cursor.read((each Argument).self))
        reader = cursor.reader
        let body = self.body
        return { try await body(repeat each arguments) }
    }

    public func callErased(_ arguments: [any Sendable]) async throws -> any Sendable {
        let cursor = ValueCursor(arguments, function: name)
        return try await body(repeat try cursor.next((each Argument).self))
    }

    public func encodeResult(_ value: any Sendable, into writer: inout PayloadWriter) throws {
        guard let typed = value as? Result else {
            throw ScoopError.internalInconsistency("task '\(name)' returned \(type(of: value)), expected \(Result.self)")
        }
        try writer.write(typed)
    }

    func encodeResults(_ values: [any Sendable], into writer: inout PayloadWriter) throws {
        var typed: [Result] = []
        typed.reserveCapacity(values.count)
        for value in values {
            guard let value = value as? Result else {
                throw ScoopError.internalInconsistency("task '\(name)' returned \(type(of: value)), expected \(Result.self)")
            }
            typed.append(value)
        }
        try writer.write(typed)
    }

    func runChunkKernel(from reader: inout PayloadReader, count: Int) throws -> ChunkOutcome? {
        guard let chunkKernel else { return nil }
        let outcome = chunkKernel(try readElements(from: &reader, count: count))
        var values = PayloadWriter()
        try values.write(outcome.values)
        return ChunkOutcome(count: count, encodedValues: values.bytes, failures: outcome.failures)
    }

    func runFoldKernel(from reader: inout PayloadReader, count: Int, reduce: any RegisteredFunction,
                       keepPrefixes: Bool) throws -> [UInt8]? {
        guard let foldKernel, let typedReduce = reduce as? TaskFunction<Result, Result, Result>,
              let syncReduce = typedReduce.syncBody else { return nil }
        let folded = try foldKernel(try readElements(from: &reader, count: count), syncReduce, keepPrefixes)
        var writer = PayloadWriter()
        if keepPrefixes {
            writer.writeUInt32(UInt32(folded.prefixes.count))
            for prefix in folded.prefixes { try writer.write(prefix) }
        } else {
            guard let accumulator = folded.accumulator else { throw ScoopError.invalidArgument("empty fold chunk") }
            try writer.write(accumulator)
        }
        return writer.bytes
    }

    /// Decodes `count` argument records of a chunk.
    private func readElements(from reader: inout PayloadReader, count: Int) throws -> [(repeat each Argument)] {
        var elements: [(repeat each Argument)] = []
        elements.reserveCapacity(Swift.min(count, reader.remaining))
        let cursor = ReaderCursor(reader)
        for _ in 0..<count {
            elements.append((repeat try cursor.read((each Argument).self)))
        }
        reader = cursor.reader
        return elements
    }

    /// Encodes one argument record.
    func encodeArguments(_ argument: repeat each Argument, into writer: inout PayloadWriter) throws {
        for value in repeat each argument {
            try writer.write(value)
        }
    }
}

extension TaskFunction: ChunkRunnable {}

/// Lets a parameter-pack expansion read arguments in order from a reader.
private final class ReaderCursor {
    var reader: PayloadReader
    init(_ reader: PayloadReader) { self.reader = reader }
    func read<T: Decodable>(_ type: T.Type) throws -> T { try reader.read(type) }
}

/// Lets a parameter-pack expansion take arguments in order from an array.
private final class ValueCursor {
    let values: [any Sendable]
    let function: String
    var index = 0
    init(_ values: [any Sendable], function: String) {
        self.values = values
        self.function = function
    }
    func next<T>(_ type: T.Type) throws -> T {
        guard index < values.count, let value = values[index] as? T else {
            throw ScoopError.internalInconsistency("task '\(function)': argument \(index) is not a \(T.self)")
        }
        index += 1
        return value
    }
}
