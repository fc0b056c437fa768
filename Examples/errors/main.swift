// An error thrown three levels down reaches the program's body with its message.
//
//     swift run errors
//     swift run errors --uncaught     # the error escapes: Pool.main reports it, status 1
import Scoop

struct SensorError: Error, CustomStringConvertible {
    let sensor: Int
    var description: String { "sensor \(sensor) returned no reading" }
}

let readSensor = TaskFunction("readSensor") { (sensor: Int) -> Double in
    if sensor == 3 { throw SensorError(sensor: sensor) }
    return Double(sensor) * 1.5
}

let readRack = TaskFunction("readRack") { (rack: Int) -> [Double] in
    try await Futures.map(readSensor, Array(rack * 4..<rack * 4 + 4))
}

let readRoom = TaskFunction("readRoom") { () -> Double in
    let racks = try await Futures.map(readRack, [0, 1])
    return racks.joined().reduce(0, +)
}

if CommandLine.arguments.contains("--uncaught") {
    // No catch: Pool.main prints "scoop: error: …" and exits with status 1.
    await Pool.main(functions: [readSensor, readRack, readRoom]) {
        print("total: \(try await Futures.submit(readRoom).value)")
    }
}

try await Pool.run(functions: [readSensor, readRack, readRoom]) {
    do {
        let total = try await Futures.submit(readRoom).value
        print("total: \(total)")
    } catch {
        print("the room could not be read: \(error)")
    }
}

// Pool.run has returned (only the origin gets here): using the API outside a
// running pool is a clear error, not a hang. (Code before Pool.run runs in
// every process, so the same check there would print once per worker.)
do {
    _ = try Futures.submit(readSensor, 1)
} catch {
    print("outside the pool: \(error)")
}
