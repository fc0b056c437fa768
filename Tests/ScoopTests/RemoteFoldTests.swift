@testable import Scoop
import ScoopCore
import Testing

/// A worker runs a fold or scan chunk from another process through the
/// functions' fold kernel when both are synchronous (one loop compiled for
/// the types), and element by element otherwise. Both give the same bytes.
@Suite struct RemoteFoldTests {
    static let squareAsync = TaskFunction("test.fold.squareAsync") { (x: Int) async -> Int in x * x }
    static let addAsync = TaskFunction("test.fold.addAsync") { (a: Int, b: Int) async -> Int in a + b }
    static let failSync = TaskFunction("test.fold.failSync") { (x: Int) throws -> Int in
        if x == 5 { throw TestFailure(value: x) }
        return x
    }

    static let registry = try! Registry(Fixtures.all + [squareAsync, addAsync, failSync])

    /// A chunk task's payload, as the submitting process encodes it.
    static func payload(_ mode: ChunkMode, reduce: any RegisteredFunction, _ elements: [Int]) -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeUInt32(mode.rawValue)
        writer.writeUInt32(reduce.id.rawValue)
        writer.writeUInt32(UInt32(elements.count))
        for element in elements { try! writer.write(element) }
        return writer.bytes
    }

    static func run(_ mode: ChunkMode, _ function: any RegisteredFunction, _ reduce: any RegisteredFunction,
                    _ elements: [Int]) async throws -> [UInt8] {
        try await ChunkExecutor.run(payload(mode, reduce: reduce, elements), function: function, registry: registry)
    }

    @Test(arguments: [ChunkMode.fold, .scan])
    func theKernelAndTheElementwisePathAgree(mode: ChunkMode) async throws {
        let elements = Array(0..<1_000)
        let kernel = try await Self.run(mode, Fixtures.square, Fixtures.add, elements)
        let elementwise = try await Self.run(mode, Self.squareAsync, Self.addAsync, elements)
        let mixed = try await Self.run(mode, Fixtures.square, Self.addAsync, elements)
        #expect(kernel == elementwise)
        #expect(kernel == mixed)
        var reader = PayloadReader(kernel)
        if mode == .fold {
            #expect(try reader.read(Int.self) == elements.reduce(0) { $0 + $1 * $1 })
        } else {
            #expect(try reader.readUInt32() == 1_000)
            let prefixes = try (0..<1_000).map { _ in try reader.read(Int.self) }
            #expect(prefixes.last == elements.reduce(0) { $0 + $1 * $1 })
            #expect(prefixes[2] == 0 + 1 + 4)
        }
    }

    @Test func onlySynchronousFunctionsOfMatchingTypesTakeTheKernel() throws {
        var reader = PayloadReader([UInt8]())
        // Zero elements: whether a kernel exists is decided before reading.
        #expect(try Fixtures.square.runFoldKernel(from: &reader, count: 0, reduce: Fixtures.add, keepPrefixes: true) != nil)
        #expect(try Fixtures.square.runFoldKernel(from: &reader, count: 0, reduce: Self.addAsync, keepPrefixes: true) == nil)
        #expect(try Self.squareAsync.runFoldKernel(from: &reader, count: 0, reduce: Fixtures.add, keepPrefixes: true) == nil)
        #expect(try Fixtures.letter.runFoldKernel(from: &reader, count: 0, reduce: Fixtures.add, keepPrefixes: true) == nil)
    }

    @Test func aNonCommutativeReductionKeepsItsOrder() async throws {
        let bytes = try await Self.run(.fold, Fixtures.letter, Fixtures.concatenate, Array(0..<5))
        var reader = PayloadReader(bytes)
        #expect(try reader.read(String.self) == "abcde")
    }

    @Test(arguments: [ChunkMode.fold, .scan])
    func anElementsErrorFailsTheChunk(mode: ChunkMode) async throws {
        await #expect(throws: TestFailure(value: 5)) {
            _ = try await Self.run(mode, Self.failSync, Fixtures.add, Array(0..<10))
        }
        await #expect(throws: TestFailure(value: 5)) {
            _ = try await Self.run(mode, Self.failSync, Self.addAsync, Array(0..<10))
        }
    }

    @Test func anEmptyChunkGivesTheSameAnswerOnBothPaths() async throws {
        // A fold of nothing fails alike; a scan of nothing is an empty list.
        for (function, reduce) in [(Fixtures.square, Fixtures.add), (Self.squareAsync, Self.addAsync)] {
            await #expect(throws: ScoopError.invalidArgument("empty fold chunk")) {
                _ = try await Self.run(.fold, function, reduce, [])
            }
            #expect(try await Self.run(.scan, function, reduce, []) == [0, 0, 0, 0])
        }
    }
}
