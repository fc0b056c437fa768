/// How far the origin's maps are, sent to the launcher in an `.event`
/// envelope (the launcher owns the terminal and draws the bar), and the bar's text.
///
/// Payload: `UInt32 kind` (2), `UInt64 total`, `UInt64 done`, `UInt64 elapsed` (ns).
///
/// ```swift
/// let record = ProgressRecord(total: 1000, done: 250, elapsedNanoseconds: 2_000_000_000)
/// record.line(width: 80)   // "[########                        ]  250/1000  25%  125.0/s  ETA 6s"
/// ```
public struct ProgressRecord: Sendable, Equatable {
    public static let kindTag: UInt32 = 2

    public var total: Int
    public var done: Int
    public var elapsedNanoseconds: UInt64

    public init(total: Int, done: Int, elapsedNanoseconds: UInt64) {
        self.total = total
        self.done = done
        self.elapsedNanoseconds = elapsedNanoseconds
    }

    public func encoded() -> [UInt8] {
        var writer = PayloadWriter()
        writer.writeUInt32(Self.kindTag)
        writer.writeUInt64(UInt64(total))
        writer.writeUInt64(UInt64(done))
        writer.writeUInt64(elapsedNanoseconds)
        return writer.bytes
    }

    /// Decodes a progress payload; nil for any other `.event` payload.
    public init?(payload: [UInt8]) {
        var reader = PayloadReader(payload)
        guard (try? reader.readUInt32()) == Self.kindTag,
              let total = try? reader.readUInt64(), let done = try? reader.readUInt64(),
              let elapsed = try? reader.readUInt64() else { return nil }
        self.init(total: Int(clamping: total), done: Int(clamping: done), elapsedNanoseconds: elapsed)
    }

    /// The bar: done/total, percentage, rate and time left, at most `width` columns.
    public func line(width: Int = 80) -> String {
        let seconds = Double(elapsedNanoseconds) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let left = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : nil
        let eta = left.map { $0 >= 60 ? "\($0 / 60)m\($0 % 60)s" : "\($0)s" } ?? "?"
        let counts = " \(done)/\(total) \(Int(fraction * 100))% \((rate * 10).rounded() / 10)/s ETA \(eta)"
        let barWidth = max(10, min(40, width - counts.count - 2))
        let filled = Int(fraction * Double(barWidth))
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: barWidth - filled) + "]" + counts
    }
}
