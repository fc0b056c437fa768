import Logging
import Synchronization

/// A logger whose messages (at `level` and above) the test can read back.
///
/// ```swift
/// let capture = LogCapture()
/// let broker = try ZeroMQBroker(bindTo: "tcp://127.0.0.1:*", workerCount: 1, logger: capture.logger)
/// #expect(capture.lines.contains { $0.contains("refused") })
/// ```
final class LogCapture: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    func logger(level: Logger.Level = .debug) -> Logger {
        Logger(label: "test") { _ in Handler(capture: self, logLevel: level) }
    }

    fileprivate func append(_ line: String) { storage.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append("\(event.level) \(event.message)")
        }
    }
}
