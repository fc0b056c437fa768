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

func serialFib(_ n: Int) -> Int { n < 2 ? n : serialFib(n - 1) + serialFib(n - 2) }

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "map"
let numbers = arguments.dropFirst().compactMap(Int.init)

try await Pool.run(functions: [element, fibNode, crash]) {
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
    default:
        print("unknown mode \(mode)")
    }
}
