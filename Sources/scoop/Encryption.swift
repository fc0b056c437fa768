import ArgumentParser

/// `--encryption`: whether broker traffic uses ZeroMQ CURVE (see docs/security.md).
enum Encryption: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// CURVE when any worker is on another host (127.0.0.2 counts as one); plain loopback otherwise.
    case auto
    /// CURVE even on one host (e.g. a machine shared with other users).
    case always
    /// Never; with remote hosts the launcher warns that anyone can join.
    case never
}
