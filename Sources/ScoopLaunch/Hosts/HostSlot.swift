/// One host and how many workers it offers.
///
/// `slots == nil` means "as many workers as the host has cores". Host sources
/// leave it `nil` when the count is missing (or `0` in a hostfile); the launcher
/// resolves it: ``WorkerPlacement/place(workers:on:localCores:isLocal:)`` uses
/// this machine's core count for a local host, and a remote host's count must be
/// filled in by the caller (for example by asking the host) before placing.
///
/// ```swift
/// let fixed = HostSlot("node01", slots: 4)
/// let allCores = HostSlot("node02") // slots: nil
/// ```
public struct HostSlot: Equatable, Hashable, Sendable {
    /// The host name or address, as given (never empty, never starts with `-`).
    public var name: String
    /// The number of workers this host offers; `nil` means its core count.
    public var slots: Int?

    /// Creates a host entry; omit `slots` for "one worker per core".
    public init(_ name: String, slots: Int? = nil) {
        self.name = name
        self.slots = slots
    }
}
