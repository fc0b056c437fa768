import ArgumentParser
import Scoop
import ScoopCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the workloads in one pool and prints one JSON line per workload.
///
/// Everything happens inside one `Pool.run`, so the same command works on
/// every transport: `./scoop-bench` (threads), `scoop run -n 2 -- ./scoop-bench`
/// (ZeroMQ), `mpirun -n 3 ./scoop-bench` (MPI). Worker processes never leave
/// `Pool.run`; only the origin prints.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the workloads of BENCHMARKS.md (the default subcommand).",
        discussion: """
            Prints one JSON line per workload on stdout: system, workload, n, workers, seconds, \
            metric, value, ok, transport, then the workload's extras. Exits 1 if any result \
            failed verification (after printing everything), 3 if a watchdog fired.
            Workloads: \(Workloads.allNames.joined(separator: ", ")).
            """)

    @Option(name: .long, help: "Comma-separated workloads to run (e.g. W1,W3), or 'none'. Default: all.")
    var only: String?

    @Flag(name: .long, help: "Only start the pool, await identity(0), print the startup line, and stop.")
    var startupProbe = false

    @Flag(name: .long, help: "Skip the untimed warm-up.")
    var noWarmup = false

    @Option(name: .long, help: "Run each selected workload this many times (one line each; for profiling and noise).")
    var `repeat` = 1

    @Option(name: .long, help: "Seconds a workload may take before it counts as hung (default: each workload's own, 130–600).")
    var watchdog: Double?

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let watchdog, !(watchdog > 0) { throw ValidationError("--watchdog must be a positive number of seconds") }
        _ = try selection()
    }

    /// The workloads to run, or nil for all of them.
    func selection() throws -> Set<String>? {
        guard let only else { return nil }
        let known = Dictionary(uniqueKeysWithValues: Workloads.allNames.map { ($0.lowercased(), $0) })
        var chosen: Set<String> = []
        for item in only.split(separator: ",").map({ String($0).filter { $0 != " " } }) where !item.isEmpty {
            if item.lowercased() == "none" { continue }
            guard let name = known[item.lowercased()] else {
                throw ValidationError("unknown workload '\(item)'; known: \(Workloads.allNames.joined(separator: ", "))")
            }
            chosen.insert(name)
        }
        return chosen
    }

    func run() async throws {
        let selected = try selection()
        let wants = { (name: String) in selected?.contains(name) ?? true }
        let reporter = Reporter()
        let probe = startupProbe
        let warm = !noWarmup
        let repetitions = `repeat`

        var bodyEnd: UInt64 = 0
        var runError: (any Error)?
        // Opened before the pool starts, so that the first workload's steal
        // has ticks to read even when it is shorter than one (the start-up's count).
        let hostSteal = probe ? nil : HostStealWindow()
        do {
            try await Pool.run(functions: BenchFunctions.all) {
                let context = BenchContext(workers: Pool.size, transport: Pool.transport?.rawValue ?? "none")
                reporter.setPool(workers: context.workers, transport: context.transport)
                if probe || wants("startup") {
                    reporter.emit(try await Startup.measure())
                }
                if !probe {
                    if warm { try await Warmup.run() }
                    for workload in Workloads.ordered where wants(workload.name) {
                        for _ in 0..<repetitions {
                            await Self.measure(workload, context: context, reporter: reporter, hostSteal: hostSteal,
                                               watchdogSeconds: watchdog)
                        }
                    }
                }
                bodyEnd = BenchClock.now()
            }
        } catch {
            runError = error
        }
        let returned = BenchClock.now()
        if bodyEnd == 0 {
            // The pool failed to start or the body threw before finishing.
            reporter.emit(BenchResult(workload: "run", n: 0, seconds: 0, metric: "seconds", value: 0, ok: false,
                                      error: runError.map { String(describing: $0) } ?? "the body did not finish"))
        } else if !probe && wants("shutdown") {
            reporter.emit(Shutdown.result(seconds: BenchClock.seconds(from: bodyEnd, to: returned), error: runError))
        }
        if !reporter.allOK {
            for failure in reporter.failures { StandardStreams.err("scoop-bench: FAILED \(failure)") }
            throw ExitCode(1)
        }
    }

    /// Runs one workload under its watchdog and prints its line. An error
    /// becomes ok=false; a hang ends the process after printing why.
    static func measure(_ workload: Workload, context: BenchContext, reporter: Reporter,
                        hostSteal: HostStealWindow? = nil, watchdogSeconds: Double? = nil) async {
        let name = workload.name
        let limit = watchdogSeconds ?? workload.watchdogSeconds
        let seconds = limit == limit.rounded() ? String(Int(limit)) : String(limit)
        let watchdog = Watchdog.arm(seconds: limit) {
            reporter.emit(BenchResult(workload: name, n: 0, seconds: limit, metric: "seconds", value: 0, ok: false,
                                      extras: [("deadlock", .bool(true))],
                                      error: "watchdog: no result after \(seconds) s (deadlock?)"))
            StandardStreams.err("scoop-bench: \(name) hung for \(seconds) s; exiting")
            StandardStreams.err("scoop-bench: \(Pool.stateDescription ?? "no pool")")
            _exit(3)
        }
        defer { watchdog.disarm() }
        var result: BenchResult
        do {
            result = try await workload.run(context)
        } catch {
            result = .failed(name, n: 0, metric: "seconds", error: error)
        }
        // How much of the host's CPU time the hypervisor took lately: a number
        // measured while it took much is not comparable (docs/benchmarks.md).
        if let steal = hostSteal?.fractionNow() {
            result.extras.append(("host_steal", .double((steal * 1000).rounded() / 1000)))
        }
        reporter.emit(result)
    }
}
