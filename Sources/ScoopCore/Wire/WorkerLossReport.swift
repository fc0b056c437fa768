/// A worker declared lost, as error messages and run summaries name it.
///
/// ```swift
/// let lost = LostWorker(id: WorkerID(3), host: "node07")
/// print(lost)   // worker 3@node07
/// ```
public struct LostWorker: Codable, Sendable, Hashable, CustomStringConvertible {
    public var id: WorkerID
    public var host: String

    public init(id: WorkerID, host: String) {
        self.id = id
        self.host = host
    }

    public var description: String { "worker \(id.rawValue)@\(host)" }
}

extension WorkerID: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(UInt32.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why the broker failed a future instead of re-queueing it: it was in
/// flight on `limit` workers that were all lost (payload of a `.result`
/// flagged `.failed` and `.workersLost`, sent by the broker to the owner).
///
/// ```swift
/// let report = WorkerLossReport(limit: 3, workers: [LostWorker(id: WorkerID(2), host: "node07")])
/// let payload = try PayloadCodec.encode(report)
/// ```
public struct WorkerLossReport: Codable, Sendable, Equatable {
    /// The retry limit in force (``BrokerCore/maxWorkerLosses``).
    public var limit: Int
    /// The workers lost while the future ran on them, oldest first.
    public var workers: [LostWorker]

    public init(limit: Int, workers: [LostWorker]) {
        self.limit = limit
        self.workers = workers
    }
}
