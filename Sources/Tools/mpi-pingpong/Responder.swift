@_spi(Testing) import ScoopMPI

/// Rank 1: echoes, checks framed payloads, reports its idle CPU use.
enum Responder {
    /// The part size rank 1 uses to send framed payloads back (uneven on purpose).
    static let echoMaxPartSize = 1_000

    static func run(engine: MPIProgressEngine, inbox: inout AsyncStream<Received>.Iterator) async -> Bool {
        engine.send([], to: 0, tag: Tag.ready.rawValue)
        while let message = await inbox.next() {
            switch Tag(rawValue: message.tag) {
            case .frame:
                let expected = Measure.pattern(count: message.bytes.count, seed: PingPong.patternSeed)
                let following = await inbox.next()
                let verdict: [UInt8] = [
                    message.bytes == expected ? 1 : 0,
                    following?.tag == Tag.afterFrame.rawValue ? 1 : 0,
                ]
                engine.send(verdict, to: 0, tag: Tag.frameVerdict.rawValue)
                engine.send(message.bytes, to: 0, tag: Tag.frameEcho.rawValue, maxPartSize: echoMaxPartSize)
            case .idleStart:
                let percent = await PingPong.idleCPUPercent()
                engine.send(Array(String(percent).utf8), to: 0, tag: Tag.idleReport.rawValue)
            case .done:
                return true
            default:
                return false
            }
        }
        return false
    }
}
