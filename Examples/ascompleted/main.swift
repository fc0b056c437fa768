// Results in completion order: asCompleted, mapAsCompleted and wait.
//
//     swift run ascompleted
import Scoop

let nap = TaskFunction("nap") { (milliseconds: Int) -> Int in
    try await Task.sleep(for: .milliseconds(milliseconds))
    return milliseconds
}

await Pool.main(functions: [nap]) {
    let futures = try [400, 100, 200].map { try Futures.submit(nap, $0) }
    for try await future in Futures.asCompleted(futures, timeout: .seconds(10)) {
        print("finished: \(try await future.value) ms")
    }
    for try await (index, value) in try Futures.mapAsCompleted(nap, [250, 50, 150]) {
        print("element \(index) finished after \(value) ms")
    }
    let slow = try Futures.submit(nap, 5_000)
    let quick = try Futures.submit(nap, 10)
    let outcome = await Futures.wait([slow, quick], timeout: .seconds(2), returnWhen: .firstCompleted)
    print("done: \(outcome.done.count), not done: \(outcome.notDone.count)")
    slow.cancel()
}
