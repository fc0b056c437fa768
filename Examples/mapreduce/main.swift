// mapReduce: a parallel map with an order-preserving tree reduction.
//
//     swift run mapreduce
import Scoop

let square = TaskFunction("square") { (x: Int) in x * x }
let add = TaskFunction("add") { (a: Int, b: Int) in a + b }
let word = TaskFunction("word") { (i: Int) in String(UnicodeScalar(UInt8(97 + i % 26))) }
let concatenate = TaskFunction("concatenate") { (a: String, b: String) in a + b }

await Pool.main(functions: [square, add, word, concatenate]) {
    let sum = try await Futures.mapReduce(square, add, Array(0..<100_000))
    print("sum of squares below 100000: \(sum)")          // 333328333350000
    let alphabet = try await Futures.mapReduce(word, concatenate, Array(0..<26))
    print("in order: \(alphabet)")                        // abcdefghijklmnopqrstuvwxyz
    let prefixes = try await Futures.mapScan(square, add, [1, 2, 3, 4])
    print("prefix sums of squares of 1...4: \(prefixes)")  // [1, 5, 14, 30]
}
