/// Trace events of one process on their way to the collector, in the payload
/// of an `.event` envelope. Workers send one every few hundred milliseconds
/// and a last one (``isFinal``) when they leave.
///
/// Payload: `UInt32 kind` (1), `UInt32 worker`, `String host`, `UInt64 sentAt`
/// (sender's monotonic clock), `Bool final`, `UInt32 slots`, the names of
/// the functions the events mention, then the events.
///
/// ```swift
/// let batch = TraceBatch(worker: WorkerID(2), host: "node07", slots: 1, sentAt: MonotonicClock.nanoseconds,
///                        isFinal: false, functionNames: [id: "square"], events: recorder.take())
/// let envelope = Envelope(kind: .event, source: WorkerID(2), payload: batch.encoded())
/// ```
public struct TraceBatch: Sendable, Equatable {
    /// The first `UInt32` of every `.event` payload says what follows.
    public static let kindTag: UInt32 = 1

    public var worker: WorkerID
    public var host: String
    public var slots: Int
    public var sentAt: UInt64
    public var isFinal: Bool
    public var functionNames: [FunctionID: String]
    public var events: [TraceEvent]

    public init(worker: WorkerID, host: String, slots: Int, sentAt: UInt64, isFinal: Bool,
                functionNames: [FunctionID: String], events: [TraceEvent]) {
        self.worker = worker
        self.host = host
        self.slots = slots
        self.sentAt = sentAt
        self.isFinal = isFinal
        self.functionNames = functionNames
        self.events = events
    }

    /// Encoded bytes of one event.
    public static let encodedBytesPerEvent = 41

    /// This batch as batches whose payloads fit in `maximumPayload` bytes
    /// (the pool's message size limit less the envelope header), in order;
    /// only the last keeps ``isFinal``. A batch that fits comes back alone.
    ///
    /// ```swift
    /// for piece in batch.pieces(fittingIn: 4096 - Envelope.headerSize) { send(piece.encoded()) }
    /// ```
    public func pieces(fittingIn maximumPayload: Int) -> [TraceBatch] {
        var header = self
        header.events = []
        let room = maximumPayload - header.encoded().count
        let perPiece = max(1, room / Self.encodedBytesPerEvent)
        guard events.count > perPiece else { return [self] }
        var pieces: [TraceBatch] = []
        for start in stride(from: 0, to: events.count, by: perPiece) {
            var piece = header
            piece.events = Array(events[start..<min(start + perPiece, events.count)])
            piece.isFinal = isFinal && start + perPiece >= events.count
            pieces.append(piece)
        }
        return pieces
    }

    public func encoded() -> [UInt8] {
        var writer = PayloadWriter(reservingCapacity: 64 + events.count * Self.encodedBytesPerEvent)
        writer.writeUInt32(Self.kindTag)
        writer.writeUInt32(worker.rawValue)
        writer.writeString(host)
        writer.writeUInt64(sentAt)
        writer.writeBool(isFinal)
        writer.writeUInt32(UInt32(clamping: slots))
        writer.writeUInt32(UInt32(functionNames.count))
        for (id, name) in functionNames.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            writer.writeUInt32(id.rawValue)
            writer.writeString(name)
        }
        writer.writeUInt32(UInt32(events.count))
        for event in events {
            writer.writeUInt8(event.phase.code)
            writer.writeUInt64(event.future.rawValue)
            writer.writeUInt64(event.parent.rawValue)
            writer.writeUInt32(event.function.rawValue)
            writer.writeUInt32(event.worker.rawValue)
            writer.writeUInt64(event.timestampNanoseconds)
            writer.writeUInt64(UInt64(clamping: event.bytes))
        }
        return writer.bytes
    }

    /// Decodes a payload made by ``encoded()``; throws on anything else.
    public init(payload: [UInt8]) throws {
        var reader = PayloadReader(payload)
        guard try reader.readUInt32() == Self.kindTag else { throw PayloadError(.corrupted(type: "TraceBatch", detail: "not a trace batch")) }
        worker = WorkerID(rawValue: try reader.readUInt32())
        host = try reader.readString()
        sentAt = try reader.readUInt64()
        isFinal = try reader.readBool()
        slots = Int(try reader.readUInt32())
        let nameCount = Int(try reader.readUInt32())
        guard nameCount <= reader.remaining else { throw PayloadError(.corrupted(type: "TraceBatch", detail: "trace batch: \(nameCount) names")) }
        functionNames = [:]
        for _ in 0..<nameCount {
            let id = FunctionID(rawValue: try reader.readUInt32())
            functionNames[id] = try reader.readString()
        }
        let count = Int(try reader.readUInt32())
        guard count <= reader.remaining / 41 else { throw PayloadError(.corrupted(type: "TraceBatch", detail: "trace batch: \(count) events")) }
        events = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            guard let phase = TraceEvent.Phase(code: try reader.readUInt8()) else {
                throw PayloadError(.corrupted(type: "TraceBatch", detail: "trace batch: unknown event phase"))
            }
            let future = FutureID(rawValue: try reader.readUInt64())
            let parent = FutureID(rawValue: try reader.readUInt64())
            let function = FunctionID(rawValue: try reader.readUInt32())
            let worker = WorkerID(rawValue: try reader.readUInt32())
            let time = try reader.readUInt64()
            let bytes = Int(clamping: try reader.readUInt64())
            events.append(TraceEvent(phase: phase, future: future, parent: parent, function: function,
                                     worker: worker, timestampNanoseconds: time, bytes: bytes))
        }
    }
}

extension TraceEvent.Phase {
    /// The phase's code in a ``TraceBatch``.
    var code: UInt8 {
        switch self {
        case .submitted: 1
        case .started: 2
        case .finished: 3
        case .failed: 4
        case .cancelled: 5
        case .spilled: 6
        case .received: 7
        }
    }

    init?(code: UInt8) {
        switch code {
        case 1: self = .submitted
        case 2: self = .started
        case 3: self = .finished
        case 4: self = .failed
        case 5: self = .cancelled
        case 6: self = .spilled
        case 7: self = .received
        default: return nil
        }
    }
}
