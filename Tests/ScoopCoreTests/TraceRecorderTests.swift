import Foundation
@testable import ScoopCore
import Synchronization
import Testing

@Suite("trace recorder")
struct TraceRecorderTests {
    let function = FunctionID(name: "work")

    /// Records `count` events on a new thread; event `i` of thread `t` is future (t, i).
    private func recordOnThread(_ recorder: TraceRecorder, thread: UInt32, count: Int) -> Thread {
        let thread = Thread { [function] in
            for index in 0..<count {
                recorder.record(.started, future: FutureID(owner: WorkerID(rawValue: thread), sequence: UInt64(index)),
                                parent: .none, function: function, worker: WorkerID(rawValue: thread))
            }
        }
        thread.start()
        return thread
    }

    @Test("events from several threads, taken while they record, come out exactly once, in order, in nanoseconds")
    func concurrentRecordingAndTaking() async throws {
        let recorder = TraceRecorder()
        let perThread = 3 * 4096 + 17   // several chunks per thread
        let before = MonotonicClock.nanoseconds
        let threads = (1...4).map { recordOnThread(recorder, thread: UInt32($0), count: perThread) }
        var taken: [TraceEvent] = []
        var takes = 0
        while threads.contains(where: { !$0.isFinished }) {
            let batch = recorder.take()
            #expect(zip(batch, batch.dropFirst()).allSatisfy { $0.timestampNanoseconds <= $1.timestampNanoseconds })
            taken += batch
            takes += 1
            await Task.yield()
        }
        taken += recorder.take()
        let after = MonotonicClock.nanoseconds
        #expect(recorder.take().isEmpty)

        #expect(taken.count == 4 * perThread, "took \(taken.count) events in \(takes + 1) takes")
        for thread in 1...4 {
            let mine = taken.filter { $0.worker == WorkerID(rawValue: UInt32(thread)) }
            // A thread's events keep their order (the same clock, the same log).
            #expect(mine.map(\.future.sequence) == (0..<UInt64(perThread)).map { $0 })
        }
        // Stamped in MonotonicClock nanoseconds (not raw counter ticks): inside the
        // window the test observed, give or take the converter's rounding.
        let slack: UInt64 = 1_000_000
        #expect(taken.allSatisfy { $0.timestampNanoseconds + slack >= before && $0.timestampNanoseconds <= after + slack },
                "first \(taken.first?.timestampNanoseconds ?? 0), last \(taken.last?.timestampNanoseconds ?? 0), window \(before)...\(after)")
    }

    @Test("a thread recording for more recorders than its slot keeps loses nothing")
    func manyRecordersOnOneThread() {
        let recorders = (0..<(ThreadTraceSlot.capacity + 3)).map { _ in TraceRecorder() }
        for round in 0..<5 {
            for (index, recorder) in recorders.enumerated() {
                recorder.record(.finished, future: FutureID(owner: .origin, sequence: UInt64(round)), parent: .none,
                                function: function, worker: WorkerID(index))
            }
        }
        for (index, recorder) in recorders.enumerated() {
            let events = recorder.take()
            #expect(events.count == 5)
            #expect(events.allSatisfy { $0.worker == WorkerID(index) })
            #expect(events.map(\.future.sequence) == [0, 1, 2, 3, 4])
        }
    }

    @Test("every phase, byte count and identifier comes back as recorded, across chunk boundaries")
    func eventsRoundTrip() {
        let recorder = TraceRecorder()
        let phases: [TraceEvent.Phase] = [.submitted, .started, .finished, .failed, .cancelled, .spilled, .received]
        // Byte counts past 32 bits too.
        let sizes = [0, 1, 4096, Int(UInt32.max) + 5, Int.max]
        // Enough events to cross chunk boundaries.
        let count = 3 * ThreadEventLog.chunkCapacity + 7
        var expected: [TraceEvent] = []
        for index in 0..<count {
            let event = TraceEvent(phase: phases[index % phases.count],
                                   future: FutureID(owner: WorkerID(index % 5), sequence: UInt64(index) << 20),
                                   parent: index % 3 == 0 ? .none : FutureID(owner: .origin, sequence: UInt64.max >> 16),
                                   function: FunctionID(rawValue: UInt32.max - UInt32(index)),
                                   worker: WorkerID(rawValue: UInt32.max - 1), timestampNanoseconds: 0,
                                   bytes: sizes[index % sizes.count])
            recorder.record(event.phase, future: event.future, parent: event.parent, function: event.function,
                            worker: event.worker, bytes: event.bytes)
            expected.append(event)
        }
        let taken = recorder.take()
        #expect(taken.count == count)
        // One thread's events keep their order; the timestamps are the clock's, not compared here.
        let stripped = taken.map { event in
            var event = event
            event.timestampNanoseconds = 0
            return event
        }
        #expect(stripped == expected)
        #expect(zip(taken, taken.dropFirst()).allSatisfy { $0.timestampNanoseconds <= $1.timestampNanoseconds })
    }

    @Test("the trace clock's conversion follows the monotonic clock")
    func clockConversion() {
        TraceClock.start()
        let first = TraceClock.ticks
        let start = MonotonicClock.nanoseconds
        while MonotonicClock.nanoseconds - start < 2_000_000 {}
        let second = TraceClock.ticks
        let converter = TraceClock.converter()
        let elapsed = Int64(converter.nanoseconds(fromTicks: second)) - Int64(converter.nanoseconds(fromTicks: first))
        // 2 ms of spinning measured by the other clock, within 10 % (and a preempted thread only adds).
        #expect(elapsed >= 1_800_000, "\(elapsed) ns for 2 ms (cycle counter: \(TraceClock.usesCycleCounter))")
    }
}
