// A lazy map over ten million elements: results arrive in order while at most
// a few chunks are in flight, so memory stays flat however long the input.
// Prints the check, then this process's peak memory and, under `scoop run`,
// the launcher's (which hosts the broker). WORK adds that many steps of busy
// work per element, so that the workers, not the loop, set the pace; WINDOW
// is the most chunks in flight (default: four per slot of the pool).
//
//     scoop run -n 2 -- .build/release/lazymap [COUNT] [CHUNK] [WORK] [WINDOW]
import Foundation
import Scoop

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let count = arguments.first ?? 10_000_000
let chunk = arguments.dropFirst().first ?? 10_000
// Every process of the run has the same arguments, so the workers know WORK too.
let work = arguments.dropFirst(2).first ?? 0
let window = arguments.dropFirst(3).first

/// 2i + 1, after `work` steps of a generator that cannot be optimized away.
let oddNumber = TaskFunction("lazymap.oddNumber") { (i: Int) in
    var state = UInt64(truncatingIfNeeded: i)
    for _ in 0..<work { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    return 2 &* i &+ 1 &+ (state == 1 && work < 0 ? 1 : 0)
}

/// Peak resident memory (VmHWM) of a process, in KiB, from /proc.
func peakMemoryKiB(of process: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
    return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}

do {
  try await Pool.run(functions: [oddNumber]) {
    var index = 0
    var sum = 0
    for try await value in Futures.lazyMap(oddNumber, 0..<count, chunkSize: chunk, maxInFlight: window) {
        guard value == 2 &* index &+ 1 else {
            print("wrong result at \(index): \(value)")
            throw ExitCode.failure
        }
        sum &+= value
        index += 1
    }
    // 1 + 3 + ... + (2n − 1) = n².
    print(index == count && sum == count &* count ? "ok: \(count) results in order, sum \(sum)" : "wrong: \(index) results, sum \(sum)")
    print("origin peak memory: \(peakMemoryKiB(of: "self").map(String.init) ?? "?") KiB")
    if ProcessInfo.processInfo.environment["SCOOP_BROKER"] != nil {
        print("launcher (broker) peak memory: \(peakMemoryKiB(of: String(getppid())).map(String.init) ?? "?") KiB")
    }
  }
} catch {
    print("error: \(error)")
    exit(1)
}

/// Exits non-zero from the pool's body.
enum ExitCode: Error { case failure }
