import Foundation
import Testing

extension Integration {
    /// Worker loss, stopped workers, the retry limit and teardown, with real
    /// processes: workers are killed with SIGKILL, stopped with SIGSTOP and
    /// resumed with SIGCONT while `scoop-chaos` runs; every result must be
    /// there, correct, and delivered once.
    @Suite("chaos: lost workers, stopped workers, teardown")
    struct Chaos {
        /// Heartbeats fast enough that a stopped worker is found in about a second.
        static let fastHeartbeat = ["--heartbeat-timeout", "1.5", "--heartbeat-interval", "0.25"]
        /// Three random kills may hit the same long-running parent three times,
        /// which the default retry limit (3) rightly fails: allow one more here.
        static let threeKills = fastHeartbeat + ["--max-worker-losses", "4"]

        /// Kills a random live non-origin worker that has joined (it ran a future)
        /// each time the log reaches one of `marks`; the killed ids.
        static func killWorkers(of run: ChaosRun, at marks: [Int]) async -> [Int] {
            var killed: [Int] = []
            for mark in marks {
                guard await run.waitForExecutions(mark) else { break }
                let serving = Set(run.executions.map(\.worker))
                guard let (id, pid) = run.workerProcesses.filter({ $0.key != 0 && serving.contains($0.key) }).randomElement() else { break }
                kill(pid, SIGKILL)
                killed.append(id)
            }
            return killed
        }

        @Test("kill -9 three random workers during a 2,000-future map: every result present, correct, once")
        func killDuringMap() async throws {
            let run = try ChaosRun(workers: 6, scoopOptions: Self.threeKills, ["map", "2000", "8"])
            defer { run.process.killTree() }
            let killed = await Self.killWorkers(of: run, at: [300, 700, 1100])
            let result = await finish(run.process, timeout: .seconds(90))
            #expect(killed.count == 3, "the map ended before three workers could be killed: \(result)")
            #expect(result.status == 0, "a lost worker must not fail a run the origin completed: \(result)")
            #expect(result.stdoutLines == ["map ok 2000"], "\(result)")
            let counts = run.executionCounts
            let missing = (0..<2000).filter { counts["m\($0)", default: 0] < 1 }
            #expect(missing.isEmpty, "never executed: \(missing.prefix(20))")
            #expect(counts.count == 2000)
            for id in killed {
                #expect(result.stderr.contains("worker \(id) on localhost was killed by signal 9"), "\(result)")
            }
            #expect(result.stderr.contains("\(killed.count) worker(s) lost during the run"), "\(result)")
            let reruns = counts.values.reduce(0, +) - 2000
            #expect(reruns <= 3 * 5, "each lost worker held at most a few futures: \(reruns) re-executions")
        }

        /// The keys of every node of fib(n)'s call tree, as `scoop-chaos fib` names them.
        static func fibPaths(_ n: Int, _ path: String = "r") -> [String] {
            n < 2 ? ["f" + path] : ["f" + path] + fibPaths(n - 1, path + "a") + fibPaths(n - 2, path + "b")
        }

        @Test("kill -9 three random workers during nested fib: parents re-run elsewhere, the result is right")
        func killDuringNestedFib() async throws {
            let run = try ChaosRun(workers: 6, scoopOptions: Self.threeKills, ["fib", "14", "4"])
            defer { run.process.killTree() }
            let killed = await Self.killWorkers(of: run, at: [150, 400, 700])
            let result = await finish(run.process, timeout: .seconds(90))
            #expect(killed.count == 3, "fib ended before three workers could be killed: \(result)")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["fib ok 377"], "\(result)")
            let counts = run.executionCounts
            let missing = Self.fibPaths(14).filter { counts[$0, default: 0] < 1 }
            #expect(missing.isEmpty, "nodes of the call tree never executed: \(missing.prefix(20))")
        }

        @Test("a remote-only future fails, instead of waiting for ever, when its only other worker is lost")
        func remoteOnlyFutureWithoutAWorker() async throws {
            let run = try ChaosRun(workers: 2, scoopOptions: Self.fastHeartbeat, ["crash"])
            defer { run.process.killTree() }
            let result = await finish(run.process, timeout: .seconds(60))
            #expect(result.status == 0, "\(result)")
            let line = result.stdoutLines.first ?? ""
            #expect(line.hasPrefix("crash failed: the pool is unavailable: task 'chaos.crash'"), "\(result)")
            #expect(line.contains("no worker but its submitter is left in the pool (lost: worker 1@"), "\(result)")
            #expect(run.executionCounts["c1"] == 1, "it ran once, on the worker it killed: \(run.executionCounts)")
        }

