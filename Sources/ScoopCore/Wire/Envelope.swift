/// The unit every transport moves: a fixed header that brokers route on, and an
/// opaque payload that only the submitter encodes and only the executor decodes.
///
/// The header carries everything routing needs (kind, ids, flags), so a broker
/// never decodes a task's payload. The binary layout is in `docs/wire-protocol.md`
/// and in ``Envelope/encode(into:)``.
public struct Envelope: Sendable, Equatable {
    /// The version of the wire protocol this build speaks. Peers with another
    /// version are refused at the handshake.
    public static let protocolVersion: UInt8 = 3

    public var kind: EnvelopeKind
    public var flags: EnvelopeFlags
    /// The future this message is about (`.none` for control messages).
    public var futureID: FutureID
    /// The future that submitted ``futureID`` (`.none` for the root).
    public var parentID: FutureID
    /// The task function to run (`.none` for control messages).
    public var functionID: FunctionID
    /// The worker that sent this message.
    public var source: WorkerID
    /// The worker this message is for, `.broker` or `.none` ("any worker").
    public var target: WorkerID
    /// Kind-specific bytes, opaque to brokers for tasks and results.
    public var payload: [UInt8]

    public init(
        kind: EnvelopeKind,
        flags: EnvelopeFlags = [],
        futureID: FutureID = .none,
        parentID: FutureID = .none,
        functionID: FunctionID = .none,
        source: WorkerID,
        target: WorkerID = .broker,
        payload: [UInt8] = []
    ) {
        self.kind = kind
        self.flags = flags
        self.futureID = futureID
        self.parentID = parentID
        self.functionID = functionID
        self.source = source
        self.target = target
        self.payload = payload
    }
}

/// What an envelope is. Raw values are part of the wire protocol: never reuse one.
public enum EnvelopeKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A process joins: payload is an encoded ``JoinRequest``.
    case join = 1
    /// The broker accepts a join: payload is an encoded ``JoinReply``.
    case welcome = 2
    /// The broker refuses a join: payload is a UTF-8 reason.
    case refuse = 3
    /// A future to run: payload is the encoded arguments (opaque).
    case task = 4
    /// A future's outcome, routed to `futureID.owner`: payload is the encoded
    /// result, or an encoded ``RemoteError`` when `flags` has `.failed`.
    case result = 5
    /// An idle worker asks for work: payload is a little-endian `UInt32` count.
    /// From the broker to a worker: idle workers elsewhere could start that
    /// many futures; share what waits in your local queue.
    case request = 6
    /// A shared constant: payload is name and encoded value (see ``SharedConstantRecord``).
    case constant = 7
    /// Cancel `futureID` wherever it is queued or running.
    case cancel = 8
    /// Liveness probe / answer.
    case heartbeat = 9
    /// The run is over: stop serving and exit. Payload: optional UTF-8 reason.
    case shutdown = 10
    /// A worker reports it has started running `futureID`, one the broker
    /// sent ahead (flag `sentAhead`): from then on, losing the worker counts
    /// against the future's retry limit.
    case started = 11
    /// A log line or a trace record forwarded to the launcher.
    case event = 12

    public var description: String {
        switch self {
        case .join: "join"
        case .welcome: "welcome"
        case .refuse: "refuse"
        case .task: "task"
        case .result: "result"
        case .request: "request"
        case .constant: "constant"
        case .cancel: "cancel"
        case .heartbeat: "heartbeat"
        case .shutdown: "shutdown"
        case .started: "started"
        case .event: "event"
        }
    }
}

/// Per-envelope flags. Raw values are part of the wire protocol.
public struct EnvelopeFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// A result that is an error (payload: ``RemoteError``).
    public static let failed = EnvelopeFlags(rawValue: 1 << 0)
    /// A task that is a chunk of a map: payload is a count and that many argument records,
    /// and its result is that many per-element outcomes.
    public static let chunk = EnvelopeFlags(rawValue: 1 << 1)
    /// The submitter asks that this future runs in another process (benchmarks, tests).
    public static let remoteOnly = EnvelopeFlags(rawValue: 1 << 2)
    /// The future was cancelled (on a `.result`).
    public static let cancelled = EnvelopeFlags(rawValue: 1 << 3)
    /// A task a worker gives back to the broker: it was sent to it, but the
    /// worker became busy meanwhile (it runs at the head of the queue elsewhere).
    public static let returned = EnvelopeFlags(rawValue: 1 << 4)
    /// A failed result the broker made: the future lost too many workers
    /// (payload: ``WorkerLossReport`` instead of a ``RemoteError``).
    public static let workersLost = EnvelopeFlags(rawValue: 1 << 5)
    /// A task the broker sent against a credit asked ahead: the worker may
    /// hold it until a slot frees, and reports `started` when it starts it.
    public static let sentAhead = EnvelopeFlags(rawValue: 1 << 6)
    /// On the broker's share request: answer it. On a `request` from a
    /// process: the answer (payload: ``ShareReply``), not a request for work.
    public static let shareReply = EnvelopeFlags(rawValue: 1 << 7)
}
