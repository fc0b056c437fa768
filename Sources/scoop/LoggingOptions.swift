import ArgumentParser
import Logging
import Synchronization

/// `-v` / `-q`, shared by every subcommand; chooses swift-log's level once.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .short, help: "More output (repeat for more: -v info, -vv debug, -vvv trace).")
    var verbose: Int

    @Flag(name: .short, help: "Only errors.")
    var quiet = false

    var level: Logger.Level {
        if quiet { return .error }
        switch verbose {
        case 0: return .warning
        case 1: return .info
        case 2: return .debug
        default: return .trace
        }
    }

    /// Bootstraps swift-log (standard error) once and returns the launcher's logger.
    func bootstrap(label: String = "scoop") -> Logger {
        let level = self.level
        LoggingOptions.once.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    private static let once = Mutex(false)
}
