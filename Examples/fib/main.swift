// Nested futures: fib(n) submits fib(n-1) and fib(n-2) as futures above a
// cutoff and computes serially below it. Awaiting a child never blocks a
// thread, so this completes with any number of workers, even one.
//
//     swift run fib 25            # prints fib(25) = 75025
import Scoop

func serialFib(_ n: Int) -> Int { n < 2 ? n : serialFib(n - 1) + serialFib(n - 2) }

let cutoff = 10

let fib: TaskFunction<Int, Int> = TaskFunction("fib") { (n: Int) -> Int in
    if n < cutoff { return serialFib(n) }
    let a = try Futures.submit(fib, n - 1)
    let b = try Futures.submit(fib, n - 2)
    return try await a.value + b.value
}

let n = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 25
await Pool.main(functions: [fib]) {
    let value = try await Futures.submit(fib, n).value
    print("fib(\(n)) = \(value)")
}
