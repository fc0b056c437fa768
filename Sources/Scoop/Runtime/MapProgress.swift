#if canImport(Glibc)
import Glibc
#endif
import ScoopCore
import Synchronization

/// The progress bar of the origin's maps: done/total, rate and time left.
///
/// Where it goes: on the threads transport, standard error when it is a
/// terminal; under `scoop run`, to the launcher (`SCOOP_PROGRESS=broker`),
/// which owns the terminal and draws it between forwarded output lines.
/// Off with `SCOOP_PROGRESS=0` (`scoop run --no-progress`), when standard
/// error is not a terminal, and for maps of fewer than ``minimumElements``.
///
/// Threading: completions arrive from any thread; one lock; drawing at most
/// every ``redrawInterval``, never before ``delay`` (short maps show nothing).
final class MapProgress: Sendable {
    enum Output: Sendable {
        case terminal
        case broker(any NodeTransport, WorkerID)
    }

    static let minimumElements = 20
    static let delay: UInt64 = 300_000_000
    static let redrawInterval: UInt64 = 100_000_000

    private let output: Output
    private struct State {
        var total = 0
        var done = 0
        var started: UInt64 = 0
        var lastDraw: UInt64 = 0
        var drawn = false
    }
    private let state = Mutex(State())

    init(output: Output) { self.output = output }

    /// The progress of this process's maps, if it shows one.
    static func make(environment: ProcessEnvironment, transport: (any NodeTransport)?, workerID: WorkerID) -> MapProgress? {
        let setting = environment["SCOOP_PROGRESS"]
        // `0` (or any other "off" word of ``EnvironmentFlag``) turns it off; `broker` is the launcher's.
        let turnedOff = (try? EnvironmentFlag.value(of: "SCOOP_PROGRESS", in: environment.variables)) == false
        guard workerID == .origin, !turnedOff else { return nil }
        if let transport {
            return setting == "broker" ? MapProgress(output: .broker(transport, workerID)) : nil
        }
        return isatty(2) == 1 ? MapProgress(output: .terminal) : nil
    }

    /// Follows the chunks of a map of `total` elements started by the program's body.
    func track(_ chunks: [(core: FutureCore, count: Int)], total: Int) {
        guard total >= Self.minimumElements else { return }
        let now = MonotonicClock.nanoseconds
        state.withLock { state in
            if state.done >= state.total { state = State(started: now) }
            state.total += total
        }
        for chunk in chunks {
            let count = chunk.count
            chunk.core.onCompletion { [self] in advance(by: count) }
        }
    }

    private func advance(by count: Int) {
        let now = MonotonicClock.nanoseconds
        let action: (record: ProgressRecord, finished: Bool)? = state.withLock { state in
            state.done += count
            let finished = state.done >= state.total
            let due = now &- state.started >= Self.delay && now &- state.lastDraw >= Self.redrawInterval
            guard finished ? state.drawn : due else { return nil }
            state.lastDraw = now
            state.drawn = !finished
            return (ProgressRecord(total: state.total, done: state.done, elapsedNanoseconds: now &- state.started), finished)
        }
        if let action { show(action.record, finished: action.finished) }
    }

    private func show(_ record: ProgressRecord, finished: Bool) {
        switch output {
        case .terminal:
            // Draw over the line; a finished map leaves no trace.
            let text = "\r\u{1B}[K" + (finished ? "" : record.line(width: Self.terminalWidth))
            _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        case .broker(let transport, let worker):
            transport.send(Envelope(kind: .event, source: worker, target: .broker, payload: record.encoded()))
        }
    }

    static var terminalWidth: Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col) - 1
    }
}
