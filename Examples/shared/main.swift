// Shared constants: set once on the origin, read by futures wherever they run.
//
//     swift run shared
import Scoop

let scaled = TaskFunction("scaled") { (index: Int) -> Double in
    let weights = try await Shared.get("weights", as: [Double].self)
    let offset = try await Shared.get("offset", as: Double.self)
    return weights[index % weights.count] * Double(index) + offset
}

await Pool.main(functions: [scaled]) {
    try Shared.set("weights", [0.5, 1.0, 2.0])
    try Shared.set("offset", 100.0)
    let values = try await Futures.map(scaled, Array(0..<6))
    print("scaled: \(values)")  // [100.0, 101.0, 104.0, 101.5, 104.0, 110.0]
    do {
        try Shared.set("offset", 1.0)
    } catch {
        print("as expected: \(error)")
    }
}
