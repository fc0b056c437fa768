import ScoopCore
import Testing

@Suite("trace assembly")
struct TraceTests {
    let square = FunctionID(name: "square")

    func event(_ phase: TraceEvent.Phase, _ future: UInt64, worker: UInt32, at time: UInt64, bytes: Int = 0,
               parent: FutureID = .none) -> TraceEvent {
        TraceEvent(phase: phase, future: FutureID(owner: .origin, sequence: future), parent: parent, function: square,
                   worker: WorkerID(rawValue: worker), timestampNanoseconds: time, bytes: bytes)
    }

    @Test("a batch survives the wire, and a malformed one is refused")
    func batchRoundTrip() throws {
        let batch = TraceBatch(worker: WorkerID(3), host: "node07", slots: 2, sentAt: 99, isFinal: true,
                               functionNames: [square: "square"],
                               events: [event(.received, 1, worker: 3, at: 10, bytes: 24), event(.finished, 1, worker: 3, at: 20, bytes: 8)])
        #expect(try TraceBatch(payload: batch.encoded()) == batch)
        #expect(throws: PayloadError.self) { try TraceBatch(payload: Array(batch.encoded().dropLast(3))) }
        #expect(throws: PayloadError.self) { try TraceBatch(payload: ProgressRecord(total: 1, done: 0, elapsedNanoseconds: 0).encoded()) }
        #expect(ProgressRecord(payload: batch.encoded()) == nil)
    }

