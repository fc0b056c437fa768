import Foundation
import Testing

extension Integration {
    /// Traces, run summaries and reports of real runs on every transport.
    @Suite("observability")
    struct Observability {
        @Test("SCOOP_TRACE on threads: a valid trace with every future of fib once, linked to its parent")
        func threadsTrace() async throws {
            let directory = try TemporaryDirectory("trace-threads")
            let path = directory.file("threads.json")
            let result = try await run(Products.path("fib"), ["15"],
                                       environment: TestEnvironment.make(["SCOOP_TRACE": path, "SCOOP_WORKERS": "3"]))
            #expect(result.status == 0, "\(result)")
            let trace = try ParsedTrace(path: path)
            trace.checkSchema()
            #expect(trace.spans.count == fibFutureCount(15))
            #expect(trace.run["transport"] as? String == "threads")
        }

        @Test("scoop run -n 2 --trace -v: a valid trace, and the summary's counts equal the trace's")
        func zeroMQTraceAndSummary() async throws {
            let directory = try TemporaryDirectory("trace-zeromq")
            let path = directory.file("run.json")
            let result = try await scoop(["run", "-v", "-n", "2", "--trace", path, "--", Products.path("fib"), "17"])
            #expect(result.status == 0, "\(result)")
            let trace = try ParsedTrace(path: path)
            trace.checkSchema()
            #expect(trace.spans.count == fibFutureCount(17))
            #expect(Set(trace.spansPerWorker.keys).isSubset(of: [0, 1]))
            let summary = RunSummaryText(result.stderr)
            #expect(summary.futures == trace.spans.count, "\(result)")
            for worker in [0, 1] {
                #expect(summary.futuresPerWorker[worker] == trace.spansPerWorker[worker, default: 0], "worker \(worker): \(result)")
            }
            #expect(summary.routed == ParsedTrace.integer(trace.run["routed"]), "\(result)")
            #expect(summary.dropped == ParsedTrace.integer(trace.run["dropped"]), "\(result)")
            #expect(summary.peakQueue == ParsedTrace.integer(trace.run["peakQueueLength"]), "\(result)")
            // The futures that crossed the broker carried bytes both ways.
            let moved = trace.spans.reduce(0) { $0 + ParsedTrace.integer(ParsedTrace.args($1)["argumentBytes"]) }
            #expect((moved > 0) == (ParsedTrace.integer(trace.run["routed"]) > 0))
        }

        @Test("without -v there is no summary, without --trace no file")
        func quietByDefault() async throws {
            let result = try await scoop(["run", "-n", "2", "--", Products.path("hello")])
            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("run summary"), "\(result)")
        }

        @Test("SCOOP_TRACE under mpirun -n 2: rank 0 writes a valid trace of every rank's futures")
        func mpiTrace() async throws {
            let mpirun = try #require(Integration.MPI.mpirun, "mpirun is not installed (Debian: openmpi-bin)")
            let directory = try TemporaryDirectory("trace-mpi")
            let path = directory.file("mpi.json")
            let result = try await run(mpirun, ["--allow-run-as-root", "--oversubscribe", "-n", "2", "-x", "SCOOP_TRACE", "-x", "SCOOP_SUMMARY",
                                                Products.path("fib"), "17"],
                                       environment: TestEnvironment.make(["SCOOP_TRACE": path, "SCOOP_SUMMARY": "1"]))
            #expect(result.status == 0, "\(result)")
            let trace = try ParsedTrace(path: path)
            trace.checkSchema()
            #expect(trace.spans.count == fibFutureCount(17))
            #expect(trace.run["transport"] as? String == "mpi")
            let summary = RunSummaryText(result.stderr)
            #expect(summary.futures == trace.spans.count, "\(result)")
            #expect(summary.futuresPerWorker[1] == trace.spansPerWorker[1, default: 0], "\(result)")
        }

        @Test("scoop report refuses a file that is not a swift-scoop trace, saying why")
        func reportRejectsOtherFiles() async throws {
            let directory = try TemporaryDirectory("report-bad")
            let notJSON = try directory.write("bad.json", "hello")
            let result = try await scoop(["report", notJSON])
            #expect(result.status != 0)
            #expect(result.stderr.contains("is not JSON"), "\(result)")
            let other = try directory.write("other.json", "{\"traceEvents\":[]}")
            let second = try await scoop(["report", other])
            #expect(second.status != 0)
            #expect(second.stderr.contains("not written by swift-scoop"), "\(second)")
        }
    }
}

/// The lines `scoop run -v` (or `SCOOP_SUMMARY=1`) prints at the end of a run.
struct RunSummaryText {
    var futures = -1
    var futuresPerWorker: [Int: Int] = [:]
    var routed = -1, dropped = -1, peakQueue = -1

