import Testing
import FoundationEssentials
@testable import ScoopCore

// MARK: Fixtures

private struct Point: Codable, Equatable, Hashable {
    var x: Int
    var y: Int
}

private struct Shape: Codable, Equatable {
    var name: String
    var points: [Point]
    var closed: Bool
    var weight: Double?
    var tags: [String: Int]
}

private enum Command: Codable, Equatable {
    case stop
    case move(dx: Int, dy: Int)
    case say(String)
    case nested(Shape, [Command])
    indirect case wrapped(Command?)
}

private enum Color: String, Codable { case red, green }
private enum Level: Int, Codable { case low = 1, high = 9 }

/// Encodes keys conditionally and decodes them in another order.
private final class Account: Codable, Equatable {
    var id: Int
    var owner: String?
    var note: String?
    var limits: [Double]

    init(id: Int, owner: String?, note: String?, limits: [Double]) {
        (self.id, self.owner, self.note, self.limits) = (id, owner, note, limits)
    }

    enum CodingKeys: String, CodingKey { case id, owner, note, limits }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(limits, forKey: .limits)
        try c.encode(id, forKey: .id)
        try c.encode(owner, forKey: .owner)   // writes nil explicitly
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        owner = try c.decodeIfPresent(String.self, forKey: .owner)
        id = try c.decode(Int.self, forKey: .id)
        limits = try c.decode([Double].self, forKey: .limits)
        note = c.contains(.note) ? try c.decode(String?.self, forKey: .note) : nil
    }

    static func == (a: Account, b: Account) -> Bool {
        a.id == b.id && a.owner == b.owner && a.note == b.note && a.limits == b.limits
    }
}

/// A class hierarchy: one subclass writes its superclass to `superEncoder()`,
/// another shares the encoder with it.
private class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

private final class Dog: Animal {
    var tricks: [String]
    init(name: String, tricks: [String]) {
        self.tricks = tricks
        super.init(name: name)
    }
    enum CodingKeys: String, CodingKey { case tricks }
    override func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tricks, forKey: .tricks)
        try super.encode(to: c.superEncoder())
    }
    required init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tricks = try c.decode([String].self, forKey: .tricks)
        try super.init(from: c.superDecoder())
    }
}

private final class Cat: Animal {
    var lives: Int
    init(name: String, lives: Int) {
        self.lives = lives
        super.init(name: name)
    }
    enum CodingKeys: String, CodingKey { case lives }
    override func encode(to encoder: any Encoder) throws {
        try super.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lives, forKey: .lives)
    }
    required init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lives = try c.decode(Int.self, forKey: .lives)
        try super.init(from: decoder)
    }
}

/// Nested containers written out of order, unkeyed nesting and super-encoders in arrays.
private struct Matrix: Codable, Equatable {
    var rows: [[Int]]
    var meta: String

    enum CodingKeys: String, CodingKey { case rows, meta, info }
    enum InfoKeys: String, CodingKey { case count, label }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var info = c.nestedContainer(keyedBy: InfoKeys.self, forKey: .info)
        var list = c.nestedUnkeyedContainer(forKey: .rows)
        try c.encode(meta, forKey: .meta)            // the parent moves on…
        try info.encode(rows.count, forKey: .count)  // …and the children are written later
        for row in rows {
            var r = list.nestedUnkeyedContainer()
            for value in row { try r.encode(value) }
        }
        try list.encode(Point(x: -1, y: -1))
        var tail = list.superEncoder().singleValueContainer()
        try tail.encode("end")
        try info.encode("m", forKey: .label)
    }

    init(rows: [[Int]], meta: String) { (self.rows, self.meta) = (rows, meta) }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        meta = try c.decode(String.self, forKey: .meta)
        var list = try c.nestedUnkeyedContainer(forKey: .rows)
        let info = try c.nestedContainer(keyedBy: InfoKeys.self, forKey: .info)
        let count = try info.decode(Int.self, forKey: .count)
        #expect(try info.decode(String.self, forKey: .label) == "m")
        rows = []
        for _ in 0..<count {
            var r = try list.nestedUnkeyedContainer()
            var row: [Int] = []
            while !r.isAtEnd { row.append(try r.decode(Int.self)) }
            rows.append(row)
        }
        #expect(try list.decode(Point.self) == Point(x: -1, y: -1))
        #expect(try list.superDecoder().singleValueContainer().decode(String.self) == "end")
        #expect(list.isAtEnd)
    }
}

