import Foundation
import Testing

extension Integration {
    /// `scoop run` on this machine: the examples, output forwarding, exit status.
    @Suite("scoop run on this host")
    struct Launcher {
        @Test("hello on threads prints the 16 greetings in order")
        func helloOnThreads() async throws {
            let result = try await run(Products.path("hello"), [], environment: TestEnvironment.make(["SCOOP_WORKERS": "2"]))
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == helloLines, "\(result)")
        }

        @Test("a bad SCOOP_* setting ends hello with one clear line and status 1, not a crash report",
              arguments: [("SCOOP_WORKERS", "abc"), ("SCOOP_LOOKAHEAD", "-1"), ("SCOOP_LOG_LEVEL", "loud"),
                          ("SCOOP_CHECK_CODEC", "ture"), ("SCOOP_SUMMARY", "maybe")])
        func badSettingIsReported(name: String, value: String) async throws {
            let result = try await run(Products.path("hello"), [], environment: TestEnvironment.make([name: value]))
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.hasPrefix("scoop: error: invalid argument: \(name) must"), "\(result)")
            #expect(result.stderr.contains("'\(value)'"), "\(result)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), "\(result)")
        }

        @Test("scoop run refuses an unreadable variable instead of using its default",
              arguments: [("SCOOP_HEARTBEAT_INTERVAL", "x"), ("SCOOP_HEARTBEAT_TIMEOUT", "10s"), ("SCOOP_MAX_WORKER_LOSSES", "2.5"),
                          ("SCOOP_HEARTBEAT_TIMEOUT", "inf"), ("SCOOP_HEARTBEAT_INTERVAL", "0.0004"),
                          ("SCOOP_LOCAL_SOCKET", "maybe"), ("SCOOP_LOCAL_SOCKET", "broker"), ("SCOOP_PROGRESS", "quiet")])
        func unreadableVariable(name: String, value: String) async throws {
            let result = try await scoop(["run", "-n", "1", "--", Products.path("hello")],
                                         environment: TestEnvironment.make([name: value]))
            #expect(result.status != 0, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains(name) && result.stderr.contains("must be"), "\(result)")
            #expect(result.stderr.contains("(got '\(value)')") || result.stderr.contains("(got \(Double(value) ?? 0))"), "\(result)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), "\(result)")
        }

        @Test("scoop run started by a program that scoop run started (SCOOP_PROGRESS=broker) runs")
        func nestedLauncherEnvironment() async throws {
            let result = try await scoop(["run", "-n", "1", "--", Products.path("hello")],
                                         environment: TestEnvironment.make(["SCOOP_PROGRESS": "broker"]))
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == helloLines, "\(result)")
        }

        // Three runs each: a launcher that exits before forwarding its
        // workers' last output loses it only now and then.
        @Test("scoop run -n N -- hello prints exactly what hello prints alone", arguments: [1, 2, 4])
        func helloUnderScoopRun(workers: Int) async throws {
            let direct = try await run(Products.path("hello"), [], environment: TestEnvironment.make(["SCOOP_WORKERS": "2"]))
            for _ in 0..<3 {
                let result = try await scoop(["run", "-n", "\(workers)", "--", Products.path("hello")])
                #expect(result.status == 0, "\(result)")
                #expect(result.stdoutLines == helloLines, "\(result)")
                #expect(result.stdout == direct.stdout, "\(result)")
            }
        }

        @Test("fib 20 on 3 processes: futures that submit futures across processes")
        func fibAcrossProcesses() async throws {
            let result = try await scoop(["run", "-n", "3", "--", Products.path("fib"), "20"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["fib(20) = 6765"], "\(result)")
        }

        @Test("mapreduce on 3 processes: tree reduction and scan in order")
        func mapReduceAcrossProcesses() async throws {
            let result = try await scoop(["run", "-n", "3", "--", Products.path("mapreduce")])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == [
                "sum of squares below 100000: 333328333350000",
                "in order: abcdefghijklmnopqrstuvwxyz",
                "prefix sums of squares of 1...4: [1, 5, 14, 30]",
            ], "\(result)")
        }

        @Test("an error that escapes Pool.main: a one-line message and status 1, not a crash, on threads and on 2 processes")
        func uncaughtErrorIsReported() async throws {
            let direct = try await run(Products.path("errors"), ["--uncaught"])
            #expect(direct.status == 1, "\(direct)")
            #expect(direct.stderr.contains("scoop: error: ") && direct.stderr.contains("sensor 3 returned no reading"), "\(direct)")
            #expect(!direct.stderr.contains("crashed") && !direct.stderr.contains("Fatal error"), "\(direct)")
            let launched = try await scoop(["run", "-n", "2", "--", Products.path("errors"), "--uncaught"])
            #expect(launched.status == 1, "\(launched)")
            #expect(launched.stderr.contains("sensor 3 returned no reading"), "\(launched)")
            #expect(!launched.stderr.contains("crashed"), "\(launched)")
        }

        @Test("errors on 3 processes: an error thrown three levels down reaches the body with its message")
        func errorsAcrossProcesses() async throws {
            let result = try await scoop(["run", "-n", "3", "--", Products.path("errors")])
            #expect(result.status == 0, "\(result)")
            let output = result.stdoutLines
            #expect(output.count == 2, "\(result)")
            #expect(output.last?.hasPrefix("outside the pool: Futures.submit was called outside a running pool") == true,
                    "calling the API outside Pool.run must say so: \(result)")
            let line = output.first ?? ""
            #expect(line.hasPrefix("the room could not be read: "), "\(result)")
            // Crossing a process, the error arrives as a RemoteError naming its type and task;
            // when the scheduler kept the work in the origin, it is the original error itself.
            if line.contains("(from task") {
                #expect(line.contains("SensorError"), "the error's type name should travel: \(result)")
            }
            #expect(line.contains("sensor 3 returned no reading"), "\(result)")
        }

        @Test("shared on 3 processes: constants reach the workers")
        func sharedAcrossProcesses() async throws {
            let result = try await scoop(["run", "-n", "3", "--", Products.path("shared")])
            #expect(result.status == 0, "\(result)")
            let output = result.stdoutLines
            #expect(output.first == "scaled: [100.0, 101.0, 104.0, 101.5, 104.0, 110.0]", "\(result)")
            #expect(output.count == 2 && output[1].hasPrefix("as expected: ") && output[1].contains("offset"), "\(result)")
        }

        // 1.3 MB written just before the origin exits: a launcher that
        // returns when its children end, not when their output has been
        // forwarded, cuts the end off.
        @Test("a worker's output is forwarded completely, up to its last line")
        func largeOutputForwardedCompletely() async throws {
            for _ in 0..<3 {
                let result = try await scoop(["run", "-n", "1", "--", "/usr/bin/seq", "1", "200000"])
                #expect(result.status == 0, "\(result.commandLine): status \(String(describing: result.status))")
                let output = result.stdoutLines
                #expect(output.count == 200_000 && output.last == "200000",
                        "\(output.count) lines, the last \(output.last ?? "none"); stderr \(result.stderr)")
            }
        }

        /// Each worker writes lines in two halves with a pause between them
        /// (so that the launcher reads half lines), one line on stderr, and a
        /// last line without a newline.
        static let halfLines = """
            id=$SCOOP_WORKER_ID
            i=0
            while [ $i -lt 8 ]; do
              printf 'worker %s line %s: first half, ' "$id" "$i"
              sleep 0.02
              printf 'second half\\n'
              i=$((i+1))
            done
            printf 'worker %s on stderr\\n' "$id" >&2
            printf 'worker %s last words' "$id"
            """

        static func expectedLines(worker: Int) -> [String] {
            (0..<8).map { "worker \(worker) line \($0): first half, second half" } + ["worker \(worker) last words"]
        }

        @Test("worker output reaches the launcher in whole lines, tagged [id@host] with --tag-output", arguments: [false, true])
        func wholeLines(tagged: Bool) async throws {
            let result = try await scoop(["run", "-n", "3"] + (tagged ? ["--tag-output"] : []) + ["--", "/bin/sh", "-c", Self.halfLines])
            #expect(result.status == 0, "\(result)")
            let output = result.stdoutLines
            var expected: [String] = []
            for worker in 0..<3 {
                let tag = tagged ? "[\(worker)@localhost] " : ""
                let mine = Self.expectedLines(worker: worker).map { tag + $0 }
                expected += mine
                // Each worker's lines whole and in its order, whatever the interleaving.
                #expect(output.filter { $0.hasPrefix(tag + "worker \(worker) ") } == mine, "\(result)")
                #expect(lines(result.stderr).contains(tag + "worker \(worker) on stderr"), "\(result)")
            }
            #expect(output.sorted() == expected.sorted(), "\(result)")
        }

        @Test("a program that is not a swift-scoop program: the origin's status is scoop run's status")
        func originStatusIsTheRunsStatus() async throws {
            let failed = try await scoop(["run", "-n", "2", "--", "/bin/false"])
            #expect(failed.status == 1, "\(failed)")
            #expect(failed.stderr.contains("the origin (worker 0 on localhost) exited with status 1"), "\(failed)")

            let three = try await scoop(["run", "-n", "2", "--", "/bin/sh", "-c", #"[ "$SCOOP_WORKER_ID" != 0 ] || exit 3"#])
            #expect(three.status == 3, "\(three)")
            #expect(three.stderr.contains("the origin (worker 0 on localhost) exited with status 3"), "\(three)")

            let killed = try await scoop(["run", "-n", "1", "--", "/bin/sh", "-c", "kill -TERM $$"])
            #expect(killed.status == 128 + SIGTERM, "\(killed)")
            #expect(killed.stderr.contains("exited with status \(128 + SIGTERM)"), "\(killed)")
        }

        /// Waits until `process` has `count` descendants running `program`; their ids.
        static func descendants(of process: Subprocess, running program: String, count: Int) async -> [Int32] {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let running = ProcessTree.descendants(of: process.processID).filter { commandLine(of: $0).first == program }
                if running.count >= count { return running }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return []
        }

        static func commandLine(of pid: Int32) -> [String] {
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }

        /// Whether `pid` still runs `program` (not ended, nor reused by another program).
        static func stillRuns(_ pid: Int32, _ program: String) -> Bool {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
            let stat = String(decoding: data, as: UTF8.self)
            let state = stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)] }
            return state != "Z" && commandLine(of: pid).first == program
        }

        @Test("a worker still running after the origin ended is stopped after the grace period")
        func lingeringWorkerIsStopped() async throws {
            let run = try Subprocess(Products.scoop, ["run", "-n", "2", "--", "/bin/sh", "-c",
                                                      #"[ "$SCOOP_WORKER_ID" = 0 ] || exec /bin/sleep 60"#])
            defer { run.killTree() }
            let workers = await Self.descendants(of: run, running: "/bin/sleep", count: 1)
            #expect(workers.count == 1, "worker 1 never started: \(run.stderr)")
            let result = await finish(run, timeout: .seconds(30))
            #expect(result.status == 0, "\(result)")
            #expect(result.elapsed < .seconds(15), "the lingering worker was not stopped in time: \(result)")
            for pid in workers { #expect(!Self.stillRuns(pid, "/bin/sleep"), "worker process \(pid) outlived scoop run") }
        }

        @Test("Ctrl-C (SIGINT) stops every process of the run; scoop run exits 130")
        func interrupted() async throws {
            var environment = TestEnvironment.make()
            environment["TMPDIR"] = "/tmp"
            environment["SCOOP_LOCAL_SOCKET"] = "1"
            let run = try Subprocess(Products.scoop, ["run", "-v", "-n", "2", "--", "/bin/sleep", "60"], environment: environment)
            defer { run.killTree() }
            let workers = await Self.descendants(of: run, running: "/bin/sleep", count: 2)
            try #require(workers.count == 2, "the workers never started: \(run.stderr)")
            kill(run.processID, SIGINT)
            let result = await finish(run, timeout: .seconds(15))
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted"), "\(result)")
            #expect(result.elapsed < .seconds(10), "\(result)")
            for pid in workers { #expect(!Self.stillRuns(pid, "/bin/sleep"), "worker process \(pid) outlived scoop run") }
            // The broker's Unix socket goes with the run, also when it is interrupted.
            let directory = try #require(Self.localSocketDirectory(in: result.stderr), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) outlived the interrupted run")
        }

        @Test("SCOOP_LOCAL_SOCKET=1: workers on this host reach the broker through a Unix socket in a private directory, removed when the run ends")
        func localWorkersUseAPrivateUnixSocket() async throws {
            // Each worker prints its broker address and the mode of the socket's directory.
            var environment = TestEnvironment.make()
            environment["TMPDIR"] = "/tmp"   // short: a long one would make the launcher fall back to TCP
            environment["SCOOP_LOCAL_SOCKET"] = "1"
            let result = try await scoop(["run", "-v", "-n", "2", "--", "/bin/sh", "-c",
                                          #"echo "$SCOOP_WORKER_ID $SCOOP_BROKER $(stat -c %a "$(dirname "${SCOOP_BROKER#ipc://}")")""#],
                                         environment: environment)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("broker listening on tcp://127.0.0.1:"), "the broker still listens on TCP: \(result)")
            let origin = try #require(result.stdoutLines.first { $0.hasPrefix("0 ") }, "\(result)")
            let fields = origin.split(separator: " ").map(String.init)
            try #require(fields.count == 3, "\(result)")
            #expect(fields[1].hasPrefix("ipc://") && fields[1].hasSuffix("/broker"), "\(result)")
            #expect(fields[2] == "700", "the socket's directory is open to others: \(result)")
            #expect(result.stdoutLines.allSatisfy { $0.split(separator: " ").dropFirst().first.map(String.init) == fields[1] },
                    "every worker of this host connects to the same socket: \(result)")
            #expect(result.stderr.contains("and \(fields[1]) (workers on this host)"), "\(result)")
            let directory = try #require(Self.localSocketDirectory(in: result.stderr), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) outlived the run")

            // Without it (the default): no socket, TCP for everyone.
            environment["SCOOP_LOCAL_SOCKET"] = nil
            let tcp = try await scoop(["run", "-n", "2", "--", "/bin/sh", "-c", #"echo "$SCOOP_BROKER""#], environment: environment)
            #expect(tcp.status == 0 && tcp.stdoutLines.count == 2, "\(tcp)")
            #expect(tcp.stdoutLines.allSatisfy { $0.hasPrefix("tcp://127.0.0.1:") }, "\(tcp)")
        }

        /// The directory of the broker's Unix socket, from the launcher's `-v` line "… and ipc://DIR/broker (workers on this host)".
        static func localSocketDirectory(in stderr: String) -> String? {
            guard let start = stderr.range(of: " and ipc://"),
                  let end = stderr.range(of: "/broker (workers on this host)", range: start.upperBound..<stderr.endIndex)
            else { return nil }
            return String(stderr[start.upperBound..<end.lowerBound])
        }

        @Test("a program that does not exist: a clear error and a non-zero status")
        func missingProgram() async throws {
            let result = try await scoop(["run", "-n", "2", "--", "/nonexistent/program"])
            #expect(result.status != 0 && result.status != nil, "\(result)")
            #expect(result.stderr.contains("could not start worker 0"), "\(result)")
            #expect(result.stderr.contains("/nonexistent/program"), "\(result)")
            #expect(result.elapsed < .seconds(10), "\(result)")
        }
    }
}
