/// Writes the events of a Chrome trace into one ``JSONBuffer``, an event per
/// line, instants in microseconds since the run's start. The layout of each
/// event is described on ``ChromeTraceWriter``.
///
/// ```swift
/// var encoder = ChromeTraceEncoder(trace, capacity: 1 << 20)
/// encoder.beginDocument()
/// encoder.span(trace.spans[0])
/// encoder.endDocument()
/// let bytes = encoder.takeBytes()
/// ```
struct ChromeTraceEncoder: ~Copyable {
    private var json: JSONBuffer
    private let start: UInt64
    private var isFirstEvent = true

    init(_ trace: RunTrace, capacity: Int) {
        json = JSONBuffer(reservingCapacity: capacity)
        start = trace.start
    }

    mutating func beginDocument() {
        json.raw("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")
    }

    mutating func endDocument() {
        json.raw("\n]}\n")
    }

    /// The text written.
    consuming func takeBytes() -> [UInt8] {
        json.takeBytes()
    }

    /// Lends the text written.
    func withBytes<Result, Failure>(_ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result) throws(Failure) -> Result {
        try json.withBytes(body)
    }

    // MARK: Metadata

    /// Opens a metadata event up to its `args` object; the caller writes the
    /// arguments with ``fields(_:)``, then calls ``endMetadata()``.
    mutating func beginMetadata(_ name: StaticString, pid: Int, tid: Int? = nil) {
        beginEvent()
        json.field("ph", plain: "M")
        json.field("name", plain: name)
        json.field("pid", pid)
        if let tid { json.field("tid", tid) }
        json.key("args")
        json.beginObject()
    }

    mutating func endMetadata() {
        json.endObject()
        json.endObject()
    }

    /// Writes fields of the open object.
    mutating func fields(_ body: (inout JSONBuffer) -> Void) {
        body(&json)
    }

    /// A field holding an instant of the run.
    mutating func time(_ name: StaticString, _ instant: UInt64) {
        json.field(name, microseconds: instant &- min(instant, start))
    }

    // MARK: Timed events

    /// A counter's new value: `{"ph":"C","name":…,"pid":…,"ts":…,"args":{key: value}}`.
    mutating func counter(_ name: StaticString, pid: Int, at instant: UInt64, _ key: StaticString, _ value: Int) {
        beginEvent()
        json.field("ph", plain: "C")
        json.field("name", plain: name)
        json.field("pid", pid)
        time("ts", instant)
        json.key("args")
        json.beginObject()
        json.field(key, value)
        json.endObject()
        json.endObject()
    }

    /// One run of a future: a complete event named after its function.
    mutating func span(_ span: RunTrace.Span) {
        beginEvent()
        json.field("ph", plain: "X")
        json.field("cat", plain: "future")
        json.field("name", span.function)
        json.field("pid", Int(span.worker.rawValue))
        json.field("tid", span.lane)
        time("ts", span.started)
        json.field("dur", microseconds: span.duration)
        json.key("args")
        json.beginObject()
        future("future", span.future)
        future("parent", span.parent)
        json.field("function", span.function)
        json.field("worker", UInt64(span.worker.rawValue))
        json.field("host", span.host)
        json.field("argumentBytes", span.argumentBytes)
        json.field("resultBytes", span.resultBytes)
        json.field("outcome", span.outcome.rawValue)
        json.field("retry", span.isRetry)
        if let submitted = span.submitted { time("submitted", submitted) }
        if let sent = span.sent { time("sent", sent) }
        if let arrived = span.arrived { time("arrived", arrived) }
        json.endObject()
        json.endObject()
    }

    /// The submit end of flow `id`, on the parent's track at the submit.
    mutating func flowStart(id: Int, parent: RunTrace.Span, at instant: UInt64) {
        beginEvent()
        json.field("ph", plain: "s")
        flowCommon(id: id)
        json.field("pid", UInt64(parent.worker.rawValue))
        json.field("tid", parent.lane)
        time("ts", instant)
        json.endObject()
    }

    /// The other end of flow `id`, on the child's track at its start.
    mutating func flowEnd(id: Int, child: RunTrace.Span) {
        beginEvent()
        json.field("ph", plain: "f")
        json.field("bp", plain: "e")
        flowCommon(id: id)
        json.field("pid", Int(child.worker.rawValue))
        json.field("tid", child.lane)
        time("ts", child.started)
        json.endObject()
    }

    private mutating func flowCommon(id: Int) {
        json.field("cat", plain: "nested")
        json.field("name", plain: "submit")
        json.field("id", id)
    }

    /// A future's id as its ``FutureID/description`` spells it (`"0.17"`, `"none"`).
    private mutating func future(_ name: StaticString, _ id: FutureID) {
        if id == .none {
            json.field(name, plain: "none")
        } else {
            json.field(name, dotted: UInt64(id.owner.rawValue), id.sequence)
        }
    }

    /// The separator before every event but the first, and the event's `{`.
    private mutating func beginEvent() {
        if !isFirstEvent { json.raw(",\n") }
        isFirstEvent = false
        json.beginObject()
    }
}
