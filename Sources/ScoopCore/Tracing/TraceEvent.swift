/// One thing that happened to a future, for traces and run summaries.
///
/// The runtime emits these at a single place per phase into a
/// ``TraceRecorder``; with tracing off the cost is one branch.
public struct TraceEvent: Sendable, Equatable {
    public enum Phase: String, Sendable, Codable {
        case submitted, started, finished, failed, cancelled, spilled, received
    }
    public var phase: Phase
    public var future: FutureID
    public var parent: FutureID
    public var function: FunctionID
    public var worker: WorkerID
    /// Nanoseconds on the emitting process's monotonic clock.
    public var timestampNanoseconds: UInt64
    /// Payload bytes involved (arguments on submit, result on finish), 0 if unknown.
    public var bytes: Int

    public init(phase: Phase, future: FutureID, parent: FutureID, function: FunctionID,
                worker: WorkerID, timestampNanoseconds: UInt64, bytes: Int = 0) {
        self.phase = phase
        self.future = future
        self.parent = parent
        self.function = function
        self.worker = worker
        self.timestampNanoseconds = timestampNanoseconds
        self.bytes = bytes
    }
}
