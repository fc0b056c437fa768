/// A problem with the hosts or the worker count given to `scoop run`.
///
/// Every message names where the bad input came from: the file and line, the
/// flag, or the environment variable and its value, so that it can be shown to
/// the user as is.
///
/// ```swift
/// do {
///     _ = try SlurmNodeList.expand("node[04-01]")
/// } catch {
///     print(error) // SLURM_JOB_NODELIST 'node[04-01]' has a descending range 04-01
/// }
/// ```
public struct HostError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The complete, user-facing message.
    public var message: String

    /// Creates an error with a complete, user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