    @Test("a batch over the message size limit splits into pieces that fit, in order, the last one final")
    func batchPieces() throws {
        let events = (0..<1_000).map { event(.finished, UInt64($0), worker: 2, at: UInt64($0), bytes: $0) }
        let batch = TraceBatch(worker: WorkerID(2), host: "node07", slots: 1, sentAt: 5, isFinal: true,
                               functionNames: [square: "square"], events: events)
        let limit = 4096 - Envelope.headerSize
        let pieces = batch.pieces(fittingIn: limit)
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.encoded().count <= limit })
        #expect(pieces.flatMap(\.events) == events)
        #expect(pieces.map(\.isFinal) == Array(repeating: false, count: pieces.count - 1) + [true])
        #expect(try pieces.allSatisfy { try TraceBatch(payload: $0.encoded()).functionNames == [square: "square"] })
        #expect(batch.pieces(fittingIn: 1 << 20) == [batch])
    }

    @Test("spans pair start and end per worker, carry submit, send and arrival times and bytes, and a re-run counts as a retry")
    func assembly() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: .origin, host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [square: "square"],
                                 events: [event(.submitted, 1, worker: 0, at: 100), event(.spilled, 1, worker: 0, at: 110, bytes: 24)]))
        // Worker 1 lost it (no end); worker 2 ran it again.
        collector.add(TraceBatch(worker: WorkerID(1), host: "head", slots: 1, sentAt: 0, isFinal: false, functionNames: [:],
                                 events: [event(.received, 1, worker: 1, at: 120, bytes: 24), event(.started, 1, worker: 1, at: 130)]))
        collector.add(TraceBatch(worker: WorkerID(2), host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [:],
                                 events: [event(.received, 1, worker: 2, at: 200, bytes: 24), event(.started, 1, worker: 2, at: 210),
                                          event(.finished, 1, worker: 2, at: 310, bytes: 8)]))
        let trace = collector.assemble(transport: "zeromq", broker: nil)
        #expect(trace.spans.count == 1)
        let span = trace.spans[0]
        #expect(span.worker == WorkerID(2) && span.started == 210 && span.ended == 310 && span.submitted == 100)
        #expect(span.argumentBytes == 24 && span.resultBytes == 8 && span.function == "square" && span.outcome == .finished)
        // The run's own arrival (worker 2's), not the lost worker's.
        #expect(span.sent == 110 && span.arrived == 200)
        #expect(trace.start == 100 && trace.end == 310)
        #expect(collector.finishedWorkers == [.origin, WorkerID(2)])
    }

    @Test("a run in which no future ran lasts from its first queue sample to its last, not from time zero")
    func emptyRun() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: .origin, host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [:], events: []))
        collector.sampleQueue(length: 0, at: 5_000_000_000)
        collector.sampleQueue(length: 2, at: 5_250_000_000)   // samples are kept when the length changes
        let trace = collector.assemble(transport: "zeromq", broker: nil)
        #expect(trace.spans.isEmpty)
        #expect(trace.start == 5_000_000_000 && trace.duration == 250_000_000)
        #expect(RunSummary.lines(for: trace).first == "run summary: 0 futures in 0.25 s on 1 process(es) (zeromq)")
    }

    @Test("a run that no swift-scoop process joined says so, rather than 0 futures on 0 processes")
    func nobodyJoined() {
        let collector = TraceCollector(localHost: "head")
        let trace = collector.assemble(transport: "zeromq", broker: nil)
        #expect(RunSummary.lines(for: trace) == ["run summary: no swift-scoop process joined the pool (zeromq): nothing to summarise"])
    }

    @Test("a future run where it was submitted has no send or arrival time, even when others travelled; one given back to its owner has both")
    func localRunHasNoTransit() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: .origin, host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [:], events: [
            event(.submitted, 1, worker: 0, at: 10), event(.submitted, 2, worker: 0, at: 11),
            event(.spilled, 2, worker: 0, at: 12, bytes: 16),
            event(.started, 1, worker: 0, at: 20), event(.finished, 1, worker: 0, at: 30),
        ]))
        collector.add(TraceBatch(worker: WorkerID(1), host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [:], events: [
            event(.received, 2, worker: 1, at: 15, bytes: 16), event(.started, 2, worker: 1, at: 18),
            event(.finished, 2, worker: 1, at: 40),
        ]))
        // Future 3 left its owner and the broker gave it back: it ran there, after it arrived.
        collector.add(TraceBatch(worker: .origin, host: "head", slots: 1, sentAt: 0, isFinal: true, functionNames: [:], events: [
            event(.submitted, 3, worker: 0, at: 41), event(.spilled, 3, worker: 0, at: 42, bytes: 16),
            event(.received, 3, worker: 0, at: 50, bytes: 16), event(.started, 3, worker: 0, at: 51),
            event(.finished, 3, worker: 0, at: 60),
        ]))
        let spans = collector.assemble(transport: "zeromq", broker: nil).spans.sorted { $0.future < $1.future }
        #expect(spans.map(\.sent) == [nil, 12, 42] && spans.map(\.arrived) == [nil, 15, 50])
        #expect(spans.map(\.worker) == [.origin, WorkerID(1), .origin])
    }

    @Test("concurrent runs of one worker get separate lanes; busy time is capped by its slots")
    func lanesAndBusy() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: .origin, host: "head", slots: 2, sentAt: 0, isFinal: true, functionNames: [:], events: [
            event(.started, 1, worker: 0, at: 0), event(.started, 2, worker: 0, at: 0), event(.started, 3, worker: 0, at: 50),
            event(.finished, 1, worker: 0, at: 100), event(.finished, 2, worker: 0, at: 100), event(.finished, 3, worker: 0, at: 100),
        ]))
        let trace = collector.assemble(transport: "threads", broker: nil)
        #expect(Set(trace.spans.map(\.lane)) == [0, 1, 2])
        #expect(trace.busyFraction(of: .origin) == 1.0)
        #expect(trace.busySteps(of: .origin).map(\.busy) == [2, 0])
    }

    @Test("a remote host's clock is shifted by the smallest send-to-receive difference")
    func remoteClockOffset() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: WorkerID(1), host: "far", slots: 1, sentAt: 1_000, isFinal: false, functionNames: [:],
                                 events: [event(.started, 1, worker: 1, at: 900)]), receivedAt: 5_010)
        collector.add(TraceBatch(worker: WorkerID(1), host: "far", slots: 1, sentAt: 2_000, isFinal: true, functionNames: [:],
                                 events: [event(.finished, 1, worker: 1, at: 1_900)]), receivedAt: 6_000)
        let span = collector.assemble(transport: "zeromq", broker: nil).spans[0]
        #expect(span.started == 4_900 && span.ended == 5_900)
    }

    @Test("the Chrome JSON has the run's metadata and one complete event per span")
    func chromeJSON() {
        let collector = TraceCollector(localHost: "head")
        collector.add(TraceBatch(worker: .origin, host: "he\"ad", slots: 1, sentAt: 0, isFinal: true, functionNames: [square: "sq</script>"],
                                 events: [event(.submitted, 1, worker: 0, at: 1_000), event(.started, 1, worker: 0, at: 1_500),
                                          event(.failed, 1, worker: 0, at: 2_750)]))
        let json = ChromeTraceWriter.json(for: collector.assemble(transport: "threads", broker: nil))
        #expect(json.contains("\"ph\":\"X\",\"cat\":\"future\",\"name\":\"sq\\u003c/script>\""))
        #expect(json.contains("\"ts\":0.500,\"dur\":1.250"))
        #expect(json.contains("\"outcome\":\"failed\""))
        #expect(json.contains("\"host\":\"he\\\"ad\""))
        #expect(json.contains("\"name\":\"scoop_run\""))
    }

    @Test("the progress line shows counts, percentage, rate and time left")
    func progressLine() {
        let line = ProgressRecord(total: 1000, done: 250, elapsedNanoseconds: 2_000_000_000).line(width: 80)
        #expect(line.hasSuffix("] 250/1000 25% 125.0/s ETA 6s"))
        #expect(line.count <= 80)
        #expect(ProgressRecord(payload: ProgressRecord(total: 5, done: 2, elapsedNanoseconds: 7).encoded())?.done == 2)
    }
}
