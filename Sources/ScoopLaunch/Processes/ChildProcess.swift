import Foundation
import Synchronization

/// A started worker process (local, or the `ssh` that runs a remote one),
/// with its output forwarded line by line and its end reported once.
public final class ChildProcess: Sendable {
    public let workerID: Int
    public let host: String
    /// The process id (of the local worker, or of the local `ssh`).
    public let processID: Int32
    private let exit: ExitSignal

    /// Starts `executable` with `arguments`; `environment` is added to the launcher's.
    /// The child has its own process group and no signal blocked (see ``Spawn``).
    /// Its standard input is `standardInput` then end of file (at most
    /// ``Spawn/standardInputLimit`` bytes, e.g. keys for `ssh` to pass on), or /dev/null.
    public init(workerID: Int, host: String, executable: String, arguments: [String], environment: [String: String],
                standardInput: [UInt8]? = nil, stdout: LineForwarder, stderr: LineForwarder) throws {
        self.workerID = workerID
        self.host = host
        let started = try Spawn.start(Self.resolve(executable), arguments: arguments,
                                      environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                      standardInput: standardInput)
        let exit = ExitSignal(outputs: 2)
        // One blocking thread per pipe, not `readabilityHandler`: tearing down
        // its dispatch read source crashes libdispatch on Linux
        // (swift-corelibs-libdispatch#949) and can lose the last output.
        Self.forward(started.stdout, to: stdout, name: "scoop-stdout-\(workerID)", then: exit)
        Self.forward(started.stderr, to: stderr, name: "scoop-stderr-\(workerID)", then: exit)
        let processID = started.processID
        let drainLimit = Self.outputDrainLimit
        let reaper = Thread {
            exit.finish(status: Spawn.waitForExit(processID))
            // A descendant that inherited the pipes may keep them open: stop waiting for them after a while.
            DispatchQueue.global().asyncAfter(deadline: .now() + drainLimit) { exit.stopWaitingForOutput() }
        }
        reaper.name = "scoop-wait-\(workerID)"
        reaper.start()
        self.exit = exit
        self.processID = processID
    }

    /// Waits for the process to end and its output to be forwarded (its
    /// stdout and stderr closed, or ``outputDrainLimit`` after it ended);
    /// returns its exit status (128 + signal if killed).
    public func wait() async -> Int32 { await exit.wait() }

    /// The exit status, if it has ended (its last output may still be on its way).
    public var exitStatus: Int32? { exit.status }

    /// How long ``wait()`` waits, after the process ended, for the end of its output.
    static let outputDrainLimit = DispatchTimeInterval.seconds(2)

    /// Sends `signal` (SIGTERM by default) to its process group (the worker
    /// and what it started) if it still runs.
    public func terminate(signal: Int32 = SIGTERM) {
        guard exitStatus == nil else { return }
        kill(-processID, signal)
    }

    /// Reads `descriptor` until end of file on a thread of its own, feeding `forwarder`, then closes it.
    private static func forward(_ descriptor: Int32, to forwarder: LineForwarder, name: String, then exit: ExitSignal) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    forwarder.feed(Array(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            forwarder.flush()
            exit.outputClosed()
        }
        thread.name = name
        thread.start()
    }

    /// Finds `name` on PATH unless it is a path already.
    static func resolve(_ name: String) -> String {
        if name.contains("/") { return name }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }
}

/// A process's exit status, set once, awaited by any number of tasks; the
/// waiters resume once the process ended and its outputs are closed (or no
/// longer waited for), so that its last lines are forwarded before.
final class ExitSignal: Sendable {
    private struct State {
        var status: Int32?
        var openOutputs: Int
        var waiters: [CheckedContinuation<Int32, Never>] = []
        var isComplete: Bool { status != nil && openOutputs == 0 }
    }
    private let state: Mutex<State>

    init(outputs: Int = 0) { state = Mutex(State(openOutputs: outputs)) }

    var status: Int32? { state.withLock { $0.status } }

    func finish(status: Int32) {
        update { state in
            guard state.status == nil else { return }
            state.status = status
        }
    }

    /// One of the process's outputs reached its end.
    func outputClosed() {
        update { $0.openOutputs = max(0, $0.openOutputs - 1) }
    }

    /// Stops waiting for outputs still open (held by a descendant).
    func stopWaitingForOutput() {
        update { $0.openOutputs = 0 }
    }

    private func update(_ change: (inout State) -> Void) {
        let (status, waiters) = state.withLock { state -> (Int32, [CheckedContinuation<Int32, Never>]) in
            change(&state)
            guard state.isComplete, let status = state.status else { return (0, []) }
            defer { state.waiters = [] }
            return (status, state.waiters)
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock {
                if $0.isComplete, let status = $0.status { return status }
                $0.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
