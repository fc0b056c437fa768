import Scoop
import Testing

struct Unencodable: Codable, Sendable {
    struct Refused: Error, CustomStringConvertible { var description: String { "this value refuses to be encoded" } }
    func encode(to encoder: any Encoder) throws { throw Refused() }
    init() {}
    init(from decoder: any Decoder) throws { self.init() }
}

enum ErrorFixtures {
    static let unregistered = TaskFunction("test.neverRegistered") { (x: Int) in x }
    static let takesUnencodable = TaskFunction("test.takesUnencodable") { (value: Unencodable) in 1 }
    static let level3 = TaskFunction("test.level3") { (x: Int) -> Int in throw TestFailure(value: x) }
    static let level2 = TaskFunction("test.level2") { (x: Int) -> Int in try await Futures.submit(level3, x).value }
    static let level1 = TaskFunction("test.level1") { (x: Int) -> Int in try await Futures.map(level2, [x]).first! }
}

@Suite struct ErrorTests {
    @Test func anUnregisteredFunctionIsRefusedAtTheSubmitSite() async throws {
        try await withPool { () async throws in
            do {
                _ = try Futures.submit(ErrorFixtures.unregistered, 1)
                Issue.record("submit did not throw")
            } catch let error as ScoopError {
                #expect(error == .unregisteredFunction("test.neverRegistered"))
                #expect("\(error)".contains("Pool.run(functions:"))
            }
            await #expect(throws: ScoopError.unregisteredFunction("test.neverRegistered")) {
                try await Futures.map(ErrorFixtures.unregistered, [1])
            }
        }
    }

    @Test func aValueWhoseEncodingThrowsFailsThatFuture() async throws {
        try await withPool(checkCodec: true, functions: Fixtures.all + [ErrorFixtures.takesUnencodable]) { () async throws in
            let future = try Futures.submit(ErrorFixtures.takesUnencodable, Unencodable())
            do {
                _ = try await future.value
                Issue.record("no error")
            } catch {
                #expect("\(error)".contains("refuses to be encoded"))
            }
            // Other futures are unaffected.
            #expect(try await Futures.submit(Fixtures.square, 4).value == 16)
        }
    }

    @Test(arguments: [false, true])
    func anErrorThreeLevelsDownReachesTheBodyWithItsMessage(checkCodec: Bool) async throws {
        let functions: [any RegisteredFunction] = [ErrorFixtures.level1, ErrorFixtures.level2, ErrorFixtures.level3]
        try await withPool(workers: 1, checkCodec: checkCodec, functions: functions) { () async throws in
            do {
                _ = try await Futures.submit(ErrorFixtures.level1, 99).value
                Issue.record("no error")
            } catch {
                #expect("\(error)".contains("element 99 is bad"))
            }
        }
    }

    @Test func introspectionDescribesThePool() async throws {
        try await withPool(workers: 3) { () async throws in
            #expect(Pool.isRunning)
            #expect(Pool.isOrigin)
            #expect(Pool.size == 3)
            #expect(Pool.transport == .threads)
            #expect(Pool.workerID?.rawValue == 0)
        }
    }
}
