import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scoop-bench compare`: runs the launch modes interleaved over several
/// rounds and prints the medians per workload and transport.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run threads, `scoop run` and (if it works) mpirun interleaved; print the medians.",
        discussion: """
            Each round starts every launch mode twice, in an order that rotates from round to round: \
            once with --startup-probe (startup = wall time from spawning the command to reading its \
            startup line, measured here) and once for the workloads. MPI is included only when \
            `mpirun` is on PATH and a probe run under it reports the mpi transport.
            """)

    @Option(help: "Rounds of every launch mode.")
    var rounds = 3

    @Option(help: "Workloads of each run (passed on as --only).")
    var only: String?

    @Option(help: "The `scoop` launcher (default: next to this executable).")
    var launcher: String?

    @Option(help: "Write a Markdown report here.")
    var markdown: String?

    @Option(help: "Write an SVG bar chart here.")
    var svg: String?

    @Option(help: "Write every JSON line collected here (with mode and round).")
    var jsonl: String?

    @Option(help: "Seconds after which a launch is ended as hung.")
    var timeout: Double = 600

    @Flag(help: "Skip MPI even if mpirun works.")
    var noMPI = false

    @Option(help: ArgumentHelp(
        "Run a launch's workloads again when the hypervisor stole more than this share of the host's CPU time meanwhile (median host_steal, 0...1).",
        discussion: "Off by default. On a shared VM, latencies grow several-fold while the host is busy; this keeps such runs out of the medians."))
    var maxSteal: Double?

    @Option(help: "How many times one launch may run again for --max-steal.")
    var stealRetries = 2

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        if let maxSteal, !(0...1).contains(maxSteal) {
            throw ValidationError("--max-steal must be a share from 0 to 1 (got \(maxSteal))")
        }
        guard stealRetries >= 0 else { throw ValidationError("--steal-retries cannot be negative") }
    }

    func run() throws {
        let benchmark = ChildProcess.currentExecutable()
        var notes: [String] = []
        var modes = [LaunchMode.threads()]

        let scoop = launcher ?? siblingPath(of: benchmark, named: "scoop")
        if access(scoop, X_OK) == 0 {
            modes.append(.zeroMQ(launcher: scoop))
        } else {
            notes.append("ZeroMQ skipped: no launcher at \(scoop) (build the `scoop` product or pass --launcher).")
        }
        if noMPI {
            notes.append("MPI skipped (--no-mpi).")
        } else if let mpirun = ChildProcess.which("mpirun") {
            let mode = LaunchMode.mpi(mpirun: mpirun)
            if let problem = probeFails(mode, benchmark: benchmark) {
                notes.append("MPI skipped: a probe run under mpirun failed (\(problem)).")
            } else {
                modes.append(mode)
            }
        } else {
            notes.append("MPI skipped: `mpirun` is not on PATH.")
        }
        for note in notes { StandardStreams.err("compare: \(note)") }

        var samples: [Sample] = []
        var raw: [String] = []
        var failures = 0
        for round in 1...rounds {
            let shift = (round - 1) % modes.count
            for mode in Array(modes[shift...] + modes[..<shift]) {
                // Startup, measured from outside.
                let probe = launch(mode, benchmark: benchmark, arguments: ["run", "--startup-probe"], round: round)
                if let startup = probe.run.flatMap({ startupLine(in: $0) }) {
                    var json = startup.json
                    json["seconds"] = .double(startup.seconds)
                    json["value"] = .double(startup.seconds)
                    json["method"] = .string("spawn-to-line (compare)")
                    json["in_process_seconds"] = startup.inProcess.map(JSONValue.double) ?? .null
                    samples.append(Sample(transport: mode.transport, round: round, line: json))
                    raw.append(annotated(json, mode: mode, round: round).description)
                } else {
                    failures += 1
                    report(failure: probe, mode: mode, what: "startup probe")
                }
                // The workloads.
                var arguments = ["run"]
                if let only { arguments += ["--only", only] }
                var full = launch(mode, benchmark: benchmark, arguments: arguments, round: round)
                var retries = 0
                while let maxSteal, let run = full.run, run.succeeded,
                      let steal = Self.medianSteal(run.lines.map(\.text)), steal > maxSteal {
                    guard retries < stealRetries else {
                        notes.append("round \(round): `\(mode.label)` kept after \(retries) re-run(s) with "
                                     + "\(NumberFormat.short(steal * 100)) % host steal")
                        break
                    }
                    retries += 1
                    let message = "round \(round): `\(mode.label)` ran again: the hypervisor stole "
                        + "\(NumberFormat.short(steal * 100)) % of the host's CPU time (median host_steal, limit \(NumberFormat.short(maxSteal * 100)) %)"
                    notes.append(message)
                    StandardStreams.err("compare: \(message)")
                    full = launch(mode, benchmark: benchmark, arguments: arguments, round: round)
                }
                if let run = full.run {
                    for text in run.lines.map(\.text) {
                        guard let line = JSONLineParser.parse(text), line["workload"]?.string != "startup" else { continue }
                        if line["transport"]?.string != mode.transport {
                            notes.append("round \(round): `\(mode.label)` reported transport \(line["transport"]?.string ?? "?").")
                        }
                        samples.append(Sample(transport: mode.transport, round: round, line: line))
                        raw.append(annotated(line, mode: mode, round: round).description)
                        if line["ok"]?.bool != true { failures += 1 }
                    }
                    if !run.succeeded {
                        failures += 1
                        report(failure: full, mode: mode, what: "run")
                    }
                } else {
                    failures += 1
                    report(failure: full, mode: mode, what: "run")
                }
            }
        }

        let summary = Summary(transports: modes.map(\.transport), samples: samples, rounds: rounds)
        StandardStreams.out(summary.text())
        if let warning = summary.stealWarning { notes.append(warning) }
        for note in notes { StandardStreams.out("note: \(note)") }
        if let jsonl { try write(raw.joined(separator: "\n") + "\n", to: jsonl) }
        if let svg { try write(SVGChart.render(summary), to: svg) }
        if let markdown {
            let relative = svg.map { path in path.split(separator: "/").last.map(String.init) ?? path }
            try write(MarkdownReport.render(summary, modes: modes, notes: notes, svgPath: relative), to: markdown)
        }
        if failures > 0 {
            StandardStreams.err("compare: \(failures) failed run(s) or unverified result(s)")
            throw ExitCode(1)
        }
    }

    /// The median `host_steal` of a launch's JSON lines, if they report it.
    static func medianSteal(_ lines: [String]) -> Double? {
        Summary.median(lines.compactMap { JSONLineParser.parse($0)?["host_steal"]?.number })
    }

    // MARK: Launching

    private struct Launch {
        var run: ChildRun?
        var error: (any Error)?
    }

    private func launch(_ mode: LaunchMode, benchmark: String, arguments: [String], round: Int) -> Launch {
        var environment = ChildProcess.currentEnvironment()
        for (key, value) in mode.environment { environment[key] = value }
        environment[ProcessAge.launchVariable] = String(BenchClock.realtime())
        let command = mode.command(benchmark: benchmark, arguments: arguments)
        StandardStreams.err("compare: round \(round): \(command.joined(separator: " "))")
        do {
            let progress = "  [\(mode.transport) \(round)] "
            return Launch(run: try ChildProcess.run(command, environment: environment, timeout: timeout) { line in
                StandardStreams.err(progress + line.text)
            })
        } catch {
            return Launch(error: error)
        }
    }

    /// The startup line of a probe, timed by its arrival on the pipe.
    private func startupLine(in run: ChildRun) -> (json: JSONLine, seconds: Double, inProcess: Double?)? {
        for line in run.lines {
            guard let json = JSONLineParser.parse(line.text), json["workload"]?.string == "startup",
                  json["ok"]?.bool == true else { continue }
            return (json, BenchClock.seconds(from: run.spawned, to: line.arrival), json["seconds"]?.number)
        }
        return nil
    }

    /// Nil when a startup probe under `mode` reports its transport; else why not.
    private func probeFails(_ mode: LaunchMode, benchmark: String) -> String? {
        var environment = ChildProcess.currentEnvironment()
        for (key, value) in mode.environment { environment[key] = value }
        let command = mode.command(benchmark: benchmark, arguments: ["run", "--startup-probe"])
        do {
            let run = try ChildProcess.run(command, environment: environment, timeout: 60)
            if let line = startupLine(in: run) {
                let transport = line.json["transport"]?.string ?? "?"
                return transport == mode.transport ? nil : "it reported transport \(transport)"
            }
            let reason = run.timedOut ? "timed out" : "exit status \(run.status)"
            let firstError = run.standardError.split(separator: "\n").first.map(String.init) ?? ""
            return firstError.isEmpty ? reason : "\(reason): \(firstError)"
        } catch {
            return String(describing: error)
        }
    }

    private func report(failure launch: Launch, mode: LaunchMode, what: String) {
        if let error = launch.error {
            StandardStreams.err("compare: \(mode.transport) \(what) could not start: \(error)")
        } else if let run = launch.run {
            let why = run.timedOut ? "timed out" : "exit status \(run.status)"
            StandardStreams.err("compare: \(mode.transport) \(what) failed (\(why)); its stderr:\n\(run.standardError)")
        }
    }

    private func annotated(_ line: JSONLine, mode: LaunchMode, round: Int) -> JSONLine {
        var line = line
        line["mode"] = .string(mode.label)
        line["round"] = .int(round)
        return line
    }

    private func siblingPath(of path: String, named name: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }

    private func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        fputs(text, file)
        StandardStreams.err("compare: wrote \(path)")
    }
}
