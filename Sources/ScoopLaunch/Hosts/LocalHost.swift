#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which host names mean "this machine", where workers are started directly
/// rather than over `ssh`.
///
/// Local: `localhost`, `localhost.localdomain`, `127.0.0.1`, `::1` (also
/// written `[::1]` or `0:0:0:0:0:0:0:1`), this machine's host name and its
/// short form (before the first `.`), compared without regard to case.
/// Everything else is remote, including the other loopback addresses such as
/// `127.0.0.2` (tests use them to reach a real `sshd` as "another host"),
/// `user@localhost` (another account) and this machine's other addresses.
/// A wrongly remote host still works (through `ssh`); a wrongly local one
/// would not, so the rule errs towards remote.
///
/// ```swift
/// LocalHost.isLocal("localhost")  // true
/// LocalHost.isLocal("127.0.0.2")  // false
/// LocalHost.isLocal(LocalHost.hostname) // true
/// ```
public enum LocalHost {
    /// Names and addresses that are always this machine.
    static let loopbackNames: Set<String> = [
        "localhost", "localhost.localdomain", "127.0.0.1", "::1", "[::1]", "0:0:0:0:0:0:0:1",
    ]

    /// This machine's host name, as `gethostname(2)` reports it (no DNS lookup);
    /// empty if it cannot be read.
    public static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `name` is this machine (see ``LocalHost``).
    public static func isLocal(_ name: String) -> Bool {
        isLocal(name, hostname: hostname)
    }

    /// Whether `name` is this machine, given this machine's host name
    /// (for tests and for callers that already know it).
    ///
    /// ```swift
    /// LocalHost.isLocal("node01", hostname: "node01.cluster") // true
    /// LocalHost.isLocal("node02", hostname: "node01.cluster") // false
    /// ```
    public static func isLocal(_ name: String, hostname: String) -> Bool {
        let name = name.lowercased()
        if loopbackNames.contains(name) { return true }
        let hostname = hostname.lowercased()
        guard !hostname.isEmpty else { return false }
        let short = hostname.prefix { $0 != "." }
        return name == hostname || name == short
    }
}