private struct Failing: Codable {
    struct Boom: Error, CustomStringConvertible { var description: String { "the disk is on fire" } }
    func encode(to encoder: any Encoder) throws { throw Boom() }
    init() {}
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not today"))
    }
}

private struct Holder: Codable { var items: [Item] }
private struct Item: Codable { var ok: Bool; var part: Failing? }

/// A type that uses a single-value container with nil, like a JSON "nullable".
private enum Nullable: Codable, Equatable {
    case null
    case value(Int)
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .value(let v): try c.encode(v)
        }
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = c.decodeNil() ? .null : .value(try c.decode(Int.self))
    }
}


/// Writes nil explicitly in keyed and unkeyed containers and reads it back with `decodeNil`.
private struct Sparse: Codable, Equatable {
    var values: [Int?]
    var label: String?
    var extra: Point?

    enum CodingKeys: String, CodingKey { case values, label, extra, base }

    init(values: [Int?], label: String?, extra: Point?) { (self.values, self.label, self.extra) = (values, label, extra) }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var list = c.nestedUnkeyedContainer(forKey: .values)
        for value in values {
            if let value { try list.encode(value) } else { try list.encodeNil() }
        }
        if let label { try c.encode(label, forKey: .label) } else { try c.encodeNil(forKey: .label) }
        try c.encodeIfPresent(extra, forKey: .extra)
        var base = c.superEncoder(forKey: .base).unkeyedContainer()
        try base.encode(values.count)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var base = try c.superDecoder(forKey: .base).unkeyedContainer()
        let count = try base.decode(Int.self)
        var list = try c.nestedUnkeyedContainer(forKey: .values)
        #expect(list.count == count)
        values = []
        while !list.isAtEnd {
            values.append(try list.decodeNil() ? nil : try list.decode(Int.self))
        }
        label = try c.decodeNil(forKey: .label) ? nil : try c.decode(String.self, forKey: .label)
        extra = try c.decodeIfPresent(Point.self, forKey: .extra)
        #expect(c.allKeys.count == (extra == nil ? 3 : 4))
    }
}

/// Asks for two kinds of container for one value.
private struct Confused: Encodable {
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: _AnyKey.self)
        try keyed.encode(1, forKey: _AnyKey(stringValue: "a"))
        var list = encoder.unkeyedContainer()
        try list.encode(2)
    }
}

private struct _AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A recursive type, to nest deeper than the decoder allows.
private indirect enum Chain: Codable, Equatable { case end, link(Chain) }

private func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = try PayloadCodec.encode(value)
    let back = try PayloadCodec.decode(T.self, from: bytes)
    #expect(back == value, sourceLocation: sourceLocation)
}

// MARK: Tests

@Suite struct PayloadCodecTests {
    @Test func primitivesWithEdgeValues() throws {
        for v in [Int.min, -1, 0, 1, Int.max] { try roundTrip(v) }
        for v in [UInt.min, UInt.max] { try roundTrip(v) }
        for v in [Int8.min, Int8.max] { try roundTrip(v) }
        for v in [Int16.min, Int16.max] { try roundTrip(v) }
        for v in [Int32.min, Int32.max] { try roundTrip(v) }
        for v in [Int64.min, Int64.max] { try roundTrip(v) }
        try roundTrip(UInt8.max); try roundTrip(UInt16.max); try roundTrip(UInt32.max); try roundTrip(UInt64.max)
        try roundTrip(true); try roundTrip(false)
        for v in [0.0, -0.0, 1.5, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude] {
            let back = try PayloadCodec.decode(Double.self, from: PayloadCodec.encode(v))
            #expect(back.bitPattern == v.bitPattern)
        }
        for v: Float in [0, -0.0, 3.25, .infinity, .leastNonzeroMagnitude] {
            let back = try PayloadCodec.decode(Float.self, from: PayloadCodec.encode(v))
            #expect(back.bitPattern == v.bitPattern)
        }
        for s in ["", "a", "héllo wörld", "🌍👩‍👩‍👧", "\u{0}nul\u{0}", String(repeating: "long ", count: 1000)] {
            try roundTrip(s)
        }
        #expect(try PayloadCodec.encode(Int.max) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(try PayloadCodec.encode("hé") == [3, 0x68, 0xC3, 0xA9])
    }

