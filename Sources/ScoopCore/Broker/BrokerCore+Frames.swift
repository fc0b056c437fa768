extension BrokerCore {
    /// Decodes a received frame (envelopes packed back to back) from `peer`
    /// and handles each envelope; returns the sends and the envelopes decoded
    /// (so that a transport can forward one unchanged as the bytes it got).
    /// A frame that does not decode is dropped whole, counted under its
    /// ``DropReason`` and held against `peer`; nothing from a cut-off peer is
    /// decoded at all.
    ///
    /// ```swift
    /// let (sends, _) = message.withUnsafeBytes { core.receive(frame: $0, from: peer) }
    /// ```
    public mutating func receive(frame: UnsafeRawBufferPointer, from peer: WorkerID,
                                 maximumPayloadSize: Int = Envelope.defaultMaximumPayloadSize,
                                 now: UInt64 = MonotonicClock.nanoseconds) -> (sends: [Send], envelopes: [Envelope]) {
        if isCutOff(peer) { return (drop(.cutOff, "", from: nil), []) }
        guard frame.count > 0 else { return (drop(.truncated, "an empty message from \(peer)", from: peer), []) }
        let envelopes: [Envelope]
        do {
            envelopes = try Envelope.decodeAll(frame, maximumPayloadSize: maximumPayloadSize)
        } catch {
            return (drop(DropReason(error), "an unreadable message from \(peer): \(error)", from: peer), [])
        }
        var sends: [Send] = []
        for envelope in envelopes {
            sends.append(contentsOf: receive(envelope, from: peer, now: now))
        }
        return (sends, envelopes)
    }

    /// A message that is not one frame from a pool member's routing id: wrong
    /// frame count from `peer`, or (`peer` nil) a routing id that is no worker's.
    ///
    /// ```swift
    /// _ = core.dropMalformed("a message with 3 frames", from: WorkerID(4))
    /// ```
    public mutating func dropMalformed(_ detail: String, from peer: WorkerID?) -> [Send] {
        guard let peer else { return drop(.unknownPeer, detail, from: nil) }
        if isCutOff(peer) { return drop(.cutOff, "", from: nil) }
        return drop(.unreadable, detail, from: peer)
    }

    /// Whether everything from `peer` is ignored (it sent too many malformed messages).
    public func isCutOff(_ peer: WorkerID) -> Bool { input.isCutOff(peer) }
}