        @Test("a worker that fails to start: a remote-only future fails instead of waiting for it, and the launcher names it")
        func workerThatNeverJoins() async throws {
            var environment = TestEnvironment.make()
            environment["CHAOS_EXIT_WORKER"] = "1"
            let result = try await scoop(["run", "-n", "2", "--", Products.path("scoop-chaos"), "crash"], environment: environment)
            #expect(result.status == 1, "a worker failed: \(result)")
            let line = result.stdoutLines.first ?? ""
            #expect(line.hasPrefix("crash failed: the pool is unavailable: task 'chaos.crash'"), "\(result)")
            #expect(line.contains("no worker but its submitter is left in the pool (never joined: worker 1)"), "\(result)")
            #expect(result.stderr.contains("worker 1 never joined: its process on localhost exited with status 3"), "\(result)")
        }

        @Test("a future that kills every worker it runs on fails after 3 lost workers, naming them; the run goes on")
        func retryLimit() async throws {
            let run = try ChaosRun(workers: 5, scoopOptions: Self.fastHeartbeat, ["crash"])
            defer { run.process.killTree() }
            let result = await finish(run.process, timeout: .seconds(60))
            #expect(result.status == 0, "\(result)")
            let line = result.stdoutLines.first ?? ""
            #expect(line.hasPrefix("crash failed: task 'chaos.crash'"), "\(result)")
            #expect(line.contains("was running on 3 workers that were all lost"), "\(result)")
            let named = line.components(separatedBy: "@").count - 1
            #expect(named == 3, "the three lost workers with their hosts: \(line)")
            #expect(run.executionCounts["c1"] == 3, "it ran on exactly three workers: \(run.executionCounts)")
            #expect(result.stderr.contains("1 future(s) failed after 3 lost workers"), "\(result)")
        }

        @Test("SIGSTOP a worker: declared lost within the heartbeat timeout, its futures run elsewhere; after SIGCONT its late result is ignored")
        func stoppedWorker() async throws {
            let run = try ChaosRun(workers: 3, scoopOptions: Self.fastHeartbeat + ["-v"], ["map", "24", "1000"])
            defer { run.process.killTree() }
            // Worker 2 has just started a one-second future.
            #expect(await run.waitForExecutions(1) { $0.worker == 2 }, "worker 2 never ran anything: \(run.process.stderr)")
            let pid = try #require(run.workerProcesses[2])
            kill(pid, SIGSTOP)
            let stopped = ContinuousClock.now
            let detected = await run.process.waitForOutput(.stderr, timeout: .seconds(15)) {
                $0.contains("worker 2@") && $0.contains("stopped answering heartbeats")
            }
            let detection = ContinuousClock.now - stopped
            #expect(detected, "the stopped worker was never declared lost: \(run.process.stderr)")
            #expect(detection < .seconds(5), "declared lost after \(detection) with a 1.5 s timeout")
            kill(pid, SIGCONT)
            let result = await finish(run.process, timeout: .seconds(60))
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["map ok 24"], "\(result)")
            #expect((0..<24).allSatisfy { run.executionCounts["m\($0)", default: 0] >= 1 })
            #expect(result.stderr.contains("which was declared lost"), "the resumed worker's messages must be dropped: \(result)")
            let stale = result.stderr.firstMatch(of: /(\d+) late result\(s\) ignored/).flatMap { Int($0.1) } ?? 0
            #expect(stale >= 1, "the resumed worker's result must be counted as late: \(result)")
            #expect(!Integration.Launcher.stillRuns(pid, run.program), "the resumed worker must leave")
        }

        enum Teardown: String, CaseIterable, CustomTestStringConvertible {
            case killOrigin = "kill -9 the origin"
            case killLauncher = "kill -9 scoop run (the broker)"
            case interruptLauncher = "Ctrl-C (SIGINT) on scoop run"
            var testDescription: String { rawValue }
        }

        @Test("no process of the run is left a few seconds after", arguments: Teardown.allCases)
        func teardown(_ how: Teardown) async throws {
            let run = try ChaosRun(workers: 4, scoopOptions: Self.fastHeartbeat, ["map", "400", "100"])
            defer { run.process.killTree() }
            #expect(await run.waitForExecutions(8), "the map never started: \(run.process.stderr)")
            let workers = await run.waitForWorkers(4)
            try #require(workers.count == 4, "\(workers) \(run.process.stderr)")
            switch how {
            case .killOrigin: kill(try #require(workers[0]), SIGKILL)
            case .killLauncher: kill(run.process.processID, SIGKILL)
            case .interruptLauncher: kill(run.process.processID, SIGINT)
            }
            let gone = await run.waitUntilGone(Array(workers.values), within: .seconds(8))
            let left = workers.filter { Integration.Launcher.stillRuns($0.value, run.program) }
            #expect(gone, "still running after 8 s: \(left) \(run.process.stderr)")
            let launcher = await run.process.wait(timeout: .seconds(10))
            switch how {
            case .killOrigin:
                #expect(launcher != nil && launcher != 0, "\(run.process.stderr)")
                #expect(run.process.stderr.contains("the origin (worker 0"), "\(run.process.stderr)")
            case .killLauncher:
                #expect(launcher == 128 + SIGKILL)
            case .interruptLauncher:
                #expect(launcher == 130, "\(run.process.stderr)")
            }
        }
    }
}