    @Test func nanBitPatternsArePreserved() throws {
        let nan = Double(bitPattern: 0x7FF8_0000_DEAD_BEEF)
        let back = try PayloadCodec.decode(Double.self, from: PayloadCodec.encode(nan))
        #expect(back.bitPattern == nan.bitPattern)
        let signalling = Float(bitPattern: 0x7FA0_0001)
        let values = try PayloadCodec.decode([Float].self, from: PayloadCodec.encode([signalling, 1]))
        #expect(values[0].bitPattern == signalling.bitPattern)
        struct S: Codable { var d: Double }
        let s = try PayloadCodec.decode(S.self, from: PayloadCodec.encode(S(d: nan)))
        #expect(s.d.bitPattern == nan.bitPattern)
    }

    @Test func optionalsIncludingNested() throws {
        try roundTrip(Int?.none)
        try roundTrip(Int?.some(5))
        try roundTrip(Int??.some(nil))
        try roundTrip(Int??.some(3))
        try roundTrip(Int??.none)
        try roundTrip([1, nil, 3] as [Int?])
        try roundTrip([nil, .some(nil), .some(4)] as [Int??])
        try roundTrip(Point?.some(Point(x: 1, y: 2)))
        try roundTrip([Point?.none, Point(x: 3, y: 4)])
        struct Opts: Codable, Equatable {
            var a: Int?
            var b: String??
            var c: [Point?]?
            var d: Point?
        }
        try roundTrip(Opts(a: nil, b: .some(nil), c: [nil, Point(x: 1, y: 1)], d: nil))
        try roundTrip(Opts(a: 1, b: "x", c: nil, d: Point(x: 0, y: 0)))
        try roundTrip(Opts(a: nil, b: nil, c: [], d: nil))
        try roundTrip([Nullable.null, .value(0), .value(-7)])
        try roundTrip(["k": Optional<Int>.none, "j": 1])
    }

    @Test func nestedStructsEnumsAndCollections() throws {
        let shape = Shape(
            name: "tri", points: [Point(x: 0, y: 0), Point(x: 1, y: 0), Point(x: 0, y: 1)],
            closed: true, weight: 0.5, tags: ["a": 1, "b": 2])
        try roundTrip(shape)
        try roundTrip([Command.stop, .move(dx: -1, dy: 2), .say("hi"), .nested(shape, [.stop, .say("")]),
                       .wrapped(nil), .wrapped(.wrapped(.stop))])
        try roundTrip([Color.red, .green])
        try roundTrip([Level.low: "l", .high: "h"])
        try roundTrip([Point(x: 1, y: 2): "p", Point(x: 3, y: 4): "q"])
        try roundTrip([3: "three", -1: "minus one", 0: ""])
        try roundTrip(Set(["x", "y", "z"]))
        try roundTrip([[1, 2], [], [3]] as [[Int]])
        try roundTrip([[Point(x: 1, y: 1)], []])
        try roundTrip(ContiguousArray([true, false, true]))
        let big = Dictionary(uniqueKeysWithValues: (0..<2000).map { ("key\($0)", Point(x: $0, y: -$0)) })
        try roundTrip(big)
        let intKeyed = Dictionary(uniqueKeysWithValues: (0..<500).map { ($0 * 7, [$0]) })
        try roundTrip(intKeyed)
    }

