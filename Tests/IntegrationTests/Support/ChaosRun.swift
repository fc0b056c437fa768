import Foundation
import Testing

/// One `scoop run` of the `scoop-chaos` program, with its execution log, and
/// the means to find, kill, stop and resume its workers.
final class ChaosRun: Sendable {
    let process: Subprocess
    let directory: TemporaryDirectory
    let program: String
    var log: String { directory.file("executions.log") }

    /// Starts `scoop run -n workers [scoopOptions] -- scoop-chaos arguments…`.
    init(workers: Int, scoopOptions: [String] = [], _ arguments: [String]) throws {
        directory = try TemporaryDirectory("chaos")
        program = Products.path("scoop-chaos")
        let log = directory.file("executions.log")
        process = try Subprocess(Products.scoop, ["run", "-n", "\(workers)", "--env", "CHAOS_LOG=\(log)"]
                                 + scoopOptions + ["--", program] + arguments)
    }

    /// The executions so far: "<future key> <worker id> <time>" per line.
    var executions: [(key: String, worker: Int)] {
        let text = (FileManager.default.contents(atPath: log)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return lines(text).compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let worker = Int(parts[1]) else { return nil }
            return (String(parts[0]), worker)
        }
    }

    /// Executions per future key.
    var executionCounts: [String: Int] {
        executions.reduce(into: [:]) { $0[$1.key, default: 0] += 1 }
    }

    /// Waits until the log holds at least `count` executions (false if the run ended or 60 s passed).
    func waitForExecutions(_ count: Int, where condition: @escaping ((key: String, worker: Int)) -> Bool = { _ in true }) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.exitStatus == nil {
            if executions.filter(condition).count >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// The run's worker processes still alive, by worker id (the origin is 0).
    var workerProcesses: [Int: Int32] {
        var found: [Int: Int32] = [:]
        for pid in ProcessTree.descendants(of: process.processID)
        where Integration.Launcher.commandLine(of: pid).first == program && Integration.Launcher.stillRuns(pid, program) {
            if let id = Self.workerID(of: pid) { found[id] = pid }
        }
        return found
    }

    /// SCOOP_WORKER_ID from a process's environment.
    static func workerID(of pid: Int32) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix("SCOOP_WORKER_ID=") { return Int(text.dropFirst("SCOOP_WORKER_ID=".count)) }
        }
        return nil
    }

    /// Waits until `count` workers run; their pids by id.
    func waitForWorkers(_ count: Int) async -> [Int: Int32] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let found = workerProcesses
            if found.count >= count { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return workerProcesses
    }

    /// Waits until none of `pids` runs the program any more; false after `limit`.
    func waitUntilGone(_ pids: [Int32], within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if !pids.contains(where: { Integration.Launcher.stillRuns($0, program) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
