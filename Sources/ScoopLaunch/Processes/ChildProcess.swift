import Foundation
import Synchronization

/// A started worker process (local, or the `ssh` that runs a remote one),
/// with its output forwarded line by line and its end reported once.
public final class ChildProcess: Sendable {
    public let workerID: Int
    public let host: String
    /// The process id (of the local worker, or of the local `ssh`).
    public let processID: Int32
    /// Foundation's `Process` is not Sendable: it is kept only so that it
    /// lives as long as this object, and only touched under this lock.
    private let process: Mutex<Process>
    private let exit: ExitSignal

    /// Starts `executable` with `arguments`; `environment` is added to the launcher's.
    public init(workerID: Int, host: String, executable: String, arguments: [String], environment: [String: String],
                stdout: LineForwarder, stderr: LineForwarder) throws {
        self.workerID = workerID
        self.host = host
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.resolve(executable))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        for (pipe, forwarder) in [(out, stdout), (err, stderr)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    forwarder.flush()
                } else {
                    forwarder.feed(Array(data))
                }
            }
        }
        let exit = ExitSignal()
        process.terminationHandler = { finished in
            let signalled = finished.terminationReason == .uncaughtSignal
            exit.finish(status: signalled ? 128 + finished.terminationStatus : finished.terminationStatus)
        }
        try process.run()
        self.exit = exit
        self.processID = process.processIdentifier
        self.process = Mutex(process)
    }

    /// Waits for the process to end; returns its exit status (128 + signal if killed).
    public func wait() async -> Int32 { await exit.wait() }

    /// The exit status, if it has ended.
    public var exitStatus: Int32? { exit.status }

    /// Sends `signal` (SIGTERM by default) if it still runs.
    public func terminate(signal: Int32 = SIGTERM) {
        guard exitStatus == nil else { return }
        kill(processID, signal)
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

/// A process's exit status, set once, awaited by any number of tasks.
final class ExitSignal: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    var status: Int32? { state.withLock { $0.status } }

    func finish(status: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            guard state.status == nil else { return [] }
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock {
                if let status = $0.status { return status }
                $0.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
