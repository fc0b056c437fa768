/// A ``TraceEvent`` as a ``ThreadEventLog`` keeps it: 32 bytes, two to a
/// cache line, instead of the 48 of the public struct. Tracing's cost on
/// small futures is mostly the memory its events fill (three per future);
/// a third less of it is a third fewer cache lines taken from the runtime.
///
/// - `future`, `parent`: the identifiers' raw values.
/// - `function`, `worker`: the identifiers' raw values.
/// - `stamp`: the phase's code (low 3 bits; codes are 1...7), whether a byte count follows (bit 3),
///   and the timestamp in ticks, relative to the log's base, as a signed
///   60-bit number (high 60 bits): ±2^59 ticks is years at any counter rate.
///
/// Most events carry no byte count (it is 0 for futures that stay in their
/// process); one that does is followed in the log by a second record whose
/// `future` field holds the count (see ``bytesRecord(_:)``), so that no
/// size is ever cut short.
struct PackedTraceEvent {
    var future: UInt64
    var parent: UInt64
    var function: UInt32
    var worker: UInt32
    var stamp: UInt64

    private static let phaseMask: UInt64 = 0b111
    private static let hasBytesFlag: UInt64 = 0b1000
    private static let tickShift: UInt64 = 4

    /// Packs an event whose timestamp is `ticks - baseTicks`.
    @inline(__always)
    init(phase: TraceEvent.Phase, future: FutureID, parent: FutureID, function: FunctionID, worker: WorkerID,
         ticks: UInt64, baseTicks: UInt64, hasBytes: Bool) {
        self.future = future.rawValue
        self.parent = parent.rawValue
        self.function = function.rawValue
        self.worker = worker.rawValue
        stamp = ((ticks &- baseTicks) << Self.tickShift) | (hasBytes ? Self.hasBytesFlag : 0) | UInt64(phase.code)
    }

    /// The record that follows an event with a byte count.
    @inline(__always)
    static func bytesRecord(_ bytes: Int) -> PackedTraceEvent {
        PackedTraceEvent(future: UInt64(bitPattern: Int64(bytes)), parent: 0, function: 0, worker: 0, stamp: 0)
    }

    private init(future: UInt64, parent: UInt64, function: UInt32, worker: UInt32, stamp: UInt64) {
        self.future = future
        self.parent = parent
        self.function = function
        self.worker = worker
        self.stamp = stamp
    }

    /// Whether the next record holds this event's byte count.
    var hasBytes: Bool { stamp & Self.hasBytesFlag != 0 }

    /// The event, its timestamp in ticks; `bytes` from the record after it, if it has one.
    func unpacked(baseTicks: UInt64, bytesRecord: PackedTraceEvent?) -> TraceEvent {
        let offset = Int64(bitPattern: stamp) >> Int64(Self.tickShift)   // arithmetic: keeps the sign
        // Written by `init` from a phase's code: always a valid one.
        return TraceEvent(phase: TraceEvent.Phase(code: UInt8(truncatingIfNeeded: stamp & Self.phaseMask))!,
                          future: FutureID(rawValue: future), parent: FutureID(rawValue: parent),
                          function: FunctionID(rawValue: function), worker: WorkerID(rawValue: worker),
                          timestampNanoseconds: baseTicks &+ UInt64(bitPattern: offset),
                          bytes: bytesRecord.map { Int(Int64(bitPattern: $0.future)) } ?? 0)
    }
}
