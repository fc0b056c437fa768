import Foundation

/// Starts processes with `posix_spawn(3)` rather than Foundation's `Process`,
/// which on Linux (a) lets the child inherit the signal mask of the spawning
/// thread (a Swift concurrency or dispatch thread blocks SIGTERM and SIGINT,
/// so workers could not be stopped) and (b) reaps every child on one shared
/// thread that blocks in `waitpid` as soon as a child closes its inherited
/// descriptors (as `ssh` does at start), so that no other child's end is
/// seen until that one ends.
///
/// The child starts with no signal blocked, default dispositions for the
/// usual signals, its own process group, stdin from /dev/null (or a pipe
/// holding `standardInput`, written whole before the child starts, then
/// closed: the child reads it, then end of file), stdout and stderr into new
/// pipes, and no other descriptor of the launcher (the launcher starts its
/// children from one thread at a time).
enum Spawn {
    /// A process that could not be started, with the system's reason.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A started process and the read ends of its stdout and stderr.
    struct Started {
        var processID: pid_t
        var stdout: Int32
        var stderr: Int32
    }

    /// The most `standardInput` may hold: well below what a pipe takes
    /// without blocking its writer (64 KiB on Linux, 16 KiB on macOS), since
    /// it is written before the child starts.
    static let standardInputLimit = 4096

    static func start(_ path: String, arguments: [String], environment: [String: String],
                      standardInput: [UInt8]? = nil) throws(Failure) -> Started {
        let input = try standardInput.map { bytes throws(Failure) in try filledPipe(bytes) }
        defer { if let input { close(input) } }
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw failure("pipe", errno) }
        guard pipe(&err) == 0 else {
            let code = errno
            close(out[0]); close(out[1])
            throw failure("pipe", code)
        }
        for descriptor in out + err { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO)
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO)
        for descriptor in openDescriptors() where descriptor > STDERR_FILENO {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var processID = pid_t()
        let result = posix_spawn(&processID, path, &actions, &attributes, argv, envp)
        close(out[1])
        close(err[1])
        guard result == 0 else {
            close(out[0])
            close(err[0])
            throw Failure(description: "\(String(cString: strerror(result))) (errno \(result))")
        }
        return Started(processID: processID, stdout: out[0], stderr: err[0])
    }

    /// Waits for `processID` to end (blocking) and reaps it: its exit
    /// status, or 128 + the signal that killed it.
    static func waitForExit(_ processID: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(processID, &status, 0) < 0 {
            if errno != EINTR { return 255 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// The read end of a new pipe that already holds `bytes` and whose write end is closed.
    private static func filledPipe(_ bytes: [UInt8]) throws(Failure) -> Int32 {
        guard bytes.count <= standardInputLimit else {
            throw Failure(description: "standard input of \(bytes.count) bytes is more than a pipe holds (\(standardInputLimit))")
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw failure("pipe", errno) }
        for descriptor in ends { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(ends[0]); close(ends[1])
                throw failure("write to a pipe", code)
            }
            written += count
        }
        close(ends[1])
        return ends[0]
    }

    /// This process's open descriptors (closing one that is not open is harmless in the child).
    private static func openDescriptors() -> [Int32] {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return names.compactMap { Int32($0) }
        }
        return Array(0..<Int32(min(sysconf(Int32(_SC_OPEN_MAX)), 4096)))
    }

    private static func failure(_ what: String, _ code: Int32) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}