    @Test func dictionariesWriteWhatAKeyedContainerWould() throws {
        // [String: Int] and [Int: Int] take a fast path; a struct with the same keys
        // goes through a keyed container: the bytes must agree.
        struct One: Codable { var x: Int }
        #expect(try PayloadCodec.encode(["x": 5]) == PayloadCodec.encode(One(x: 5)))
        #expect(try PayloadCodec.decode(One.self, from: PayloadCodec.encode(["x": 5])).x == 5)
        #expect(try PayloadCodec.decode([String: Int].self, from: PayloadCodec.encode(One(x: 6))) == ["x": 6])
        do {
            _ = try PayloadCodec.decode([Int: Int].self, from: PayloadCodec.encode(["seven": 7]))
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("key 'seven' cannot be read as Int"))
        }
        try roundTrip(["a": [1.5], "b": []] as [String: [Double]])
        try roundTrip(["a": nil, "b": "x"] as [String: String?])
        try roundTrip([1: ["x": 1], 2: [:]] as [Int: [String: Int]])
    }

    @Test func keysEncodedConditionallyAndDecodedOutOfOrder() throws {
        try roundTrip(Account(id: 7, owner: nil, note: nil, limits: [1, 2]))
        try roundTrip(Account(id: -3, owner: "ann", note: "vip", limits: []))
        // The optional written explicitly with `encode` reads back with `decodeIfPresent` and vice versa.
        struct Writer: Encodable {
            var value: Int?
            enum CodingKeys: CodingKey { case value }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(value, forKey: .value)
            }
        }
        struct Reader: Decodable { var value: Int? }
        #expect(try PayloadCodec.decode(Reader.self, from: PayloadCodec.encode(Writer(value: 4))).value == 4)
        #expect(try PayloadCodec.decode(Reader.self, from: PayloadCodec.encode(Writer(value: nil))).value == nil)
        struct Strict: Decodable {
            var value: Int?
            enum CodingKeys: CodingKey { case value }
            init(from decoder: any Decoder) throws {
                value = try decoder.container(keyedBy: CodingKeys.self).decode(Int?.self, forKey: .value)
            }
        }
        struct Lenient: Encodable { var value: Int? }   // synthesized: encodeIfPresent
        #expect(try PayloadCodec.decode(Strict.self, from: PayloadCodec.encode(Lenient(value: 9))).value == 9)
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Strict.self, from: PayloadCodec.encode(Lenient(value: nil))) }
    }

    @Test func superEncoderAndSharedEncoder() throws {
        let dog = try PayloadCodec.decode(Dog.self, from: PayloadCodec.encode(Dog(name: "rex", tricks: ["sit", "roll"])))
        #expect(dog.name == "rex" && dog.tricks == ["sit", "roll"])
        let cat = try PayloadCodec.decode(Cat.self, from: PayloadCodec.encode(Cat(name: "tom", lives: 9)))
        #expect(cat.name == "tom" && cat.lives == 9)
    }

    @Test func nestedContainersInAnyOrder() throws {
        try roundTrip(Matrix(rows: [[1, 2, 3], [], [4]], meta: "m1"))
        try roundTrip([Matrix(rows: [], meta: ""), Matrix(rows: Array(repeating: Array(0..<50), count: 200), meta: "big")])
    }

    @Test func fastPathArrays() throws {
        try roundTrip([UInt8]())
        try roundTrip([Double]())
        var random = CodecTestRandom(seed: 9)
        let mebibyte = random.bytes(1 << 20)
        let encoded = try PayloadCodec.encode(mebibyte)
        #expect(encoded.count == 3 + (1 << 20))
        #expect(try PayloadCodec.decode([UInt8].self, from: encoded) == mebibyte)
        let doubles = (0..<100_000).map { _ in Double.random(in: -1e9...1e9, using: &random) }
        let doubleBytes = try PayloadCodec.encode(doubles)
        #expect(doubleBytes.count == 3 + 800_000)
        #expect(try PayloadCodec.decode([Double].self, from: doubleBytes) == doubles)
        try roundTrip((0..<1000).map { Float($0) / 3 })
        try roundTrip([Int.min, 0, Int.max])
        try roundTrip([Int64.min, 5])
        try roundTrip([UInt64.max, 0])
        try roundTrip([Int32.min, Int32.max])
        try roundTrip([UInt32.max])
        try roundTrip([Int16.min, 3] as [Int16])
        try roundTrip([Int8.min, 3] as [Int8])
        try roundTrip([UInt.max])
        let data = Data(random.bytes(1000))
        try roundTrip(data)
        #expect(try PayloadCodec.encode(data) == PayloadCodec.encode([UInt8](data)))
        struct Sample: Codable, Equatable { var id: Int; var values: [Double]; var raw: [UInt8]; var blob: Data }
        try roundTrip(Sample(id: 1, values: Array(doubles[..<1000]), raw: Array(mebibyte[..<300]), blob: Data([1, 2])))
        try roundTrip([[1.0, 2.0], [], [3.0]])
    }

    @Test func writerPrimitivesWriteWhatWriteDoes() throws {
        try roundTrip(ContiguousArray<Double>([1, 2]))
        try roundTrip([true, false, true])
        #expect(try PayloadCodec.encode([true, false]) == [2, 1, 0])
        #expect(throws: PayloadError.self) { try PayloadCodec.decode([Bool].self, from: [2, 1, 2]) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Bool.self, from: [2]) }
        var writer = PayloadWriter()
        writer.writeInt(-5); writer.writeString("é"); writer.writeBytes([1, 2, 3] as [UInt8]); writer.writeUInt32(9)
        writer.writeUInt64(10); writer.writeDouble(2.5); writer.writeBool(true); writer.writeUInt8(4)
        var generic = PayloadWriter(reservingCapacity: 64)
        try generic.write(-5); try generic.write("é"); try generic.write([1, 2, 3] as [UInt8]); try generic.write(UInt32(9))
        try generic.write(UInt64(10)); try generic.write(2.5); try generic.write(true); try generic.write(UInt8(4))
        #expect(writer.bytes == generic.bytes)
        var reader = PayloadReader(writer.bytes)
        #expect(try reader.readInt() == -5)
        #expect(try reader.readString() == "é")
        #expect(try reader.readBytes() == [1, 2, 3])
        #expect(try reader.readUInt32() == 9)
        #expect(try reader.readUInt64() == 10)
        #expect(try reader.readDouble() == 2.5)
        #expect(try reader.readBool() == true)
        #expect(try reader.readUInt8() == 4)
        #expect(reader.isAtEnd && reader.remaining == 0)
    }

    @Test func writerAndReaderSequences() throws {
        var writer = PayloadWriter()
        writer.writeUInt32(2)
        try writer.write(Point(x: 1, y: 2))
        try writer.write([Point(x: 3, y: 4)])
        var element = PayloadWriter()
        try element.write("spliced")
        writer.appendRaw(element.bytes)
        writer.writeBytes(UnsafeRawBufferPointer(start: nil, count: 0))
        var reader = PayloadReader(writer.bytes)
        #expect(try reader.readUInt32() == 2)
        #expect(try reader.read(Point.self) == Point(x: 1, y: 2))
        #expect(try reader.read([Point].self) == [Point(x: 3, y: 4)])
        let raw = try reader.readRaw(count: element.bytes.count)
        #expect(try PayloadCodec.decode(String.self, from: raw) == "spliced")
        #expect(try reader.readBytes() == [])
        #expect(reader.isAtEnd)
        #expect(throws: PayloadError.self) { try reader.readUInt8() }
        #expect(throws: PayloadError.self) { try reader.readRaw(count: 1) }
        let slice = writer.bytes[4...]
        var sliced = PayloadReader(slice)
        #expect(try sliced.read(Point.self) == Point(x: 1, y: 2))
    }

    @Test func randomValuesRoundTrip() throws {
        var random = CodecTestRandom(seed: 42)
        for _ in 0..<2000 {
            let value = RandomValue.make(depth: 0, &random)
            let bytes = try PayloadCodec.encode(value)
            #expect(try PayloadCodec.decode(RandomValue.self, from: bytes) == value)
        }
    }

    @Test func truncatedPayloadsThrowWithUsefulDescriptions() throws {
        let shape = Shape(name: "sq", points: (0..<5).map { Point(x: $0, y: $0) }, closed: false, weight: nil, tags: ["t": 1])
        let bytes = try PayloadCodec.encode(shape)
        for length in 0..<bytes.count {
            #expect(throws: PayloadError.self) { try PayloadCodec.decode(Shape.self, from: Array(bytes[..<length])) }
        }
        struct Wrapper: Codable { var points: [Point] }
        let wrapped = try PayloadCodec.encode(Wrapper(points: (0..<5).map { Point(x: $0, y: 0) }))
        // Cut inside the entry of points[3].x: an entry's length then says more than is left.
        var writer = PayloadWriter()
        try writer.write(Point(x: 1, y: 2))
        let cut = Array(writer.bytes.dropLast(6))
        do {
            _ = try PayloadCodec.decode(Point.self, from: cut)
            Issue.record("no error")
        } catch {
            #expect(error.reason == .truncated(type: "Point", needed: 8, available: 2))
            #expect(error.description == "payload: truncated while decoding Point at the top level: needed 8 bytes, 2 left")
        }
        // A nested Int whose bytes are short (a hand-made entry).
        var forged = Array(wrapped)
        if let index = forged.lastIndex(of: 9) { forged[index] = 5 }   // y's tag: 4 bytes instead of 8
        do {
            _ = try PayloadCodec.decode(Wrapper.self, from: forged)
            Issue.record("no error")
        } catch {
            #expect(error.codingPath == "points[4].y")
            #expect(error.description.hasPrefix("payload: "))
        }
        do {
            _ = try PayloadCodec.decode([Int].self, from: [3, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0])
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("declared count of 8-byte elements 3 exceeds the 1"))
        }
    }

    @Test func garbageNeverCrashes() throws {
        var random = CodecTestRandom(seed: 5)
        let valid = try PayloadCodec.encode([Command.nested(
            Shape(name: "s", points: [Point(x: 1, y: 2)], closed: true, weight: 2, tags: ["a": 1]), [.say("x"), .stop])])
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = random.bytes(Int.random(in: 0...64, using: &random))
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            _ = try? PayloadCodec.decode([Command].self, from: bytes)
            _ = try? PayloadCodec.decode(RandomValue.self, from: bytes)
            _ = try? PayloadCodec.decode([String: [Double]].self, from: bytes)
            _ = try? PayloadCodec.decode(Account.self, from: bytes)
            _ = try? PayloadCodec.decode(Matrix.self, from: bytes)
        }
        // Absurd declared sizes fail before allocating.
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: PayloadError.self) { try PayloadCodec.decode([UInt8].self, from: huge) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode([Point].self, from: huge) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode([String: Int].self, from: huge) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(String.self, from: huge) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode([UInt8].self, from: Array(repeating: 0xFF, count: 11)) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(String.self, from: [2, 0xC3, 0x28]) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Bool.self, from: [2]) }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Int?.self, from: [7]) }
    }

    @Test func errorsNameTheProblemAndThePlace() throws {
        struct Three: Codable { var a: Int; var b: Int; var c: Int }
        struct Two: Codable { var a: Int; var b: Int }
        do {
            _ = try PayloadCodec.decode(Three.self, from: PayloadCodec.encode(Two(a: 1, b: 2)))
            Issue.record("no error")
        } catch {
            #expect(error.reason == .keyNotFound(key: "c"))
            #expect(error.description == "payload: no value for key 'c' at the top level")
        }
        struct Box<T: Codable>: Codable { var inner: [T] }
        do {
            _ = try PayloadCodec.decode(Box<Three>.self, from: PayloadCodec.encode(Box(inner: [Two(a: 1, b: 2)])))
            Issue.record("no error")
        } catch {
            #expect(error.codingPath == "inner[0]")
        }
        struct Small: Codable { var a: Int32 }
        do {
            _ = try PayloadCodec.decode(Two.self, from: PayloadCodec.encode(["a": Int32(1), "b": 2]))
            Issue.record("no error")
        } catch {
            #expect(error.codingPath == "a")
            if case .typeMismatch(let type, _) = error.reason { #expect(type == "Int") } else { Issue.record("\(error)") }
        }
        do {
            _ = try PayloadCodec.decode(Small.self, from: PayloadCodec.encode(["a": Int32?.none]))
            Issue.record("no error")
        } catch {
            #expect(error.reason == .valueNotFound(type: "Int32"))
            #expect(error.description == "payload: expected a value of type Int32 at a but found nil")
        }
        #expect(throws: PayloadError(.trailingBytes(type: "Int32", count: 4))) {
            try PayloadCodec.decode(Int32.self, from: PayloadCodec.encode(Int64(1)))
        }
        #expect(throws: PayloadError.self) { try PayloadCodec.decode(Color.self, from: PayloadCodec.encode(Level.low)) }
        do {
            _ = try PayloadCodec.decode(Color.self, from: PayloadCodec.encode(Hue.blue))
            Issue.record("no error")
        } catch {
            guard case .decodingFailed(let type, let underlying) = error.reason else { Issue.record("\(error)"); return }
            #expect(type == "Color")
            #expect(underlying.contains("blue"))
        }
    }

    @Test func userErrorsAreWrappedWithTheirDescription() throws {
        do {
            _ = try PayloadCodec.encode(Holder(items: [Item(ok: true, part: nil), Item(ok: false, part: Failing())]))
            Issue.record("no error")
        } catch {
            #expect(error.reason == .encodingFailed(type: "Failing", underlying: "the disk is on fire"))
            #expect(error.codingPath == "items[1].part")
            #expect(error.description == "payload: value of type Failing at items[1].part could not be encoded: the disk is on fire")
        }
        do {
            _ = try PayloadCodec.encode(Failing())
            Issue.record("no error")
        } catch {
            #expect(error.description == "payload: value of type Failing at the top level could not be encoded: the disk is on fire")
        }
        let bytes = try PayloadCodec.encode(Holder(items: [Item(ok: true, part: nil)]))
        #expect(try PayloadCodec.decode(Holder.self, from: bytes).items.count == 1)
        struct Decodes: Codable { var f: Failing }
        do {
            _ = try PayloadCodec.decode(Decodes.self, from: PayloadCodec.encode(["f": 1]))
            Issue.record("no error")
        } catch {
            #expect(error.reason == .decodingFailed(type: "Failing", underlying: "not today"))
            #expect(error.codingPath == "f")
        }
    }

    @Test func nilInsideKeyedAndUnkeyedContainers() throws {
        try roundTrip(Sparse(values: [1, nil, 3, nil], label: nil, extra: nil))
        try roundTrip(Sparse(values: [], label: "x", extra: Point(x: 1, y: 1)))
        try roundTrip(Sparse(values: [nil], label: "", extra: nil))
    }

    @Test func theFormatIsStable() throws {
        // Keyed: count 2; "x" tag 9 (8 bytes); "y" tag 9.
        #expect(try PayloadCodec.encode(Point(x: 1, y: -1)) == [
            2, 1, 0x78, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x79, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ])
        #expect(try PayloadCodec.encode([Int32(1), 2]) == [2, 1, 0, 0, 0, 2, 0, 0, 0])
        #expect(try PayloadCodec.encode([Int?.none, 7]) == [2, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0])
        #expect(try PayloadCodec.encode(Color.green) == [1, 5, 0x67, 0x72, 0x65, 0x65, 0x6E])
        #expect(try PayloadCodec.encode(Array(repeating: UInt8(0), count: 300)).prefix(2) == [0xAC, 0x02])
        struct Maybe: Codable { var a: Int? }
        #expect(try PayloadCodec.encode(Maybe(a: nil)) == [0])
        struct Explicit: Encodable {
            enum CodingKeys: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encodeNil(forKey: .a)
            }
        }
        #expect(try PayloadCodec.encode(Explicit()) == [1, 1, 0x61, 0])
    }

    @Test func largeCountsAndLengthsUseLongVarints() throws {
        let names = (0..<200).map { String(repeating: "n", count: $0) }
        try roundTrip(names)
        struct Wide: Codable, Equatable { var blob: [Point]; var text: String }
        try roundTrip(Wide(blob: (0..<300).map { Point(x: $0, y: $0) }, text: String(repeating: "é", count: 5000)))
    }

    @Test func misuseIsReportedNotTrapped() {
        #expect(throws: PayloadError.self) { try PayloadCodec.encode(Confused()) }
        do {
            _ = try PayloadCodec.encode(Confused())
        } catch {
            guard case .unsupported(let detail) = error.reason else { Issue.record("\(error)"); return }
            #expect(detail.contains("keyed") && detail.contains("unkeyed"))
        }
    }

    @Test func hostileNestingIsRefused() throws {
        // Built from the inside out (no deep recursion to make it): link -> _0 -> link -> …
        var inner = try PayloadCodec.encode(Chain.end)
        for _ in 0..<600 {
            var nested: [UInt8] = [1, 2, 0x5F, 0x30]
            nested += Self.varint(inner.count + 1) + inner
            var outer: [UInt8] = [1, 4, 0x6C, 0x69, 0x6E, 0x6B]
            outer += Self.varint(nested.count + 1) + nested
            inner = outer
        }
        do {
            _ = try PayloadCodec.decode(Chain.self, from: inner)
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("nested more than 512 deep"))
        }
        var chain = Chain.end
        for _ in 0..<100 { chain = .link(chain) }
        try roundTrip(chain)
    }

    private static func varint(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var value = UInt(value)
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    @Test func remoteErrorTravels() throws {
        enum ParseError: Error { case badInput(Int) }
        let remote = RemoteError(describing: ParseError.badInput(3), function: "parse", worker: 2, host: "node07")
        #expect(remote.typeName.hasSuffix("ParseError"))
        #expect(remote.message == "badInput(3)")
        #expect(remote.description == "\(remote.typeName) (from task 'parse' on worker 2@node07): badInput(3)")
        #expect(try PayloadCodec.decode(RemoteError.self, from: PayloadCodec.encode(remote)) == remote)
        let relayed = RemoteError(describing: remote, function: "outer", worker: 5)
        #expect(relayed == remote)
        let bare = RemoteError(typeName: "X", message: "m")
        #expect(bare.description == "X: m")
        #expect(RemoteError(typeName: "X", message: "m", host: "h").description == "X (from host h): m")
        #expect(RemoteError(typeName: "X", message: "m", function: "f").description == "X (from task 'f'): m")
    }
}