    init(_ stderr: String) {
        for line in lines(stderr) {
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix("run summary: "), words.count > 2 { futures = Int(words[2]) ?? -1 }
            if let at = words.firstIndex(of: "@"), let colon = words.firstIndex(where: { $0.hasSuffix(":") }), colon + 1 < words.count {
                let worker = words[0] == "origin" ? 0 : (at > 1 ? Int(words[1]) : nil)
                if let worker { futuresPerWorker[worker] = Int(words[colon + 1]) }
            }
            if words.first == "broker:" {
                func value(after name: String) -> Int {
                    guard let index = words.firstIndex(of: name), index + 1 < words.count else { return -1 }
                    return Int(words[index + 1].trimmingCharacters(in: .punctuationCharacters)) ?? -1
                }
                peakQueue = value(after: "queue")
                routed = value(after: "routed")
                dropped = value(after: "dropped")
            }
        }
    }
}

extension Integration {
    /// The progress bar of long maps, on a real pseudo-terminal and on pipes.
    @Suite("progress")
    struct Progress {
        /// The bar's frames in terminal output: `[###   ] done/total …`.
        static func frames(_ text: String, total: Int) -> [String] {
            text.components(separatedBy: "\u{1B}[K").filter { $0.hasPrefix("[") && $0.contains("/\(total) ") }
        }

        @Test("scoop run on a terminal: the bar moves, and every worker line stays whole on its own line")
        func barOnTerminal() async throws {
            let result = try PseudoTerminal.run(Products.scoop, ["run", "-n", "2", "--", Products.path("progress"), "60"],
                                                environment: TestEnvironment.make())
            #expect(result.status == 0, "\(result.output)")
            let frames = Self.frames(result.output, total: 60)
            #expect(frames.count >= 2, "no progress bar in: \(result.output.debugDescription)")
            let done = frames.compactMap { frame in
                frame.split(separator: " ").first { $0.hasSuffix("/60") }.flatMap { Int($0.dropLast(3)) }
            }
            #expect(done == done.sorted(), "the bar went backwards: \(done)")
            // What follows the last clear of the bar on a line is the worker's line itself.
            let workerLines = result.output.components(separatedBy: "\n").filter { $0.contains("element ") }
            #expect(workerLines.count == 6, "\(result.output.debugDescription)")
            for line in workerLines {
                let visible = line.components(separatedBy: "\u{1B}[K").last?.trimmingCharacters(in: .newlines) ?? ""
                #expect(visible.hasPrefix("element ") && visible.hasSuffix(where: \.isNumber), "garbled: \(line.debugDescription)")
            }
            let last = result.output.components(separatedBy: "\n").last { $0.contains("sum of squares") }
            #expect(last?.components(separatedBy: "\u{1B}[K").last?.hasPrefix("sum of squares of 0..<60 = ") == true)
        }

        @Test("no bar with --no-progress on a terminal, and none on pipes")
        func noBar() async throws {
            let off = try PseudoTerminal.run(Products.scoop, ["run", "--no-progress", "-n", "2", "--", Products.path("progress"), "40"],
                                             environment: TestEnvironment.make())
            #expect(off.status == 0, "\(off.output)")
            #expect(Self.frames(off.output, total: 40).isEmpty && !off.output.contains("\u{1B}[K"), "\(off.output.debugDescription)")
            let piped = try await scoop(["run", "-n", "2", "--", Products.path("progress"), "40"])
            #expect(piped.status == 0, "\(piped)")
            #expect(!piped.stderr.contains("\u{1B}[K") && !piped.stdout.contains("\u{1B}[K"), "\(piped)")
            #expect(piped.stdoutLines.filter { $0.hasPrefix("element ") }.count == 4)
        }

        @Test("threads transport on a terminal: the bar draws on standard error; SCOOP_PROGRESS=0 turns it off")
        func threadsBar() async throws {
            let on = try PseudoTerminal.run(Products.path("progress"), ["40"], environment: TestEnvironment.make(["SCOOP_WORKERS": "2"]))
            #expect(on.status == 0, "\(on.output)")
            #expect(!Self.frames(on.output, total: 40).isEmpty, "\(on.output.debugDescription)")
            let off = try PseudoTerminal.run(Products.path("progress"), ["40"],
                                             environment: TestEnvironment.make(["SCOOP_WORKERS": "2", "SCOOP_PROGRESS": "0"]))
            #expect(off.status == 0, "\(off.output)")
            #expect(Self.frames(off.output, total: 40).isEmpty, "\(off.output.debugDescription)")
        }
    }
}

private extension String {
    func hasSuffix(where predicate: (Character) -> Bool) -> Bool { last.map(predicate) ?? false }
}
