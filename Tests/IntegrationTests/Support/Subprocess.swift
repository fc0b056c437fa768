import Foundation
import Synchronization
import Testing

/// A process started by a test, its stdout and stderr going to files (so that
/// nothing is lost or blocks, whatever its descendants do with them).
///
/// Started with `posix_spawn`, not Foundation's `Process`: on Linux, that one
/// reaps every child on one shared thread, which blocks for as long as any
/// child that closed its inherited descriptors (sshd does) runs; and its
/// children inherit the spawning thread's blocked signals.
///
/// ```swift
/// let broker = try Subprocess(Products.scoop, ["broker"])
/// defer { broker.killTree() }
/// let ready = await broker.waitForOutput(.stdout, timeout: .seconds(10)) { $0.contains("\n") }
/// ```
final class Subprocess: Sendable {
    enum Stream: Sendable { case stdout, stderr }

    /// The command line, for messages.
    let commandLine: String
    /// Its process id, and the id of its process group.
    let processID: Int32
    let started = ContinuousClock.now
    private let files: TemporaryDirectory
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with exactly `environment` (see ``TestEnvironment``),
    /// in a process group of its own, with no signal blocked.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = TestEnvironment.make()) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        files = try TemporaryDirectory("process")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, files.file("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, files.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let descriptor = Int32(name), descriptor > STDERR_FILENO {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var processID = pid_t()
        let result = posix_spawn(&processID, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXFailure("starting \(executable)", result) }
        self.processID = processID
    }

    /// The exit status (128 + signal when killed by one), once it has ended.
    var exitStatus: Int32? {
        status.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(processID, &raw, WNOHANG) == processID {
                    let signal = raw & 0x7F
                    status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
                }
            }
            return status
        }
    }

    /// Everything the process wrote to `stream` so far.
    func output(_ stream: Stream) -> String {
        let data = FileManager.default.contents(atPath: files.file(stream == .stdout ? "stdout" : "stderr")) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    var stdout: String { output(.stdout) }
    var stderr: String { output(.stderr) }

    /// Waits at most `timeout` for the process to end; its status, or nil if it still runs.
    func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits at most `timeout` until `stream` satisfies `condition`; false if
    /// the deadline passed or the process ended without it.
    func waitForOutput(_ stream: Stream, timeout: Duration, until condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let ended = exitStatus != nil
            if condition(output(stream)) { return true }
            if ended || ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Ends the process the polite way (SIGTERM: `scoop` stops its own
    /// children), then SIGKILLs it and every descendant still there.
    func stop(grace: Duration = .seconds(3)) async {
        guard exitStatus == nil else { return }
        let tree = ProcessTree.descendants(of: processID)
        kill(processID, SIGTERM)
        _ = await wait(timeout: grace)
        for pid in tree.reversed() { kill(pid, SIGKILL) }
        if exitStatus == nil { kill(processID, SIGKILL) }
        _ = await wait(timeout: .seconds(5))
    }

    /// SIGKILLs the process and its descendants now (cleanup in `defer`).
    func killTree() {
        guard exitStatus == nil else { return }
        let tree = ProcessTree.descendants(of: processID)
        kill(-processID, SIGKILL)
        for pid in tree.reversed() { kill(pid, SIGKILL) }
        status.withLock { status in
            guard status == nil else { return }
            var raw: Int32 = 0
            _ = waitpid(processID, &raw, 0)
            status = 128 + SIGKILL
        }
    }

    /// The last lines of stderr, for failure messages.
    var stderrTail: String { lines(stderr).suffix(20).joined(separator: "\n") }
}

/// Descendants of a process, from /proc (parents before children).
enum ProcessTree {
    static func descendants(of root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/stat") else { continue }
            let stat = String(decoding: data, as: UTF8.self)
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { continue }
            children[parent, default: []].append(pid)
        }
        var result: [Int32] = []
        var queue = children[root] ?? []
        while !queue.isEmpty {
            let pid = queue.removeFirst()
            result.append(pid)
            queue += children[pid] ?? []
        }
        return result
    }
}

/// How a finished (or killed) command went.
struct RunResult: Sendable, CustomStringConvertible {
    var commandLine: String
    /// The exit status; nil when it did not end in time and was killed.
    var status: Int32?
    var stdout: String
    var stderr: String
    var elapsed: Duration

    var stdoutLines: [String] { lines(stdout) }

    var description: String {
        let status = self.status.map { "status \($0)" } ?? "timed out"
        return "\(commandLine): \(status) after \(elapsed)\n--- stdout:\n\(stdout.suffix(3000))\n--- stderr:\n\(stderr.suffix(3000))"
    }
}

/// Runs a command to its end, or kills it (and its descendants) after
/// `timeout` and records that as a test failure.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = TestEnvironment.make(),
         timeout: Duration = .seconds(60),
         sourceLocation: SourceLocation = #_sourceLocation) async throws -> RunResult {
    let process = try Subprocess(executable, arguments, environment: environment)
    return await finish(process, timeout: timeout, sourceLocation: sourceLocation)
}

/// Waits for a started process to end (killing it after `timeout`, a test failure).
func finish(_ process: Subprocess, timeout: Duration = .seconds(60),
            sourceLocation: SourceLocation = #_sourceLocation) async -> RunResult {
    let status = await process.wait(timeout: timeout)
    if status == nil {
        await process.stop()
    }
    let result = RunResult(commandLine: process.commandLine, status: status, stdout: process.stdout,
                           stderr: process.stderr, elapsed: ContinuousClock.now - process.started)
    if status == nil {
        Issue.record("did not finish within \(timeout), killed: \(result)", sourceLocation: sourceLocation)
    }
    return result
}

/// `scoop ARGUMENTS`, run to its end.
func scoop(_ arguments: [String], environment: [String: String] = TestEnvironment.make(),
           timeout: Duration = .seconds(60),
           sourceLocation: SourceLocation = #_sourceLocation) async throws -> RunResult {
    try await run(Products.scoop, arguments, environment: environment, timeout: timeout, sourceLocation: sourceLocation)
}
