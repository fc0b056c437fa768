/// An error thrown by a task, as it travels back to whoever awaits the future.
///
/// It keeps the original error's type name and description, and where it
/// happened: the task function, the worker and its host.
///
/// ```swift
/// do {
///     _ = try await future.value
/// } catch let error as RemoteError {
///     print(error)   // Parser.ParseError (from task 'parse' on worker 2@node07): badInput(3)
///     if error.typeName == String(reflecting: ParseError.self) { … }
/// }
/// ```
public struct RemoteError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    /// The original error's type, as `String(reflecting:)` prints it (`Module.Type`).
    public var typeName: String
    /// The original error's description, as `String(describing:)` prints it.
    public var message: String
    /// The name of the task function that threw, when known.
    public var function: String?
    /// The worker that ran the task, when known.
    public var worker: UInt32?
    /// The host of that worker, when known.
    public var host: String?

    /// Creates a remote error from its parts.
    ///
    /// ```swift
    /// let e = RemoteError(typeName: "Sim.Diverged", message: "step 9", function: "simulate", worker: 3)
    /// ```
    public init(typeName: String, message: String, function: String? = nil, worker: UInt32? = nil, host: String? = nil) {
        self.typeName = typeName
        self.message = message
        self.function = function
        self.worker = worker
        self.host = host
    }

    /// Captures `error` for the trip back: its type name and its description.
    /// A `RemoteError` passing through another task keeps its original origin, and
    /// only gains the parts it did not know.
    ///
    /// ```swift
    /// catch {
    ///     let remote = RemoteError(describing: error, function: "parse", worker: 2, host: "node07")
    /// }
    /// ```
    public init(describing error: any Error, function: String? = nil, worker: UInt32? = nil, host: String? = nil) {
        if let remote = error as? RemoteError {
            self = remote
            if self.function == nil && self.worker == nil && self.host == nil {
                self.function = function
                self.worker = worker
                self.host = host
            }
            return
        }
        self.init(
            typeName: String(reflecting: type(of: error)),
            message: String(describing: error),
            function: function,
            worker: worker,
            host: host)
    }

    /// `Type (from task 'f' on worker 2@host): message`; the parts not known are left out.
    ///
    /// ```swift
    /// RemoteError(typeName: "X", message: "m", function: "f").description   // X (from task 'f'): m
    /// ```
    public var description: String {
        var origin: [String] = []
        if let function { origin.append("task '\(function)'") }
        switch (worker, host) {
        case let (worker?, host?): origin.append("worker \(worker)@\(host)")
        case let (worker?, nil): origin.append("worker \(worker)")
        case let (nil, host?): origin.append("host \(host)")
        case (nil, nil): break
        }
        let from = origin.isEmpty ? "" : " (from " + origin.joined(separator: " on ") + ")"
        return "\(typeName)\(from): \(message)"
    }
}
