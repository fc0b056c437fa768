/// The largest message a process accepts: `scoop run --max-message-size`,
/// `SCOOP_MAX_MESSAGE_SIZE`, or `scoop broker --max-message-size`.
///
/// The broker and every worker set it as `ZMQ_MAXMSGSIZE` (a peer announcing
/// a larger message is disconnected before anything is allocated) and pass
/// it to the envelope decoder. A submitter checks its tasks against it before
/// sending: a task too large fails its own future, nothing else.
///
/// ```swift
/// let limit = try MessageSizeLimit.parse("64M")            // 67_108_864
/// let fromEnvironment = try MessageSizeLimit.fromEnvironment(["SCOOP_MAX_MESSAGE_SIZE": "1G"])
/// ```
public enum MessageSizeLimit {
    /// The environment variable the launcher passes to workers.
    public static let environmentVariable = "SCOOP_MAX_MESSAGE_SIZE"
    /// The default: the largest envelope the decoder accepts (header + 2 GiB − 1).
    public static let defaultBytes = Envelope.headerSize + Envelope.defaultMaximumPayloadSize
    /// The smallest limit allowed: joins and control messages must fit.
    public static let minimumBytes = 4096

    /// Why a limit was refused.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Bytes, or a number with a K, M or G suffix (powers of 1024).
    public static func parse(_ text: String) throws(Invalid) -> Int {
        let trimmed = text.filter { $0 != " " }
        var digits = Substring(trimmed)
        var multiplier = 1
        if let last = digits.last?.uppercased(), let shift = ["K": 10, "M": 20, "G": 30][last] {
            multiplier = 1 << shift
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0 else {
            throw Invalid(description: "message size '\(text)': expected a number of bytes, e.g. 1048576, 64M or 1G")
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= defaultBytes else {
            throw Invalid(description: "message size '\(text)' is larger than the most a message may carry (\(defaultBytes) bytes)")
        }
        guard bytes >= minimumBytes else {
            throw Invalid(description: "message size '\(text)' is smaller than \(minimumBytes) bytes: control messages would not fit")
        }
        return bytes
    }

    /// `SCOOP_MAX_MESSAGE_SIZE` if set, else ``defaultBytes``.
    public static func fromEnvironment(_ variables: [String: String]) throws(Invalid) -> Int {
        guard let text = variables[environmentVariable], !text.isEmpty else { return defaultBytes }
        do {
            return try parse(text)
        } catch {
            throw Invalid(description: "\(environmentVariable): \(error.description)")
        }
    }

    /// The largest payload an envelope alone in a message of `limit` bytes may carry.
    public static func maximumPayload(inMessagesOf limit: Int) -> Int {
        max(0, min(limit, defaultBytes) - Envelope.headerSize)
    }
}
