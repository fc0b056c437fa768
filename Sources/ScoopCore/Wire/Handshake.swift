/// What a process says when it joins the pool (payload of a `.join` envelope).
public struct JoinRequest: Codable, Sendable, Equatable {
    /// ``Envelope/protocolVersion`` of the joining build.
    public var protocolVersion: UInt8
    /// The joining binary's build identity (see ``BuildIdentity``).
    public var build: String
    /// The worker id the launcher gave this process.
    public var workerID: UInt32
    public var host: String
    public var processID: Int32
    /// Futures this process runs at once.
    public var slots: Int

    public init(protocolVersion: UInt8 = Envelope.protocolVersion, build: String, workerID: UInt32,
                host: String, processID: Int32, slots: Int) {
        self.protocolVersion = protocolVersion
        self.build = build
        self.workerID = workerID
        self.host = host
        self.processID = processID
        self.slots = slots
    }
}

/// The broker's answer to an accepted join (payload of a `.welcome` envelope).
/// Every shared constant set so far follows as `.constant` envelopes.
public struct JoinReply: Codable, Sendable, Equatable {
    /// How many workers the pool was started with.
    public var workerCount: Int
    public init(workerCount: Int) { self.workerCount = workerCount }
}