private enum Hue: String, Codable { case blue }

/// A random tree of values for property tests.
private indirect enum RandomValue: Codable, Equatable {
    case int(Int)
    case double(UInt64)
    case string(String)
    case bytes([UInt8])
    case list([RandomValue])
    case record([String: RandomValue])
    case maybe(RandomValue?)
    case point(Point, Bool)

    static func make(depth: Int, _ random: inout CodecTestRandom) -> RandomValue {
        let choice = Int.random(in: 0..<(depth > 3 ? 4 : 8), using: &random)
        switch choice {
        case 0: return .int(Int(bitPattern: UInt(truncatingIfNeeded: random.next())))
        case 1: return .double(random.next())
        case 2:
            let scalars = (0..<Int.random(in: 0...12, using: &random)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0...0x1_F600, using: &random))
            }
            return .string(String(String.UnicodeScalarView(scalars)))
        case 3: return .bytes(random.bytes(Int.random(in: 0...40, using: &random)))
        case 4: return .list((0..<Int.random(in: 0...5, using: &random)).map { _ in make(depth: depth + 1, &random) })
        case 5:
            var record: [String: RandomValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                record["k\(Int.random(in: 0...20, using: &random))"] = make(depth: depth + 1, &random)
            }
            return .record(record)
        case 6: return .maybe(Bool.random(using: &random) ? nil : make(depth: depth + 1, &random))
        default:
            return .point(Point(x: Int.random(in: -9...9, using: &random), y: 0), Bool.random(using: &random))
        }
    }
}
