// The seed's program: 16 futures, each greeting from its index.
//
//     swift run hello                       # threads, one worker per core
//     scoop run -n 4 -- .build/release/hello
//     mpirun -n 4 .build/release/hello
import Scoop

let helloWorld = TaskFunction("helloWorld") { (value: Int) in
    "Hello World from Future #\(value)"
}

await Pool.main(functions: [helloWorld]) {
    let greetings = try await Futures.map(helloWorld, Array(0..<16))
    for greeting in greetings { print(greeting) }
}
