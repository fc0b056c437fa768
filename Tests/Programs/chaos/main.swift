// The program the chaos tests run under `scoop run` while they kill, stop
// and resume its workers. Every execution of a future appends one line
// "<future key> <worker id> <wall-clock seconds>" to the file named by
// CHAOS_LOG (the time serves recovery measurements; O_APPEND: lines
// from concurrent processes never interleave), so that the test can count
// executions per future; the origin checks every result and prints a verdict.
//
//     scoop-chaos map COUNT SLEEP_MS    2,000-future map (chunkSize 1)
//     scoop-chaos fib N SLEEP_MS        nested futures: every node of fib's call tree is a future
//     scoop-chaos crash                 a future that kills every worker it runs on
//     scoop-chaos timeout               time limits: a remote future and a map past their limits
import Foundation
import Scoop

/// Appends one line to the execution log.
func record(_ key: String) {
    guard let path = ProcessInfo.processInfo.environment["CHAOS_LOG"] else { return }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let time = String(format: "%d.%09d", Int(now.tv_sec), Int(now.tv_nsec))
    let line = "\(key) \(Pool.workerID?.rawValue ?? 0) \(time)\n"
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard descriptor >= 0 else { return }
    _ = line.withCString { write(descriptor, $0, strlen($0)) }
    close(descriptor)
}

let element = TaskFunction("chaos.element") { (i: Int, sleep: Int) -> Int in
    record("m\(i)")
    try await Task.sleep(for: .milliseconds(sleep))
    return i &* 2_654_435_761 % 1_000_003
}

/// fib(n) where each call is a future named by its path in the call tree.
let fibNode: TaskFunction<Int, String, Int, Int> = TaskFunction("chaos.fib") { (n: Int, path: String, sleep: Int) -> Int in
    record("f\(path)")
    if n < 2 {
        try await Task.sleep(for: .milliseconds(sleep))
        return n
    }
    let a = try Futures.submit(fibNode, n - 1, path + "a", sleep)
    let b = try Futures.submit(fibNode, n - 2, path + "b", sleep)
    return try await a.value + b.value
}

/// Kills the process it runs in: a future that crashes every worker.
let crash = TaskFunction("chaos.crash") { (n: Int) -> Int in
    record("c\(n)")
    kill(getpid(), SIGKILL)
    try await Task.sleep(for: .seconds(60))
    return n
}

/// Records "h<key>", sleeps until cancelled, then records "x<key>".
func sleepUntilCancelled(_ key: Int) async throws -> Int {
    record("h\(key)")
    do {
        try await Task.sleep(for: .seconds(600))
    } catch {
        record("x\(key)")
        throw error
    }
    return key
}

let hang = TaskFunction("chaos.hang") { (key: Int) -> Int in try await sleepUntilCancelled(key) }

/// Element `bad` hangs (key 100 + x), the others return at once.
let hangAt = TaskFunction("chaos.hangAt") { (x: Int, bad: Int) async throws -> Int in
    if x == bad { _ = try await sleepUntilCancelled(100 + x) }
    return x
}

/// Waits (polling the log, at most 20 s) until a line starts with `prefix`; its worker id.
func waitForRecord(_ prefix: String) async -> String? {
    guard let path = ProcessInfo.processInfo.environment["CHAOS_LOG"] else { return nil }
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix + " ") }) {
            return String(line.split(separator: " ")[1])
        }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return nil
}

func serialFib(_ n: Int) -> Int { n < 2 ? n : serialFib(n - 1) + serialFib(n - 2) }

// CHAOS_EXIT_WORKER=N: worker N exits at once, before it joins (a worker that fails to start).
if let id = ProcessInfo.processInfo.environment["CHAOS_EXIT_WORKER"], ProcessInfo.processInfo.environment["SCOOP_WORKER_ID"] == id {
    exit(3)
}
let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "map"
let numbers = arguments.dropFirst().compactMap(Int.init)

try await Pool.run(functions: [element, fibNode, crash, hang, hangAt]) {
    switch mode {
    case "map":
        let count = numbers.first ?? 2_000, sleep = numbers.dropFirst().first ?? 5
        let values = try await Futures.map(element, Array(0..<count), Array(repeating: sleep, count: count), chunkSize: 1)
        let wrong = values.enumerated().filter { $0.element != $0.offset &* 2_654_435_761 % 1_000_003 }
        print(values.count == count && wrong.isEmpty ? "map ok \(count)" : "map WRONG: \(values.count) values, \(wrong.count) wrong")
    case "fib":
        let n = numbers.first ?? 14, sleep = numbers.dropFirst().first ?? 2
        let value = try await Futures.submit(fibNode, n, "r", sleep).value
        print(value == serialFib(n) ? "fib ok \(value)" : "fib WRONG: \(value), expected \(serialFib(n))")
    case "crash":
        do {
            let value = try await Futures.submit(crash, 1, placement: .remote).value
            print("crash returned \(value)")
        } catch let error as ScoopError {
            print("crash failed: \(error)")
        }
    case "timeout":
        let future = try Futures.submit(hang, 1, placement: .remote, timeout: .milliseconds(500))
        do {
            print("submit returned \(try await future.value)")
        } catch {
            print("submit: \(error)")
        }
        let ranOn = await waitForRecord("h1"), cancelledOn = await waitForRecord("x1")
        print(ranOn != nil && ranOn == cancelledOn && ranOn != "0" ? "cancelled where it ran" : "NOT cancelled: ran on \(ranOn ?? "?"), cancelled on \(cancelledOn ?? "?")")
        let outcomes: [Result<Int, any Error>] = try await Futures.mapResults(hangAt, Array(0..<6), Array(repeating: 3, count: 6), chunkSize: 1,
                                                    timeout: .seconds(3))
        let kept = outcomes.compactMap { try? $0.get() }
        print("map kept \(kept)")
        if case .failure(let error) = outcomes[3] { print("map element 3: \(error)") }
        print(await waitForRecord("x103") != nil ? "map element cancelled" : "map element NOT cancelled")
        print("still serving: \(try await Futures.submit(element, 3, 0).value)")
    case "stuck":
        // A remote future that runs until the run is stopped (SIGUSR1 to the launcher shows it).
        let future = try Futures.submit(hang, 8, placement: .remote)
        print(await waitForRecord("h8") != nil ? "stuck \(future.id)" : "stuck future never started")
        fflush(nil)  // a pipe is block-buffered: the test reads this line while the run goes on
        _ = try? await future.value(timeout: .seconds(60))
    case "abandon":
        // Returns while a remote future still runs: the broker reports it at shutdown.
        let future = try Futures.submit(hang, 7, placement: .remote)
        print(await waitForRecord("h7") != nil ? "abandoned \(future.id)" : "abandoned future never started")
    default:
        print("unknown mode \(mode)")
    }
}
