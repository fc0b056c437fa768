import Foundation
import Testing

extension Integration {
    /// The same programs under a real `mpirun`: rank 0 is the origin and the
    /// scheduler, the other ranks are workers.
    @Suite("mpirun")
    struct MPI {
        static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

        func mpirun(_ ranks: Int, _ program: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> RunResult {
            let path = try #require(Self.mpirun, "mpirun is not installed (Debian: openmpi-bin)", sourceLocation: sourceLocation)
            return try await run(path, ["--allow-run-as-root", "--oversubscribe", "-n", "\(ranks)", Products.path(program)] + arguments,
                                 environment: environment ?? TestEnvironment.make(), timeout: .seconds(60),
                                 sourceLocation: sourceLocation)
        }

        /// mpirun forwards job-control signals and says so on stderr; that is not the program's output.
        func programOutput(_ result: RunResult) -> [String] {
            result.stdoutLines.filter { !$0.hasPrefix("mpirun: Forwarding signal") }
        }

        @Test("hello prints the 16 greetings in order on 1, 2 and 3 ranks", arguments: [1, 2, 3])
        func hello(ranks: Int) async throws {
            for _ in 0..<2 {
                let result = try await mpirun(ranks, "hello")
                #expect(result.status == 0, "\(result)")
                #expect(programOutput(result) == helloLines, "\(result)")
            }
        }

        @Test("a bad retry limit or summary flag ends every rank with one clear line, not a default",
              arguments: [("SCOOP_MAX_WORKER_LOSSES", "0"), ("SCOOP_SUMMARY", "maybe")])
        func badSetting(name: String, value: String) async throws {
            let result = try await mpirun(2, "hello", environment: TestEnvironment.make([name: value]))
            #expect(result.status != 0, "\(result)")
            #expect(programOutput(result).isEmpty, "\(result)")
            #expect(result.stderr.contains("scoop: error:") && result.stderr.contains("invalid argument: \(name) must"), "\(result)")
            #expect(result.stderr.contains("'\(value)'"), "\(result)")
        }

        @Test("nested futures across ranks: fib 20", arguments: [2, 3])
        func fib(ranks: Int) async throws {
            let result = try await mpirun(ranks, "fib", ["20"])
            #expect(result.status == 0, "\(result)")
            #expect(programOutput(result) == ["fib(20) = 6765"], "\(result)")
        }

        @Test("shared constants reach every rank")
        func shared() async throws {
            let result = try await mpirun(3, "shared")
            #expect(result.status == 0, "\(result)")
            #expect(programOutput(result).first == "scaled: [100.0, 101.0, 104.0, 101.5, 104.0, 110.0]", "\(result)")
        }

        @Test("mapReduce, mapScan, errors and pi under mpirun -n 3")
        func examples() async throws {
            let reduce = try await mpirun(3, "mapreduce")
            #expect(programOutput(reduce) == [
                "sum of squares below 100000: 333328333350000",
                "in order: abcdefghijklmnopqrstuvwxyz",
                "prefix sums of squares of 1...4: [1, 5, 14, 30]",
            ], "\(reduce)")
            let errors = try await mpirun(3, "errors")
            #expect(errors.status == 0, "\(errors)")
            #expect(programOutput(errors).contains { $0.contains("sensor 3 returned no reading") }, "\(errors)")
            let pi = try await mpirun(2, "pi")
            #expect(programOutput(pi) == ["hits 5027559 of 6400000: pi ≈ 3.142224375"], "\(pi)")
        }

        @Test("scoop run --backend mpi runs mpirun for the user")
        func backendMPI() async throws {
            _ = try #require(Self.mpirun, "mpirun is not installed")
            let result = try await scoop(["run", "--backend", "mpi", "-n", "3", "--", Products.path("hello")])
            #expect(result.status == 0, "\(result)")
            #expect(programOutput(result) == helloLines, "\(result)")
        }

        @Test("scoop run --backend mpi passes --env to every rank and refuses options mpirun cannot honour")
        func backendMPIOptions() async throws {
            _ = try #require(Self.mpirun, "mpirun is not installed")
            let environment = try await scoop(["run", "--backend", "mpi", "-n", "2", "--env", "SCOOP_TEST_MARK=a b",
                                               "--", "/usr/bin/env"])
            #expect(environment.status == 0, "\(environment)")
            #expect(environment.stdout.split(separator: "\n").filter { $0 == "SCOOP_TEST_MARK=a b" }.count == 2, "\(environment)")

            let refused = try await scoop(["run", "--backend", "mpi", "-n", "2", "--prolog", "setup.sh", "--tunnel",
                                           "--", Products.path("hello")])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--prolog, --tunnel cannot be used with --backend mpi"), "\(refused)")
        }
    
        /// Whether `pid` is a live process (a zombie awaiting its reaper is not).
        func isRunning(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
            return state != "Z" && state != "X"
        }

        /// Whether process `pid` has a thread named `scoop-mpi` (its MPI progress thread, named after `MPI_Init_thread`).
        func hasInitialisedMPI(_ pid: Int32) -> Bool {
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return threads.contains { thread in
                (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "scoop-mpi"
            }
        }

        @Test("a rank that dies ends the job: non-zero status, a message naming the rank, no process left")
        func aDeadRankEndsTheJob() async throws {
            let path = try #require(Self.mpirun, "mpirun is not installed")
            // fib 34 runs far longer than this test: the kill always lands mid-run.
            let job = try Subprocess(path, ["--allow-run-as-root", "--oversubscribe", "-n", "3", Products.path("fib"), "34"])
            let deadline = ContinuousClock.now + .seconds(30)
            // Killed before MPI_Init completes, a rank is reported by mpirun
            // without its number; wait until every rank runs its progress
            // thread (named once MPI is initialised).
            var ranks: [Int32] = []
            while ContinuousClock.now < deadline {
                ranks = ProcessTree.descendants(of: job.processID).filter { pid in
                    let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                    return command.contains("fib")
                }
                if ranks.count == 3 && ranks.allSatisfy(hasInitialisedMPI) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try #require(ranks.count == 3 && ranks.allSatisfy(hasInitialisedMPI),
                         "the three ranks did not start: \(job.stderrTail)")
            kill(ranks[2], SIGKILL)
            let result = await finish(job, timeout: .seconds(30))
            #expect(result.status != nil && result.status != 0, "\(result)")
            #expect(result.stderr.contains("rank"), "\(result)")
            // mpirun may return while the ranks it killed are still on their
            // way out (a rank ends its progress thread first): none may stay.
            let gone = ContinuousClock.now + .seconds(10)
            while ranks.contains(where: isRunning), ContinuousClock.now < gone {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!ranks.contains(where: isRunning), "a rank is still running 10 s after mpirun ended")
        }
    }
}