extension Integration {
    /// Time limits across real processes: the timer runs in the owner, the
    /// cancel travels through the broker (ZeroMQ) or rank 0's hub (MPI).
    @Suite("timeouts across processes")
    struct Timeouts {
        static func expectTimeouts(_ result: RunResult, program: [String]) {
            #expect(result.status == 0, "\(result)")
            #expect(program == [
                "submit: task 'chaos.hang' did not complete within its time limit of 0.5 seconds: it was cancelled",
                "cancelled where it ran",
                "map kept [0, 1, 2, 4, 5]",
                "map element 3: task 'chaos.hangAt' did not complete within its time limit of 3.0 seconds: it was cancelled",
                "map element cancelled",
                "still serving: 283394",
            ], "\(result)")
        }

        @Test("scoop run: a remote future and a map past their limits fail, and the remote task is cancelled")
        func zeroMQ() async throws {
            let directory = try TemporaryDirectory("timeouts")
            let result = try await scoop(["run", "-n", "3", "--env", "CHAOS_LOG=\(directory.file("log"))", "--",
                                          Products.path("scoop-chaos"), "timeout"])
            Self.expectTimeouts(result, program: result.stdoutLines)
        }

        @Test("scoop run -v: a future still running when the body returns is named in the broker's shutdown line")
        func abandonedFutureInTheBrokersShutdownLine() async throws {
            let directory = try TemporaryDirectory("abandon")
            let result = try await scoop(["run", "-v", "-n", "2", "--env", "CHAOS_LOG=\(directory.file("log"))", "--",
                                          Products.path("scoop-chaos"), "abandon"])
            #expect(result.status == 0, "\(result)")
            let id = try #require(result.stdoutLines.first { $0.hasPrefix("abandoned 0.") }?.split(separator: " ").last,
                                  "\(result)")
            let line = result.stderr.split(separator: "\n").first { $0.contains("broker at shutdown:") } ?? ""
            // In flight on worker 1, or re-queued if the broker saw worker 1 go first.
            #expect(line.contains("in flight worker 1 [\(id)]") || line.contains("queue 1 [\(id)]"), "\(result)")
        }

        @Test("kill -USR1 of scoop run logs the broker's state, the future that runs included, and the run goes on")
        func stateReportOnSIGUSR1() async throws {
            let directory = try TemporaryDirectory("stuck")
            let run = try Subprocess(Products.scoop, ["run", "-n", "2", "--env", "CHAOS_LOG=\(directory.file("log"))", "--",
                                                      Products.path("scoop-chaos"), "stuck"])
            defer { run.killTree() }
            let started = await run.waitForOutput(.stdout, timeout: .seconds(30)) { $0.contains("stuck 0.") }
            try #require(started, "the stuck future did not start: \(run.stdout) \(run.stderr)")
            let id = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("stuck 0.") }?.split(separator: " ").last)
            kill(run.processID, SIGUSR1)
            let reported = await run.waitForOutput(.stderr, timeout: .seconds(30)) { $0.contains("broker state (SIGUSR1):") }
            #expect(reported, "\(run.stderr)")
            let line = run.stderr.split(separator: "\n").first { $0.contains("broker state (SIGUSR1):") } ?? ""
            #expect(line.contains("2 member(s); queue 0 [], credits "), "\(line)")
            #expect(line.contains("in flight worker 1 [\(id)]"), "\(line)")
            #expect(run.exitStatus == nil, "the run went on")
        }

        @Test("mpirun: the same")
        func mpi() async throws {
            let mpirun = try #require(Integration.MPI.mpirun, "mpirun is not installed (Debian: openmpi-bin)")
            let directory = try TemporaryDirectory("timeouts")
            let result = try await run(mpirun, ["--allow-run-as-root", "--oversubscribe", "-n", "3",
                                                "-x", "CHAOS_LOG=\(directory.file("log"))", Products.path("scoop-chaos"), "timeout"],
                                       timeout: .seconds(60))
            Self.expectTimeouts(result, program: result.stdoutLines.filter { !$0.hasPrefix("mpirun: Forwarding signal") })
        }
    }
}
