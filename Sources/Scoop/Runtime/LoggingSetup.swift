import Logging
import Synchronization

/// Chooses swift-log's backend once per process (standard error), as
/// swift-log requires. A program that bootstraps its own backend first keeps it.
enum LoggingSetup {
    private static let done = Mutex(false)

    static func bootstrapOnce(level: Logger.Level) {
        let first = done.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
