/// A shared constant on the wire: its name (read by brokers, which cache
/// constants for workers that join late) and its encoded value (opaque).
public struct SharedConstantRecord: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// Parses a `.constant` envelope's payload.
    public init(payload: [UInt8]) throws(PayloadError) {
        var reader = PayloadReader(payload)
        self.name = try reader.readString()
        self.value = try reader.readBytes()
    }

    /// The `.constant` envelope payload.
    public var payload: [UInt8] {
        var writer = PayloadWriter(reservingCapacity: value.count + name.utf8.count + 16)
        writer.writeString(name)
        writer.writeBytes(value)
        return writer.bytes
    }
}
