import Foundation
import Testing

/// A Chrome trace written by swift-scoop, parsed back with Foundation, and
/// the schema checks every traced run must pass.
struct ParsedTrace {
    let events: [[String: Any]]

    init(path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any],
                                "the trace is not a JSON object", sourceLocation: sourceLocation)
        events = try #require(root["traceEvents"] as? [[String: Any]], "no traceEvents array", sourceLocation: sourceLocation)
    }

    /// Complete events: one run of one future each.
    var spans: [[String: Any]] { events.filter { $0["ph"] as? String == "X" } }
    var run: [String: Any] { (events.first { $0["name"] as? String == "scoop_run" }?["args"] as? [String: Any]) ?? [:] }

    static func args(_ event: [String: Any]) -> [String: Any] { event["args"] as? [String: Any] ?? [:] }
    static func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }
    static func integer(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? -1 }

    /// Futures run per worker (the `pid` of their spans).
    var spansPerWorker: [Int: Int] {
        var counts: [Int: Int] = [:]
        for span in spans { counts[Self.integer(span["pid"]), default: 0] += 1 }
        return counts
    }

    /// Every future once, begin and end paired (a complete event with a duration),
    /// timestamps ordered, submit before start (and before send, arrival and
    /// start for a future that travelled), and every flow linking two existing runs.
    func checkSchema(sourceLocation: SourceLocation = #_sourceLocation) {
        var last = -Double.infinity
        for event in events where event["ph"] as? String != "M" {
            let time = Self.number(event["ts"])
            #expect(time >= last, "timestamps out of order at \(event)", sourceLocation: sourceLocation)
            last = time
        }
        var seen: Set<String> = []
        for span in spans {
            let args = Self.args(span)
            let future = args["future"] as? String ?? ""
            #expect(seen.insert(future).inserted, "future \(future) has two runs", sourceLocation: sourceLocation)
            #expect(Self.number(span["dur"]) >= 0, "negative duration: \(span)", sourceLocation: sourceLocation)
            #expect(["finished", "failed", "cancelled"].contains(args["outcome"] as? String ?? ""), "\(span)", sourceLocation: sourceLocation)
            #expect(span["name"] as? String == args["function"] as? String, "\(span)", sourceLocation: sourceLocation)
            if let submitted = args["submitted"] {
                #expect(Self.number(submitted) <= Self.number(span["ts"]), "started before it was submitted: \(span)", sourceLocation: sourceLocation)
            }
            // A future that travelled: submitted, then sent, then arrived, then started.
            #expect((args["sent"] == nil) == (args["arrived"] == nil), "a send without an arrival or back: \(span)", sourceLocation: sourceLocation)
            if let sent = args["sent"], let arrived = args["arrived"] {
                let times = [args["submitted"].map(Self.number) ?? 0, Self.number(sent), Self.number(arrived), Self.number(span["ts"])]
                #expect(times == times.sorted(), "out of order (submitted, sent, arrived, started): \(span)", sourceLocation: sourceLocation)
            }
            for key in ["parent", "host", "worker", "argumentBytes", "resultBytes"] {
                #expect(args[key] != nil, "no \(key) in \(span)", sourceLocation: sourceLocation)
            }
        }
        // Every nested future (its parent is a traced future) is linked to its parent.
        let nested = spans.filter { seen.contains(Self.args($0)["parent"] as? String ?? "") }.count
        var flows: [Int: [String: [String: Any]]] = [:]
        for event in events {
            guard let phase = event["ph"] as? String, phase == "s" || phase == "f" else { continue }
            flows[Self.integer(event["id"]), default: [:]][phase] = event
        }
        #expect(flows.count == nested, "\(nested) nested futures but \(flows.count) flows", sourceLocation: sourceLocation)
        for (id, pair) in flows {
            guard let start = pair["s"], let finish = pair["f"] else {
                Issue.record("flow \(id) is not a pair", sourceLocation: sourceLocation)
                continue
            }
            #expect(enclosingSpan(of: start, startingAt: false) != nil, "flow \(id) starts outside any run", sourceLocation: sourceLocation)
            #expect(enclosingSpan(of: finish, startingAt: true) != nil, "flow \(id) ends at no run's start", sourceLocation: sourceLocation)
        }
        #expect(Self.integer(run["futures"]) == spans.count, "scoop_run says \(run["futures"] ?? "nil") futures, the trace has \(spans.count)", sourceLocation: sourceLocation)
    }

    /// The run on the same track that contains (or, `startingAt`, starts at) the event's time.
    private func enclosingSpan(of event: [String: Any], startingAt: Bool) -> [String: Any]? {
        let time = Self.number(event["ts"])
        return spans.first { span in
            guard Self.integer(span["pid"]) == Self.integer(event["pid"]),
                  Self.integer(span["tid"]) == Self.integer(event["tid"]) else { return false }
            let begin = Self.number(span["ts"]), end = begin + Self.number(span["dur"])
            return startingAt ? abs(begin - time) < 0.0005 : (begin <= time && time <= end)
        }
    }
}

/// How many futures `fib n` submits (the example's cutoff is 10).
func fibFutureCount(_ n: Int) -> Int { n < 10 ? 1 : 1 + fibFutureCount(n - 1) + fibFutureCount(n - 2) }
