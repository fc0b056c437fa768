import Foundation
@testable import ScoopCore
import Testing

@Suite("Chrome trace writer")
struct ChromeTraceWriterTests {
    static let origin = WorkerID.origin, worker = WorkerID(1)

    static func span(_ sequence: UInt64, owner: WorkerID = origin, parent: FutureID = .none, function: String = "square",
                     on worker: WorkerID = origin, host: String = "head", submitted: UInt64? = nil,
                     started: UInt64, ended: UInt64, lane: Int = 0) -> RunTrace.Span {
        RunTrace.Span(future: FutureID(owner: owner, sequence: sequence), parent: parent, function: function,
                      worker: worker, host: host, submitted: submitted, started: started, ended: ended,
                      outcome: .finished, argumentBytes: 0, resultBytes: 0, lane: lane, isRetry: false)
    }

    static func trace(_ spans: [RunTrace.Span], processes: [RunTrace.Process] = [RunTrace.Process(worker: origin, host: "head", slots: 1)],
                      start: UInt64 = 0, end: UInt64? = nil) -> RunTrace {
        RunTrace(transport: "threads", spans: spans, processes: processes, queueSamples: [], broker: nil,
                 start: start, end: end ?? spans.map(\.ended).max() ?? start)
    }

    /// The trace's events, parsed back with Foundation.
    static func parsed(_ trace: RunTrace) throws -> [[String: Any]] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(ChromeTraceWriter.bytes(for: trace))) as? [String: Any])
        return try #require(root["traceEvents"] as? [[String: Any]])
    }

    static func runs(in events: [[String: Any]]) -> [[String: Any]] { events.filter { $0["ph"] as? String == "X" } }
    static func args(_ event: [String: Any]) -> [String: Any] { event["args"] as? [String: Any] ?? [:] }
}

extension ChromeTraceWriterTests {
    /// Two processes, a nested future with its flow, a retry, a failure,
    /// bytes that travelled (with send and arrival times), queue samples and broker counters.
    static var everyKindOfEvent: RunTrace {
        let root = FutureID(owner: origin, sequence: 1)
        var spans = [
            span(1, submitted: 1_000, started: 1_500, ended: 9_000),
            span(2, parent: root, function: "leaf", on: worker, host: "node07", submitted: 2_000, started: 3_250, ended: 4_000),
            span(3, parent: root, function: "leaf", submitted: 2_100, started: 2_600, ended: 5_000, lane: 1),
            span(2, parent: root, function: "leaf", on: worker, host: "node07", submitted: 2_000, started: 6_000, ended: 7_125),
        ]
        spans[1].outcome = .failed
        spans[1].argumentBytes = 24
        spans[1].sent = 2_050
        spans[1].arrived = 3_000
        spans[3].argumentBytes = 24
        spans[3].sent = 2_050
        spans[3].arrived = 5_875
        spans[3].resultBytes = 8
        spans[3].isRetry = true
        return RunTrace(transport: "zeromq", spans: spans,
                        processes: [RunTrace.Process(worker: origin, host: "head", slots: 2),
                                    RunTrace.Process(worker: worker, host: "node07", slots: 1)],
                        queueSamples: [(1_000, 1), (3_000, 0)],
                        broker: RunTrace.BrokerCounters(routed: 6, dropped: 1, requeued: 1, peakQueueLength: 2),
                        start: 1_000, end: 9_000)
    }
}

