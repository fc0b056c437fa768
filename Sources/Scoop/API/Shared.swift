import ScoopCore

/// Write-once constants visible to every future in every process.
///
/// A constant set before a submit is visible to that future wherever it runs;
/// workers that join later receive every constant set before they joined.
///
/// ```swift
/// try Shared.set("weights", [0.2, 0.5, 0.3])
/// // in a task, anywhere:
/// let weights = try await Shared.get("weights", as: [Double].self)
/// ```
public enum Shared {
    /// Sets a constant. Throws ``ScoopError/constantAlreadySet(_:)`` if the
    /// name already has a value, ``ScoopError/codec(_:)`` if it cannot be encoded.
    public static func set<Value: Codable & Sendable>(_ name: String, _ value: Value) throws {
        let node = try Submission.currentNode("Shared.set")
        let bytes: [UInt8]
        do {
            bytes = try PayloadCodec.encode(value)
        } catch {
            throw ScoopError.codec("shared constant '\(name)': \(error)")
        }
        let record = SharedConstantRecord(name: name, value: bytes)
        try node.checkSize(payload: record.payload.count, of: "shared constant '\(name)'")
        guard node.constants.store(name, bytes: bytes) else { throw ScoopError.constantAlreadySet(name) }
        node.broadcast(record)
    }

    /// Reads a constant, waiting up to `timeout` for it to arrive. Throws
    /// ``ScoopError/timeout(_:)`` naming the constant if it does not: a
    /// missing constant is never mistaken for a value.
    public static func get<Value: Codable & Sendable>(
        _ name: String,
        as type: Value.Type = Value.self,
        timeout: Duration = .seconds(30)
    ) async throws -> Value {
        let node = try Submission.currentNode("Shared.get")
        let bytes = try await node.lendingSlot { try await node.constants.wait(name, timeout: timeout) }
        do {
            return try PayloadCodec.decode(Value.self, from: bytes)
        } catch {
            throw ScoopError.constantTypeMismatch(name: name, detail: "could not read it as \(Value.self): \(error)")
        }
    }

    /// Whether a constant has arrived in this process, without waiting.
    public static func contains(_ name: String) throws -> Bool {
        try Submission.currentNode("Shared.contains").constants.value(name) != nil
    }
}

extension Node {
    /// Sends a constant to every other process (through the broker).
    func broadcast(_ constant: SharedConstantRecord) {
        transport?.send(Envelope(kind: .constant, source: workerID, target: .none, payload: constant.payload))
    }
}
