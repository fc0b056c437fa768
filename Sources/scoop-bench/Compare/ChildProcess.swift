#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command started by `compare`, its stdout lines stamped with the moment
/// they arrived (the startup measurement), its stderr kept for diagnostics.
struct ChildRun: Sendable {
    struct Line: Sendable {
        /// `BenchClock.now()` when the line was read from the pipe.
        var arrival: UInt64
        var text: String
    }

    var argv: [String]
    /// `BenchClock.now()` just before the process was spawned.
    var spawned: UInt64
    var lines: [Line] = []
    var standardError = ""
    /// Exit status, or 128 + signal number.
    var status: Int32 = -1
    var timedOut = false

    var succeeded: Bool { status == 0 && !timedOut }
}

enum ChildProcessError: Error, CustomStringConvertible {
    case spawn(String, Int32)
    case pipe(Int32)

    var description: String {
        switch self {
        case .spawn(let path, let code): "cannot start \(path): \(String(cString: strerror(code)))"
        case .pipe(let code): "pipe: \(String(cString: strerror(code)))"
        }
    }
}

/// Starts commands with `posix_spawn` in their own process group (so a hung
/// run can be ended as a whole) and reads their output with `poll`.
enum ChildProcess {
    /// Runs `argv` to completion. Ends the process group after `timeout`
    /// seconds. `onLine` sees each stdout line as it arrives.
    static func run(_ argv: [String], environment: [String: String], timeout: Double,
                    onLine: (ChildRun.Line) -> Void = { _ in }) throws -> ChildRun {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw ChildProcessError.pipe(errno) }
        guard pipe(&errPipe) == 0 else { throw ChildProcessError.pipe(errno) }

        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid = pid_t()
        let spawned = BenchClock.now()
        let code = argv[0].contains("/")
            ? posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
            : posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        close(outPipe[1])
        close(errPipe[1])
        guard code == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw ChildProcessError.spawn(argv[0], code)
        }

        var result = ChildRun(argv: argv, spawned: spawned)
        let deadline = spawned + UInt64(timeout * 1e9)
        var pending: [UInt8] = []
        var errorBytes: [UInt8] = []
        var open = (out: true, err: true)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var killed = false
        while open.out || open.err {
            let now = BenchClock.now()
            if now >= deadline && !killed {
                // A launcher's children (mpirun's ranks) may sit in process groups of their own.
                result.timedOut = true
                for descendant in descendants(of: pid) { kill(descendant, SIGTERM) }
                kill(-pid, SIGTERM)
                killed = true
            }
            let wait = killed ? 2_000 : Int32(min(1_000, (deadline - min(now, deadline)) / 1_000_000 + 1))
            var fds = [pollfd(fd: open.out ? outPipe[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open.err ? errPipe[0] : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if killed {
                    for descendant in descendants(of: pid) { kill(descendant, SIGKILL) }
                    kill(-pid, SIGKILL)
                    break
                }
                continue
            }
            if open.out && fds[0].revents != 0 {
                let count = read(outPipe[0], &buffer, buffer.count)
                if count <= 0 {
                    open.out = false
                } else {
                    let arrival = BenchClock.now()
                    pending.append(contentsOf: buffer[0..<count])
                    while let newline = pending.firstIndex(of: 0x0A) {
                        let line = ChildRun.Line(arrival: arrival,
                                                 text: String(decoding: pending[..<newline], as: UTF8.self))
                        pending.removeSubrange(...newline)
                        result.lines.append(line)
                        onLine(line)
                    }
                }
            }
            if open.err && fds[1].revents != 0 {
                let count = read(errPipe[0], &buffer, buffer.count)
                if count <= 0 { open.err = false } else { errorBytes.append(contentsOf: buffer[0..<count]) }
            }
        }
        if !pending.isEmpty {
            result.lines.append(.init(arrival: BenchClock.now(), text: String(decoding: pending, as: UTF8.self)))
        }
        close(outPipe[0])
        close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros: decode by hand.
        let signal = status & 0x7F
        result.status = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        result.standardError = String(decoding: errorBytes, as: UTF8.self)
        return result
    }

    /// Every live process descended from `root` (from the parent ids in `/proc`).
    static func descendants(of root: pid_t) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var children: [pid_t: [pid_t]] = [:]
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let parent = parentID(of: pid) else { continue }
            children[parent, default: []].append(pid)
        }
        var found: [pid_t] = []
        var pending = [root]
        while let next = pending.popLast() {
            for child in children[next] ?? [] {
                found.append(child)
                pending.append(child)
            }
        }
        return found
    }

    /// Field 4 of `/proc/<pid>/stat`.
    private static func parentID(of pid: pid_t) -> pid_t? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// The full path of `name` on `PATH`, if there is one.
    static func which(_ name: String) -> String? {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return nil }
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// This executable's path (`/proc/self/exe`), or `argv[0]`.
    static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return CommandLine.arguments[0]
    }

    /// This process's environment.
    static func currentEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return variables
    }
}
