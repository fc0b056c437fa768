import Scoop
import Testing

@Suite struct SharedTests {
    static let readWeight = TaskFunction("test.readWeight") { (index: Int) -> Double in
        let weights = try await Shared.get("weights", as: [Double].self, timeout: .seconds(10))
        return weights[index]
    }

    @Test(arguments: [false, true])
    func aConstantSetBeforeSubmitIsVisibleToTheFuture(checkCodec: Bool) async throws {
        try await withPool(checkCodec: checkCodec, functions: [Self.readWeight]) { () async throws in
            try Shared.set("weights", [0.5, 1.5, 2.5])
            #expect(try await Futures.map(Self.readWeight, [0, 1, 2]) == [0.5, 1.5, 2.5])
            #expect(try Shared.contains("weights"))
        }
    }

    @Test func aConstantIsWriteOnce() async throws {
        try await withPool { () async throws in
            try Shared.set("alpha", 1)
            #expect(throws: ScoopError.constantAlreadySet("alpha")) { try Shared.set("alpha", 2) }
            #expect(try await Shared.get("alpha", as: Int.self) == 1)
        }
    }

    @Test func aMissingConstantTimesOutNamingIt() async throws {
        try await withPool { () async throws in
            do {
                _ = try await Shared.get("never-set", as: Int.self, timeout: .milliseconds(100))
                Issue.record("no timeout")
            } catch let error as ScoopError {
                #expect("\(error)".contains("'never-set'"))
                #expect("\(error)".contains("did not arrive"))
            }
        }
    }

    @Test func aGetWaitsForALaterSet() async throws {
        try await withPool { () async throws in
            async let value = Shared.get("late", as: String.self, timeout: .seconds(10))
            try Shared.set("late", "here")
            #expect(try await value == "here")
        }
    }

    @Test func readingWithTheWrongTypeIsAClearError() async throws {
        try await withPool { () async throws in
            try Shared.set("name", "text")
            await #expect(throws: ScoopError.self) { try await Shared.get("name", as: [Double].self) }
        }
    }
}