extension ChromeTraceWriterTests {
    @Test("every kind of event is written byte for byte as before the writer wrote into one buffer")
    func exactText() {
        let expected = #"""
        {"displayTimeUnit":"ms","traceEvents":[
        {"ph":"M","name":"process_name","pid":0,"args":{"name":"origin (worker 0) @ head"}},
        {"ph":"M","name":"process_sort_index","pid":0,"args":{"sort_index":0}},
        {"ph":"M","name":"scoop_process","pid":0,"args":{"worker":0,"host":"head","slots":2}},
        {"ph":"M","name":"thread_name","pid":0,"tid":0,"args":{"name":"slot 0"}},
        {"ph":"M","name":"thread_name","pid":0,"tid":1,"args":{"name":"slot 1"}},
        {"ph":"M","name":"process_name","pid":1,"args":{"name":"worker 1 @ node07"}},
        {"ph":"M","name":"process_sort_index","pid":1,"args":{"sort_index":1}},
        {"ph":"M","name":"scoop_process","pid":1,"args":{"worker":1,"host":"node07","slots":1}},
        {"ph":"M","name":"thread_name","pid":1,"tid":0,"args":{"name":"slot 0"}},
        {"ph":"M","name":"scoop_run","pid":0,"args":{"format":1,"transport":"zeromq","futures":4,"retries":1,"bytesMoved":56,"durationMicroseconds":8.000,"routed":6,"dropped":1,"requeued":1,"peakQueueLength":2}},
        {"ph":"M","name":"process_name","pid":1000000,"args":{"name":"broker"}},
        {"ph":"C","name":"queue length","pid":1000000,"ts":0.000,"args":{"queued":1}},
        {"ph":"C","name":"busy slots","pid":0,"ts":0.500,"args":{"busy":1}},
        {"ph":"X","cat":"future","name":"square","pid":0,"tid":0,"ts":0.500,"dur":7.500,"args":{"future":"0.1","parent":"none","function":"square","worker":0,"host":"head","argumentBytes":0,"resultBytes":0,"outcome":"finished","retry":false,"submitted":0.000}},
        {"ph":"s","cat":"nested","name":"submit","id":1,"pid":0,"tid":0,"ts":1.000},
        {"ph":"s","cat":"nested","name":"submit","id":3,"pid":0,"tid":0,"ts":1.000},
        {"ph":"s","cat":"nested","name":"submit","id":2,"pid":0,"tid":0,"ts":1.100},
        {"ph":"C","name":"busy slots","pid":0,"ts":1.600,"args":{"busy":2}},
        {"ph":"X","cat":"future","name":"leaf","pid":0,"tid":1,"ts":1.600,"dur":2.400,"args":{"future":"0.3","parent":"0.1","function":"leaf","worker":0,"host":"head","argumentBytes":0,"resultBytes":0,"outcome":"finished","retry":false,"submitted":1.100}},
        {"ph":"f","bp":"e","cat":"nested","name":"submit","id":2,"pid":0,"tid":1,"ts":1.600},
        {"ph":"C","name":"queue length","pid":1000000,"ts":2.000,"args":{"queued":0}},
        {"ph":"C","name":"busy slots","pid":1,"ts":2.250,"args":{"busy":1}},
        {"ph":"X","cat":"future","name":"leaf","pid":1,"tid":0,"ts":2.250,"dur":0.750,"args":{"future":"0.2","parent":"0.1","function":"leaf","worker":1,"host":"node07","argumentBytes":24,"resultBytes":0,"outcome":"failed","retry":false,"submitted":1.000,"sent":1.050,"arrived":2.000}},
        {"ph":"f","bp":"e","cat":"nested","name":"submit","id":1,"pid":1,"tid":0,"ts":2.250},
        {"ph":"C","name":"busy slots","pid":1,"ts":3.000,"args":{"busy":0}},
        {"ph":"C","name":"busy slots","pid":0,"ts":4.000,"args":{"busy":1}},
        {"ph":"C","name":"busy slots","pid":1,"ts":5.000,"args":{"busy":1}},
        {"ph":"X","cat":"future","name":"leaf","pid":1,"tid":0,"ts":5.000,"dur":1.125,"args":{"future":"0.2","parent":"0.1","function":"leaf","worker":1,"host":"node07","argumentBytes":24,"resultBytes":8,"outcome":"finished","retry":true,"submitted":1.000,"sent":1.050,"arrived":4.875}},
        {"ph":"f","bp":"e","cat":"nested","name":"submit","id":3,"pid":1,"tid":0,"ts":5.000},
        {"ph":"C","name":"busy slots","pid":1,"ts":6.125,"args":{"busy":0}},
        {"ph":"C","name":"busy slots","pid":0,"ts":8.000,"args":{"busy":0}}
        ]}
        """# + "\n"
        #expect(ChromeTraceWriter.json(for: Self.everyKindOfEvent) == expected)
    }

    @Test("function and host names with quotes, backslashes, control characters, < and non-ASCII text parse back unchanged")
    func escaping() throws {
        let function = "f\"q\\b\u{0}\u{1}\u{8}\u{c}\u{1f}\n\r\t</script>\u{7f}é漢😀\u{2028}"
        let host = "h\u{1b}[0m<x>\"ü"
        let trace = Self.trace([Self.span(1, function: function, host: host, started: 10, ended: 20)],
                               processes: [RunTrace.Process(worker: Self.origin, host: host, slots: 1)])
        let text = ChromeTraceWriter.json(for: trace)
        #expect(text.contains(#""name":"f\"q\\b\u0000\u0001\u0008\u000c\u001f\n\r\t\u003c/script>\#u{7f}é漢😀\#u{2028}""#))
        #expect(!text.contains("<"), "a trace must be safe inside an HTML <script>")
        #expect(text.contains(#""name":"# + JSONText.quoted(function)))

        let events = try Self.parsed(trace)
        let run = try #require(Self.runs(in: events).first)
        #expect(run["name"] as? String == function)
        #expect(Self.args(run)["function"] as? String == function)
        #expect(Self.args(run)["host"] as? String == host)
        let process = try #require(events.first { $0["name"] as? String == "scoop_process" })
        #expect(Self.args(process)["host"] as? String == host)
        let name = try #require(events.first { $0["name"] as? String == "process_name" })
        #expect(Self.args(name)["name"] as? String == "origin (worker 0) @ \(host)")
    }

    @Test("instants are microseconds since the run's start with exactly three decimals; earlier ones read 0")
    func microseconds() throws {
        let start: UInt64 = 5_000_000_000
        let late: UInt64 = 123_456_789_012_345
        let spans = [
            Self.span(1, submitted: start, started: start + 1, ended: start + 12_501),
            Self.span(2, submitted: start + 999, started: start + 1_000, ended: start + 1_000),
            Self.span(3, submitted: start - 50, started: start + late, ended: start + late + 7_000_000_001),
            Self.span(4, started: .max - 5, ended: .max),
        ]
        let trace = Self.trace(spans, start: start, end: start + late + 7_000_000_001)
        let text = ChromeTraceWriter.json(for: trace)
        for expected in [#""ts":0.001,"dur":12.500"#, #""submitted":0.000}"#, #""ts":1.000,"dur":0.000"#, #""submitted":0.999}"#,
                         #""ts":123456789012.345,"dur":7000000.001"#, #""ts":18446744068709551.610,"dur":0.005"#,
                         #""durationMicroseconds":123463789012.346"#] {
            #expect(text.contains(expected), "no \(expected) in \(text)")
        }
        let runs = Self.runs(in: try Self.parsed(trace))
        #expect(runs.map { ($0["ts"] as? NSNumber)?.doubleValue } == [0.001, 1.0, 123_456_789_012.345, 18_446_744_068_709_551.610])
        #expect(runs.map { ($0["dur"] as? NSNumber)?.doubleValue } == [12.5, 0, 7_000_000.001, 0.005])
        #expect(runs.map { (Self.args($0)["submitted"] as? NSNumber)?.doubleValue } == [0, 0.999, 0, nil])
    }

    @Test("future and parent ids read as their descriptions, up to the largest owner and sequence")
    func futureIDs() throws {
        let parent = FutureID(owner: WorkerID(7), sequence: 42)
        let spans = [Self.span(0, started: 1, ended: 2),
                     Self.span(0xFF_FFFF_FFFF, owner: WorkerID(0xFF_FFFE), parent: parent, started: 3, ended: 4)]
        let runs = Self.runs(in: try Self.parsed(Self.trace(spans)))
        #expect(runs.map { Self.args($0)["future"] as? String } == ["0.0", "16777214.1099511627775"])
        #expect(runs.map { Self.args($0)["future"] as? String } == spans.map(\.future.description))
        #expect(runs.map { Self.args($0)["parent"] as? String } == ["none", "7.42"])
    }

    @Test("the file holds the same bytes; an unwritable path throws the system's reason")
    func file() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scoop-trace-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ChromeTraceWriter.write(Self.everyKindOfEvent, toFile: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(ChromeTraceWriter.bytes(for: Self.everyKindOfEvent)))
        let error = #expect(throws: TraceFile.WriteError.self) {
            try ChromeTraceWriter.write(Self.everyKindOfEvent, toFile: "/nonexistent-directory/run.json")
        }
        #expect(error?.description == "No such file or directory")
    }

    @Test("a trace replaces an earlier one whole, leaves no temporary file, and writes devices in place")
    func replacement() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scoop-trace-dir-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/run.json"
        try Data(repeating: 0x78, count: 1 << 20).write(to: URL(fileURLWithPath: path))
        try ChromeTraceWriter.write(Self.everyKindOfEvent, toFile: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(ChromeTraceWriter.bytes(for: Self.everyKindOfEvent)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["run.json"])
        // A symbolic link is written through, and stays a link.
        let link = directory + "/latest.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "run.json")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try ChromeTraceWriter.write(Self.everyKindOfEvent, toFile: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "run.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(ChromeTraceWriter.bytes(for: Self.everyKindOfEvent)))
        // Not a regular file: written in place, never replaced by a rename.
        try ChromeTraceWriter.write(Self.everyKindOfEvent, toFile: "/dev/null")
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
    }
}
