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

    /// Declares a task function. `name` must be unique in the program.
    public init(_ name: String, _ body: @escaping @Sendable (repeat each Argument) async throws -> Result) {
        self.name = name
        self.id = FunctionID(name: name)
        self.body = body
        self.syncBody = nil
    }

    /// Declares a task function whose code does not await (the common case
    /// for numeric kernels). A closure without `await` picks this one.
    public init(_ name: String, _ body: @escaping @Sendable (repeat each Argument) throws -> Result) {
        self.name = name
        self.id = FunctionID(name: name)
        self.body = { (argument: repeat each Argument) async throws -> Result in try body(repeat each argument) }
        self.syncBody = body
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

    /// Encodes one argument record.
    func encodeArguments(_ argument: repeat each Argument, into writer: inout PayloadWriter) throws {
        for value in repeat each argument {
            try writer.write(value)
        }
    }
}

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
