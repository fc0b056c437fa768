// A long map that shows a progress bar: run it in a terminal, directly or
// with `scoop run -n 4 -- .build/debug/progress`. Every tenth element also
// prints a line from the worker that ran it; the bar stays on its own line.
//
//     swift run progress 200        # 200 elements of ~25 ms each
import Scoop

#if canImport(Glibc)
import Glibc
#endif

let step = TaskFunction("step") { (i: Int) -> Int in
    usleep(25_000)
    if i % 10 == 0 {
        print("element \(i) done on worker \(Pool.workerID?.rawValue ?? 0)")
        fflush(nil)   // stdout is a pipe under `scoop run`: send the line now
    }
    return i * i
}

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100
await Pool.main(functions: [step]) {
    // Chunks of one: every element is its own future, so the bar moves smoothly.
    let squares = try await Futures.map(step, Array(0..<count), chunkSize: 1)
    print("sum of squares of 0..<\(count) = \(squares.reduce(0, +))")
}
