import Foundation
import Testing

/// Runs a command with its standard input, output and error on a new
/// pseudo-terminal (as in an interactive shell) and collects what it wrote.
enum PseudoTerminal {
    struct Result {
        let status: Int32?
        /// Everything written to the terminal (output and error together; the
        /// terminal's `\r\n` line ends turned back into `\n`).
        let output: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    columns: UInt16 = 100, timeout: Duration = .seconds(60)) throws -> Result {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXFailure("openpty", errno) }
        defer { close(master) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] { posix_spawn_file_actions_adddup2(&actions, slave, target) }
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(slave)
        guard spawned == 0 else { throw POSIXFailure("posix_spawn \(executable)", spawned) }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var status: Int32?
        while ContinuousClock.now < deadline {
            var poll = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&poll, 1, 50) > 0
            if ready {
                let count = read(master, &buffer, buffer.count)
                if count > 0 { output += buffer[0..<count]; continue }
            }
            var raw: Int32 = 0
            if status == nil, waitpid(pid, &raw, WNOHANG) == pid {
                status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
                continue   // read what is left
            }
            // The child ended and the terminal has nothing more (timed out or hung up).
            if status != nil { break }
        }
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        return Result(status: status, output: String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }
}
